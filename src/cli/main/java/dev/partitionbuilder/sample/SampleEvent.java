package dev.partitionbuilder.sample;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.partitionbuilder.sample.Actors.Account;
import dev.partitionbuilder.sample.Actors.Actor;
import dev.partitionbuilder.sample.Actors.Kind;
import dev.partitionbuilder.sample.Actors.Role;
import dev.partitionbuilder.sample.ApiCalls.Api;
import dev.partitionbuilder.sample.ApiCalls.Failure;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One CloudTrail event being written. The instance is reused from event to event: the resources a
 * call touches (bucket, key, role...) are drawn on first use, so that its request, response,
 * resources and TLS host all name the same ones.
 */
final class SampleEvent {
  /** How CloudTrail writes dates inside request and response elements. */
  private static final DateTimeFormatter AWS_DATE =
      DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US);

  private static final double ERROR_RATE = 0.055;

  /**
   * A day of the month: its ISO date prefix ("2024-03-14T"), S3 path ("2024/03/14") and first
   * second.
   */
  record Day(String isoPrefix, String path, long epochSecond) {
    static Day of(LocalDate date) {
      return new Day(date + "T", date.toString().replace('-', '/'), date.toEpochDay() * 86_400);
    }
  }

  final SplittableRandom r;
  private final Actors actors;

  Actor actor;
  Account account;
  Api api;
  String region;
  long epochSecond;
  String time;
  String requestId;
  private Day day;
  private String invokedBy;
  private Failure failure;
  private String bucket;
  private String key;
  private String function;
  private Role role;
  private String session;
  private String instance;
  private String kmsKey;
  private String secret;
  private String securityGroup;

  SampleEvent(Actors actors, SplittableRandom r) {
    this.actors = actors;
    this.r = r;
  }

  /**
   * Writes one event, as one JSON object without a line break, at {@code secondOfDay} of {@code
   * day}.
   */
  void write(JsonGenerator g, Day day, int secondOfDay) throws IOException {
    start(day, secondOfDay);
    boolean service = actor.kind() == Kind.AWS_SERVICE;
    g.writeStartObject();
    g.writeStringField("eventVersion", RandomValues.chance(r, 0.75) ? "1.09" : "1.08");
    identity(g);
    g.writeStringField("eventTime", time);
    g.writeStringField("eventSource", api.source);
    g.writeStringField("eventName", api.name);
    g.writeStringField("awsRegion", region);
    g.writeStringField("sourceIPAddress", service ? invokedBy : RandomValues.one(r, actor.ips()));
    g.writeStringField("userAgent", service ? invokedBy : RandomValues.one(r, actor.userAgents()));
    if (failure != null) {
      g.writeStringField("errorCode", failure.code());
      g.writeStringField("errorMessage", failure.message().apply(this));
    }
    object(g, "requestParameters", api.request);
    object(g, "responseElements", failure == null ? api.response : null);
    if (api.additional != null) {
      object(g, "additionalEventData", api.additional);
    }
    if (!api.signIn) {
      g.writeStringField("requestID", requestId);
    }
    g.writeStringField("eventID", RandomValues.uuid(r));
    g.writeBooleanField("readOnly", api.readOnly);
    if (api.resources != null) {
      g.writeArrayFieldStart("resources");
      api.resources.write(g, this);
      g.writeEndArray();
    }
    g.writeStringField("eventType", api.eventType);
    g.writeBooleanField("managementEvent", !api.data);
    g.writeStringField("recipientAccountId", account.id());
    if (actor.kind() == Kind.AWS_ACCOUNT) {
      // Cross-account calls are delivered to both accounts under one shared ID.
      g.writeStringField("sharedEventID", RandomValues.uuid(r));
    }
    if (actor.inVpc() && !api.global && RandomValues.chance(r, 0.4)) {
      g.writeStringField("vpcEndpointId", account.vpcEndpoint());
    }
    g.writeStringField("eventCategory", api.data ? "Data" : "Management");
    if (!service && !api.signIn && RandomValues.chance(r, 0.9)) {
      tlsDetails(g);
    }
    g.writeEndObject();
  }

  private void start(Day day, int secondOfDay) {
    this.day = day;
    epochSecond = day.epochSecond() + secondOfDay;
    time = day.isoPrefix() + clock(secondOfDay) + 'Z';
    bucket = key = function = session = instance = kmsKey = secret = securityGroup = null;
    role = null;
    actor = actors.pick(r);
    account = actor.account();
    do {
      api = ApiCalls.pick(actor.kind(), r);
    } while (api.signIn && !actor.console());
    invokedBy = actor.kind() == Kind.AWS_SERVICE ? RandomValues.one(r, api.invokers) : null;
    region =
        api.global
            ? "us-east-1"
            : api.source.equals(ApiCalls.S3) || RandomValues.chance(r, 0.85)
                ? account.region()
                : RandomValues.one(r, Actors.REGIONS);
    requestId =
        api.source.equals(ApiCalls.S3) ? RandomValues.upperHex(r, 16) : RandomValues.uuid(r);
    failure =
        actor.kind() != Kind.AWS_SERVICE && !api.signIn && RandomValues.chance(r, ERROR_RATE)
            ? failure()
            : null;
  }

  private void identity(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("userIdentity");
    g.writeStringField("type", actor.kind().type);
    switch (actor.kind()) {
      case AWS_SERVICE -> g.writeStringField("invokedBy", invokedBy);
      case AWS_ACCOUNT -> {
        g.writeStringField("principalId", actor.principalId());
        g.writeStringField("accountId", actor.accountId());
      }
      default -> {
        g.writeStringField("principalId", actor.principalId());
        g.writeStringField("arn", actor.arn());
        g.writeStringField("accountId", actor.accountId());
        if (!api.signIn) {
          g.writeStringField("accessKeyId", actor.accessKeyId());
        }
        if (actor.userName() != null) {
          g.writeStringField("userName", actor.userName());
        }
        if (actor.kind() == Kind.ASSUMED_ROLE || actor.console() && !api.signIn) {
          sessionContext(g);
        }
      }
    }
    g.writeEndObject();
  }

  private void sessionContext(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("sessionContext");
    Role issuer = actor.issuer();
    if (issuer != null) {
      g.writeObjectFieldStart("sessionIssuer");
      g.writeStringField("type", "Role");
      g.writeStringField("principalId", issuer.id());
      g.writeStringField("arn", issuer.arn());
      g.writeStringField("accountId", account.id());
      g.writeStringField("userName", issuer.name());
      g.writeEndObject();
    }
    g.writeObjectFieldStart("attributes");
    g.writeStringField("creationDate", iso(epochSecond - r.nextInt(3600)));
    g.writeStringField("mfaAuthenticated", actor.mfa() ? "true" : "false");
    g.writeEndObject();
    g.writeEndObject();
  }

  private void tlsDetails(JsonGenerator g) throws IOException {
    boolean tls13 = RandomValues.chance(r, 0.7);
    g.writeObjectFieldStart("tlsDetails");
    g.writeStringField("tlsVersion", tls13 ? "TLSv1.3" : "TLSv1.2");
    g.writeStringField(
        "cipherSuite", tls13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
    g.writeStringField("clientProvidedHostHeader", host());
    g.writeEndObject();
  }

  private String host() {
    if (api.source.equals(ApiCalls.IAM)) {
      return "iam.amazonaws.com";
    }
    if (api.source.equals(ApiCalls.S3)) {
      return api.global ? "s3.amazonaws.com" : s3Host();
    }
    return api.source.replace(".amazonaws.com", "." + region + ".amazonaws.com");
  }

  private Failure failure() {
    double x = r.nextDouble();
    if (x < 0.3 && api.failures.length > 0) {
      return RandomValues.one(r, api.failures);
    }
    if (x < 0.5) {
      return throttled();
    }
    return denied();
  }

  private Failure throttled() {
    return switch (api.source) {
      case ApiCalls.EC2 ->
          new Failure("Client.RequestLimitExceeded", c -> "Request limit exceeded.");
      case ApiCalls.S3 -> new Failure("SlowDown", c -> "Please reduce your request rate.");
      case ApiCalls.LAMBDA -> new Failure("TooManyRequestsException", c -> "Rate exceeded");
      default -> new Failure("ThrottlingException", c -> "Rate exceeded");
    };
  }

  private Failure denied() {
    if (api.source.equals(ApiCalls.S3)) {
      return new Failure("AccessDenied", c -> "Access Denied");
    }
    String action = api.service() + ":" + api.action;
    String caller =
        actor.arn() != null
            ? actor.arn()
            : "arn:aws:sts::" + actor.accountId() + ":assumed-role/PartnerSyncRole/partner-sync";
    String onResource = api.target == null ? "" : " on resource: " + api.target.apply(this);
    String why =
        "User: "
            + caller
            + " is not authorized to perform: "
            + action
            + onResource
            + " because no identity-based policy allows the "
            + action
            + " action";
    return switch (api.source) {
      case ApiCalls.EC2 ->
          new Failure(
              "Client.UnauthorizedOperation",
              c -> "You are not authorized to perform this operation. " + why);
      case ApiCalls.LAMBDA, ApiCalls.SECRETS -> new Failure("AccessDeniedException", c -> why);
      default -> new Failure("AccessDenied", c -> why);
    };
  }

  private void object(JsonGenerator g, String name, ApiCalls.Part part) throws IOException {
    if (part == null) {
      g.writeNullField(name);
      return;
    }
    g.writeObjectFieldStart(name);
    part.write(g, this);
    g.writeEndObject();
  }

  String datePath() {
    return day.path();
  }

  String bucket() {
    if (bucket == null) {
      bucket = RandomValues.one(r, account.buckets());
    }
    return bucket;
  }

  String s3Host() {
    return bucket() + ".s3." + region + ".amazonaws.com";
  }

  String key() {
    if (key == null) {
      String b = bucket();
      if (b.endsWith("-data-lake")) {
        key =
            "raw/orders/"
                + day.path()
                + "/part-0"
                + (1000 + r.nextInt(9000))
                + "-"
                + RandomValues.hex(r, 8)
                + ".snappy.parquet";
      } else if (b.endsWith("-assets")) {
        key =
            (RandomValues.chance(r, 0.7) ? "images/" : "thumbs/")
                + RandomValues.hex(r, 12)
                + (RandomValues.chance(r, 0.6) ? ".jpg" : ".png");
      } else {
        key = "alb/" + day.path() + "/" + RandomValues.hex(r, 16) + ".log.gz";
      }
    }
    return key;
  }

  String function() {
    if (function == null) {
      function = RandomValues.one(r, account.functions());
    }
    return function;
  }

  String functionArn() {
    return "arn:aws:lambda:" + region + ":" + account.id() + ":function:" + function();
  }

  /**
   * The role a call is about: one a service assumes when a service calls, else one people and CI
   * use.
   */
  Role role() {
    if (role == null) {
      Role[] fitting =
          Arrays.stream(account.roles())
              .filter(
                  candidate ->
                      invokedBy != null
                          ? invokedBy.equals(candidate.service())
                          : candidate.service() == null)
              .toArray(Role[]::new);
      if (fitting.length == 0) {
        throw new IllegalStateException(
            "account " + account.id() + " has no role for " + invokedBy);
      }
      role = RandomValues.one(r, fitting);
    }
    return role;
  }

  String roleSessionName() {
    if (session == null) {
      Role target = role();
      if (target.service() == null) {
        session =
            actor.userName() != null
                ? actor.userName()
                : actor.principalId() != null && actor.principalId().contains(":")
                    ? actor.principalId().substring(actor.principalId().indexOf(':') + 1)
                    : "console";
      } else if (target.service().equals("lambda.amazonaws.com")) {
        session = target.name().substring(0, target.name().length() - "-role".length());
      } else if (target.service().equals("ec2.amazonaws.com")) {
        session = instance();
      } else {
        session = RandomValues.hex(r, 32);
      }
    }
    return session;
  }

  String instance() {
    if (instance == null) {
      instance = RandomValues.one(r, account.instances());
    }
    return instance;
  }

  String kmsKey() {
    if (kmsKey == null) {
      kmsKey = RandomValues.one(r, account.kmsKeys());
    }
    return kmsKey;
  }

  String kmsKeyArn() {
    return "arn:aws:kms:" + region + ":" + account.id() + ":key/" + kmsKey();
  }

  String secretArn() {
    if (secret == null) {
      secret = RandomValues.one(r, account.secrets());
    }
    return "arn:aws:secretsmanager:" + region + ":" + account.id() + ":secret:" + secret;
  }

  String securityGroup() {
    if (securityGroup == null) {
      securityGroup = RandomValues.one(r, account.securityGroups());
    }
    return securityGroup;
  }

  /**
   * A date as CloudTrail writes it inside request and response elements: "Mar 14, 2024, 10:21:07
   * AM".
   */
  String awsDate(long epoch) {
    return AWS_DATE.format(LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC));
  }

  /** An ISO-8601 UTC time to the second, as CloudTrail's eventTime: "2024-03-14T09:21:07Z". */
  private String iso(long epoch) {
    long dayNumber = Math.floorDiv(epoch, 86_400);
    String prefix =
        dayNumber * 86_400 == day.epochSecond()
            ? day.isoPrefix()
            : LocalDate.ofEpochDay(dayNumber) + "T";
    return prefix + clock((int) (epoch - dayNumber * 86_400)) + 'Z';
  }

  private static String clock(int secondOfDay) {
    int h = secondOfDay / 3600;
    int m = secondOfDay / 60 % 60;
    int s = secondOfDay % 60;
    return new String(
        new char[] {
          (char) ('0' + h / 10),
          (char) ('0' + h % 10),
          ':',
          (char) ('0' + m / 10),
          (char) ('0' + m % 10),
          ':',
          (char) ('0' + s / 10),
          (char) ('0' + s % 10)
        });
  }
}
