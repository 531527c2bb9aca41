package dev.partitionbuilder.sample;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.partitionbuilder.sample.Actors.Kind;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The API calls the sample events record, each with the request, response and resources CloudTrail
 * writes for it, and how often each kind of caller makes it. Shapes follow the CloudTrail record
 * contents reference and events seen in real trails:
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
final class ApiCalls {
  static final String S3 = "s3.amazonaws.com";
  static final String EC2 = "ec2.amazonaws.com";
  static final String IAM = "iam.amazonaws.com";
  static final String STS = "sts.amazonaws.com";
  static final String LAMBDA = "lambda.amazonaws.com";
  static final String KMS = "kms.amazonaws.com";
  static final String LOGS = "logs.amazonaws.com";
  static final String MONITORING = "monitoring.amazonaws.com";
  static final String SECRETS = "secretsmanager.amazonaws.com";
  static final String SIGNIN = "signin.amazonaws.com";

  /** Writes the fields of one JSON object (or the items of one array) for a call. */
  interface Part {
    void write(JsonGenerator g, SampleEvent c) throws IOException;
  }

  record Failure(String code, Function<SampleEvent, String> message) {}

  /** One API call as CloudTrail records it. Built once, in this class's static initializer. */
  static final class Api {
    final String source;
    final String name;
    String action;
    boolean readOnly;
    boolean data;
    boolean global;
    boolean signIn;
    String eventType = "AwsApiCall";
    Part request;
    Part response;
    Part resources;
    Part additional;
    Function<SampleEvent, String> target;
    Failure[] failures = {};
    String[] invokers = {};

    private Api(String source, String name) {
      this.source = source;
      this.name = name;
      this.action = name;
    }

    /** The IAM action prefix: "s3", "ec2", and "cloudwatch" for monitoring. */
    String service() {
      String prefix = source.substring(0, source.indexOf('.'));
      return prefix.equals("monitoring") ? "cloudwatch" : prefix;
    }

    private Api readOnly() {
      readOnly = true;
      return this;
    }

    private Api data() {
      data = true;
      return this;
    }

    private Api global() {
      global = true;
      return this;
    }

    private Api action(String iamAction) {
      action = iamAction;
      return this;
    }

    private Api request(Part part) {
      request = part;
      return this;
    }

    private Api response(Part part) {
      response = part;
      return this;
    }

    private Api resources(Part part) {
      resources = part;
      return this;
    }

    private Api additional(Part part) {
      additional = part;
      return this;
    }

    private Api target(Function<SampleEvent, String> arn) {
      target = arn;
      return this;
    }

    private Api failures(Failure... cases) {
      failures = cases;
      return this;
    }

    private Api invokedBy(String... services) {
      invokers = services;
      return this;
    }
  }

  private static final Failure NO_SUCH_BUCKET =
      new Failure("NoSuchBucket", c -> "The specified bucket does not exist");
  private static final Failure NO_SUCH_KEY =
      new Failure("NoSuchKey", c -> "The specified key does not exist.");
  private static final Failure NO_SUCH_POLICY =
      new Failure("NoSuchBucketPolicy", c -> "The bucket policy does not exist");
  private static final Failure NO_SUCH_INSTANCE =
      new Failure(
          "Client.InvalidInstanceID.NotFound",
          c -> "The instance ID '" + c.instance() + "' does not exist");
  private static final Failure NO_SUCH_ROLE =
      new Failure(
          "NoSuchEntityException",
          c -> "The role with name " + c.role().name() + " cannot be found.");
  private static final Failure NO_SUCH_FUNCTION =
      new Failure("ResourceNotFoundException", c -> "Function not found: " + c.functionArn());
  private static final Failure NO_SUCH_SECRET =
      new Failure(
          "ResourceNotFoundException", c -> "Secrets Manager can't find the specified secret.");
  private static final Failure KEY_DISABLED =
      new Failure("DisabledException", c -> c.kmsKeyArn() + " is disabled.");

  // S3: data events (objects) and management events (buckets).
  private static final Api GET_OBJECT =
      new Api(S3, "GetObject")
          .readOnly()
          .data()
          .request(ApiCalls::objectRequest)
          .resources(ApiCalls::objectAndBucket)
          .additional((g, c) -> s3Transfer(g, c, 0, 1_000 + c.r.nextInt(5_000_000)))
          .failures(NO_SUCH_KEY, NO_SUCH_BUCKET);
  private static final Api PUT_OBJECT =
      new Api(S3, "PutObject")
          .data()
          .request(ApiCalls::objectRequest)
          .response((g, c) -> g.writeStringField("x-amz-server-side-encryption", "AES256"))
          .resources(ApiCalls::objectAndBucket)
          .additional((g, c) -> s3Transfer(g, c, 1_000 + c.r.nextInt(5_000_000), 0))
          .failures(NO_SUCH_BUCKET);
  private static final Api DELETE_OBJECT =
      new Api(S3, "DeleteObject")
          .data()
          .request(ApiCalls::objectRequest)
          .resources(ApiCalls::objectAndBucket)
          .additional((g, c) -> s3Transfer(g, c, 0, 0));
  private static final Api LIST_OBJECTS =
      new Api(S3, "ListObjects")
          .action("ListBucket")
          .readOnly()
          .data()
          .request(
              (g, c) -> {
                bucketRequest(g, c);
                g.writeStringField("list-type", "2");
                g.writeStringField("prefix", c.key().substring(0, c.key().indexOf('/') + 1));
                g.writeStringField("encoding-type", "url");
              })
          .resources(ApiCalls::bucketResource)
          .additional((g, c) -> s3Transfer(g, c, 0, 0))
          .failures(NO_SUCH_BUCKET);
  private static final Api LIST_BUCKETS =
      new Api(S3, "ListBuckets")
          .action("ListAllMyBuckets")
          .readOnly()
          .global()
          .request((g, c) -> g.writeStringField("Host", "s3.amazonaws.com"));
  private static final Api GET_BUCKET_ACL =
      new Api(S3, "GetBucketAcl")
          .readOnly()
          .request(
              (g, c) -> {
                bucketRequest(g, c);
                g.writeStringField("acl", "");
              })
          .resources(ApiCalls::bucketResource)
          .failures(NO_SUCH_BUCKET);
  private static final Api GET_BUCKET_POLICY =
      new Api(S3, "GetBucketPolicy")
          .readOnly()
          .request(
              (g, c) -> {
                bucketRequest(g, c);
                g.writeStringField("policy", "");
              })
          .resources(ApiCalls::bucketResource)
          .failures(NO_SUCH_POLICY);
  private static final Api PUT_BUCKET_POLICY =
      new Api(S3, "PutBucketPolicy")
          .request(ApiCalls::putBucketPolicy)
          .resources(ApiCalls::bucketResource)
          .failures(NO_SUCH_BUCKET);

  // EC2
  private static final Api DESCRIBE_INSTANCES =
      new Api(EC2, "DescribeInstances")
          .readOnly()
          .request(
              (g, c) -> {
                if (RandomValues.chance(c.r, 0.5)) {
                  g.writeObjectFieldStart("instancesSet");
                  items(g);
                  g.writeStartObject();
                  g.writeStringField("instanceId", c.instance());
                  g.writeEndObject();
                  endItems(g);
                } else {
                  g.writeObjectFieldStart("instancesSet");
                  g.writeEndObject();
                }
                g.writeObjectFieldStart("filterSet");
                g.writeEndObject();
              });
  private static final Api DESCRIBE_SECURITY_GROUPS =
      new Api(EC2, "DescribeSecurityGroups")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("securityGroupSet");
                g.writeEndObject();
                g.writeObjectFieldStart("securityGroupIdSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("groupId", c.securityGroup());
                g.writeEndObject();
                endItems(g);
                g.writeObjectFieldStart("filterSet");
                g.writeEndObject();
              });
  private static final Api DESCRIBE_VOLUMES =
      new Api(EC2, "DescribeVolumes")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("volumeSet");
                g.writeEndObject();
                g.writeObjectFieldStart("filterSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("name", "attachment.instance-id");
                g.writeObjectFieldStart("valueSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("value", c.instance());
                g.writeEndObject();
                endItems(g);
                g.writeEndObject();
                endItems(g);
              });
  private static final Api DESCRIBE_REGIONS =
      new Api(EC2, "DescribeRegions")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("regionSet");
                g.writeEndObject();
              });
  private static final Api RUN_INSTANCES =
      new Api(EC2, "RunInstances")
          .request(ApiCalls::runInstancesRequest)
          .response(ApiCalls::runInstancesResponse);
  private static final Api TERMINATE_INSTANCES =
      new Api(EC2, "TerminateInstances")
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("instancesSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("instanceId", c.instance());
                g.writeEndObject();
                endItems(g);
              })
          .response(ApiCalls::terminateInstancesResponse)
          .failures(NO_SUCH_INSTANCE);
  private static final Api CREATE_TAGS =
      new Api(EC2, "CreateTags")
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("resourcesSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("resourceId", c.instance());
                g.writeEndObject();
                endItems(g);
                g.writeObjectFieldStart("tagSet");
                items(g);
                g.writeStartObject();
                g.writeStringField("key", "Owner");
                g.writeStringField("value", "team-" + c.account.env());
                g.writeEndObject();
                endItems(g);
              })
          .response(ApiCalls::ec2Return)
          .failures(NO_SUCH_INSTANCE);
  private static final Api AUTHORIZE_INGRESS =
      new Api(EC2, "AuthorizeSecurityGroupIngress")
          .request(ApiCalls::authorizeIngressRequest)
          .response(ApiCalls::authorizeIngressResponse);

  // IAM: global, recorded in us-east-1.
  private static final Api GET_USER =
      new Api(IAM, "GetUser")
          .readOnly()
          .global()
          .request(
              (g, c) ->
                  g.writeStringField(
                      "userName", c.actor.userName() != null ? c.actor.userName() : "alice"));
  private static final Api LIST_ROLES =
      new Api(IAM, "ListRoles")
          .readOnly()
          .global()
          .request((g, c) -> g.writeNumberField("maxItems", 1000));
  private static final Api GET_ROLE =
      new Api(IAM, "GetRole")
          .readOnly()
          .global()
          .request((g, c) -> g.writeStringField("roleName", c.role().name()))
          .target(c -> c.role().arn())
          .failures(NO_SUCH_ROLE);
  private static final Api LIST_ATTACHED_ROLE_POLICIES =
      new Api(IAM, "ListAttachedRolePolicies")
          .readOnly()
          .global()
          .request((g, c) -> g.writeStringField("roleName", c.role().name()))
          .target(c -> c.role().arn())
          .failures(NO_SUCH_ROLE);
  private static final Api GET_ACCOUNT_SUMMARY =
      new Api(IAM, "GetAccountSummary").readOnly().global();
  private static final Api LIST_USERS = new Api(IAM, "ListUsers").readOnly().global();
  private static final Api ATTACH_ROLE_POLICY =
      new Api(IAM, "AttachRolePolicy")
          .global()
          .request(
              (g, c) -> {
                g.writeStringField("roleName", c.role().name());
                g.writeStringField("policyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
              })
          .target(c -> c.role().arn())
          .failures(NO_SUCH_ROLE);
  private static final Api CREATE_ACCESS_KEY =
      new Api(IAM, "CreateAccessKey")
          .global()
          .request(
              (g, c) ->
                  g.writeStringField(
                      "userName", c.actor.userName() != null ? c.actor.userName() : "ci-legacy"))
          .response(
              (g, c) -> {
                g.writeObjectFieldStart("accessKey");
                g.writeStringField(
                    "userName", c.actor.userName() != null ? c.actor.userName() : "ci-legacy");
                g.writeStringField("accessKeyId", "AKIA" + RandomValues.upperAlnum(c.r, 16));
                g.writeStringField("status", "Active");
                g.writeStringField("createDate", c.awsDate(c.epochSecond));
                g.writeEndObject();
              });

  // STS
  private static final Api ASSUME_ROLE =
      new Api(STS, "AssumeRole")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeStringField("roleArn", c.role().arn());
                g.writeStringField("roleSessionName", c.roleSessionName());
                if (c.role().service() == null) {
                  g.writeNumberField("durationSeconds", 3600);
                }
              })
          .response(
              (g, c) -> {
                credentials(g, c, 3600);
                g.writeObjectFieldStart("assumedRoleUser");
                g.writeStringField("assumedRoleId", c.role().id() + ":" + c.roleSessionName());
                g.writeStringField(
                    "arn",
                    "arn:aws:sts::"
                        + c.account.id()
                        + ":assumed-role/"
                        + c.role().name()
                        + "/"
                        + c.roleSessionName());
                g.writeEndObject();
              })
          .resources((g, c) -> resource(g, c.role().arn(), c.account.id(), "AWS::IAM::Role"))
          .target(c -> c.role().arn())
          .invokedBy(
              "lambda.amazonaws.com",
              "lambda.amazonaws.com",
              "ec2.amazonaws.com",
              "ecs-tasks.amazonaws.com");
  private static final Api GET_CALLER_IDENTITY = new Api(STS, "GetCallerIdentity").readOnly();
  private static final Api GET_SESSION_TOKEN =
      new Api(STS, "GetSessionToken")
          .readOnly()
          .request((g, c) -> g.writeNumberField("durationSeconds", 43200))
          .response((g, c) -> credentials(g, c, 43200));

  // Lambda: its event names carry the API version.
  private static final Api INVOKE =
      new Api(LAMBDA, "Invoke")
          .action("InvokeFunction")
          .data()
          .request((g, c) -> g.writeStringField("functionName", c.functionArn()))
          .additional((g, c) -> g.writeStringField("functionVersion", c.functionArn() + ":$LATEST"))
          .resources(
              (g, c) -> resource(g, c.functionArn(), c.account.id(), "AWS::Lambda::Function"))
          .target(SampleEvent::functionArn)
          .failures(NO_SUCH_FUNCTION);
  private static final Api GET_FUNCTION =
      new Api(LAMBDA, "GetFunction20150331v2")
          .action("GetFunction")
          .readOnly()
          .request((g, c) -> g.writeStringField("functionName", c.function()))
          .target(SampleEvent::functionArn)
          .failures(NO_SUCH_FUNCTION);
  private static final Api LIST_FUNCTIONS =
      new Api(LAMBDA, "ListFunctions20150331").action("ListFunctions").readOnly();
  private static final Api UPDATE_FUNCTION_CODE =
      new Api(LAMBDA, "UpdateFunctionCode20150331v2")
          .action("UpdateFunctionCode")
          .request(ApiCalls::updateFunctionCodeRequest)
          .response(ApiCalls::updateFunctionCodeResponse)
          .target(SampleEvent::functionArn)
          .failures(NO_SUCH_FUNCTION);

  // KMS: called by people and programs, and by services on their behalf.
  private static final Api DECRYPT =
      new Api(KMS, "Decrypt")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeObjectFieldStart("encryptionContext");
                g.writeStringField("aws:lambda:FunctionArn", c.functionArn());
                g.writeEndObject();
                g.writeStringField("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
              })
          .resources(ApiCalls::keyResource)
          .target(SampleEvent::kmsKeyArn)
          .failures(KEY_DISABLED)
          .invokedBy("secretsmanager.amazonaws.com", "lambda.amazonaws.com");
  private static final Api GENERATE_DATA_KEY =
      new Api(KMS, "GenerateDataKey")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeStringField("keyId", c.kmsKeyArn());
                g.writeStringField("keySpec", "AES_256");
                g.writeObjectFieldStart("encryptionContext");
                g.writeStringField("aws:s3:arn", "arn:aws:s3:::" + c.bucket() + "/" + c.key());
                g.writeEndObject();
              })
          .resources(ApiCalls::keyResource)
          .target(SampleEvent::kmsKeyArn)
          .failures(KEY_DISABLED)
          .invokedBy("s3.amazonaws.com");
  private static final Api ENCRYPT =
      new Api(KMS, "Encrypt")
          .readOnly()
          .request(
              (g, c) -> {
                g.writeStringField("keyId", "alias/" + c.account.env() + "-app");
                g.writeStringField("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
              })
          .resources(ApiCalls::keyResource)
          .target(SampleEvent::kmsKeyArn)
          .failures(KEY_DISABLED);
  private static final Api DESCRIBE_KEY =
      new Api(KMS, "DescribeKey")
          .readOnly()
          .request((g, c) -> g.writeStringField("keyId", c.kmsKeyArn()))
          .resources(ApiCalls::keyResource)
          .target(SampleEvent::kmsKeyArn);

  /** Automatic key rotation: an event of the service itself, not an API call. */
  private static final Api ROTATE_KEY =
      new Api(KMS, "RotateKey")
          .additional((g, c) -> g.writeStringField("keyId", c.kmsKey()))
          .resources(ApiCalls::keyResource)
          .invokedBy("kms.amazonaws.com");

  // The everyday noise of monitoring, logging and secrets.
  private static final Api GET_METRIC_DATA =
      new Api(MONITORING, "GetMetricData").readOnly().request(ApiCalls::getMetricDataRequest);
  private static final Api CREATE_LOG_STREAM =
      new Api(LOGS, "CreateLogStream")
          .request(
              (g, c) -> {
                g.writeStringField("logGroupName", "/aws/lambda/" + c.function());
                g.writeStringField(
                    "logStreamName", c.datePath() + "/[$LATEST]" + RandomValues.hex(c.r, 32));
              });
  private static final Api GET_SECRET_VALUE =
      new Api(SECRETS, "GetSecretValue")
          .readOnly()
          .request((g, c) -> g.writeStringField("secretId", c.secretArn()))
          .target(SampleEvent::secretArn)
          .failures(NO_SUCH_SECRET);
  private static final Api CONSOLE_LOGIN =
      new Api(SIGNIN, "ConsoleLogin")
          .global()
          .response((g, c) -> g.writeStringField("ConsoleLogin", "Success"))
          .additional(
              (g, c) -> {
                g.writeStringField(
                    "LoginTo",
                    "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true");
                g.writeStringField("MobileVersion", "No");
                g.writeStringField("MFAUsed", c.actor.mfa() ? "Yes" : "No");
              });

  static {
    ROTATE_KEY.eventType = "AwsServiceEvent";
    CONSOLE_LOGIN.eventType = "AwsConsoleSignIn";
    CONSOLE_LOGIN.signIn = true;
  }

  private static final Map<Kind, RandomValues.Weighted<Api>> BY_KIND = new EnumMap<>(Kind.class);

  static {
    BY_KIND.put(
        Kind.ASSUMED_ROLE, everyday(new RandomValues.Weighted<Api>()).add(2.5, ASSUME_ROLE));
    BY_KIND.put(
        Kind.IAM_USER,
        everyday(new RandomValues.Weighted<Api>())
            .add(0.5, ASSUME_ROLE)
            .add(0.4, GET_SESSION_TOKEN)
            .add(0.1, CREATE_ACCESS_KEY)
            .add(0.6, CONSOLE_LOGIN)
            .add(0.6, GET_USER));
    BY_KIND.put(
        Kind.ROOT,
        new RandomValues.Weighted<Api>()
            .add(3, CONSOLE_LOGIN)
            .add(2, GET_ACCOUNT_SUMMARY)
            .add(2, LIST_BUCKETS)
            .add(2, DESCRIBE_REGIONS)
            .add(1, LIST_USERS)
            .add(1, GET_CALLER_IDENTITY));
    BY_KIND.put(
        Kind.AWS_ACCOUNT,
        new RandomValues.Weighted<Api>()
            .add(5, GET_OBJECT)
            .add(2, PUT_OBJECT)
            .add(1, LIST_OBJECTS)
            .add(2, DECRYPT)
            .add(3, ASSUME_ROLE));
    BY_KIND.put(
        Kind.AWS_SERVICE,
        new RandomValues.Weighted<Api>()
            .add(10, ASSUME_ROLE)
            .add(3, DECRYPT)
            .add(2, GENERATE_DATA_KEY)
            .add(0.5, ROTATE_KEY));
    for (Api api : BY_KIND.get(Kind.AWS_SERVICE).items()) {
      if (api.invokers.length == 0) {
        throw new IllegalStateException(
            api.name + " is made by AWSService callers but names no invoking service");
      }
    }
  }

  private ApiCalls() {}

  static Api pick(Kind kind, SplittableRandom r) {
    return BY_KIND.get(kind).pick(r);
  }

  /** What people, programs and CI do all day, in proportions like a busy account's. */
  private static RandomValues.Weighted<Api> everyday(RandomValues.Weighted<Api> w) {
    return w.add(5, GET_OBJECT)
        .add(3, PUT_OBJECT)
        .add(2, LIST_OBJECTS)
        .add(0.5, DELETE_OBJECT)
        .add(1.5, LIST_BUCKETS)
        .add(1.5, GET_BUCKET_ACL)
        .add(1, GET_BUCKET_POLICY)
        .add(0.2, PUT_BUCKET_POLICY)
        .add(10, DESCRIBE_INSTANCES)
        .add(4, DESCRIBE_SECURITY_GROUPS)
        .add(3, DESCRIBE_VOLUMES)
        .add(0.5, RUN_INSTANCES)
        .add(0.3, TERMINATE_INSTANCES)
        .add(0.8, CREATE_TAGS)
        .add(0.2, AUTHORIZE_INGRESS)
        .add(2, LIST_ROLES)
        .add(2, GET_ROLE)
        .add(0.8, LIST_ATTACHED_ROLE_POLICIES)
        .add(0.1, ATTACH_ROLE_POLICY)
        .add(6, GET_CALLER_IDENTITY)
        .add(2, INVOKE)
        .add(2, GET_FUNCTION)
        .add(2, LIST_FUNCTIONS)
        .add(0.3, UPDATE_FUNCTION_CODE)
        .add(3, DECRYPT)
        .add(1.5, GENERATE_DATA_KEY)
        .add(0.8, ENCRYPT)
        .add(1.2, DESCRIBE_KEY)
        .add(6, GET_METRIC_DATA)
        .add(4, CREATE_LOG_STREAM)
        .add(3, GET_SECRET_VALUE);
  }

  private static void bucketRequest(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeStringField("bucketName", c.bucket());
    g.writeStringField("Host", c.s3Host());
  }

  private static void objectRequest(JsonGenerator g, SampleEvent c) throws IOException {
    bucketRequest(g, c);
    g.writeStringField("key", c.key());
  }

  static void resource(JsonGenerator g, String arn, String accountId, String type)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("ARN", arn);
    if (accountId != null) {
      g.writeStringField("accountId", accountId);
    }
    g.writeStringField("type", type);
    g.writeEndObject();
  }

  private static void bucketResource(JsonGenerator g, SampleEvent c) throws IOException {
    resource(g, "arn:aws:s3:::" + c.bucket(), c.account.id(), "AWS::S3::Bucket");
  }

  /** CloudTrail names no account for an S3 object, only for its bucket. */
  private static void objectAndBucket(JsonGenerator g, SampleEvent c) throws IOException {
    resource(g, "arn:aws:s3:::" + c.bucket() + "/" + c.key(), null, "AWS::S3::Object");
    bucketResource(g, c);
  }

  private static void keyResource(JsonGenerator g, SampleEvent c) throws IOException {
    resource(g, c.kmsKeyArn(), c.account.id(), "AWS::KMS::Key");
  }

  private static void s3Transfer(JsonGenerator g, SampleEvent c, int in, int out)
      throws IOException {
    g.writeStringField("SignatureVersion", "SigV4");
    g.writeStringField("CipherSuite", "TLS_AES_128_GCM_SHA256");
    g.writeNumberField("bytesTransferredIn", in);
    g.writeStringField("AuthenticationMethod", "AuthHeader");
    g.writeStringField("x-amz-id-2", RandomValues.base64(c.r, 76));
    g.writeNumberField("bytesTransferredOut", out);
  }

  private static void items(JsonGenerator g) throws IOException {
    g.writeArrayFieldStart("items");
  }

  /** Closes an EC2 "items" array and the set object holding it. */
  private static void endItems(JsonGenerator g) throws IOException {
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void credentials(JsonGenerator g, SampleEvent c, int seconds) throws IOException {
    g.writeObjectFieldStart("credentials");
    g.writeStringField("accessKeyId", "ASIA" + RandomValues.upperAlnum(c.r, 16));
    g.writeStringField("sessionToken", "IQoJb3JpZ2luX2Vj" + RandomValues.base64(c.r, 120));
    g.writeStringField("expiration", c.awsDate(c.epochSecond + seconds));
    g.writeEndObject();
  }

  private static void putBucketPolicy(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeObjectFieldStart("bucketPolicy");
    g.writeStringField("Version", "2012-10-17");
    g.writeArrayFieldStart("Statement");
    g.writeStartObject();
    g.writeStringField("Sid", "DenyInsecureTransport");
    g.writeStringField("Effect", "Deny");
    g.writeStringField("Principal", "*");
    g.writeStringField("Action", "s3:*");
    g.writeArrayFieldStart("Resource");
    g.writeString("arn:aws:s3:::" + c.bucket());
    g.writeString("arn:aws:s3:::" + c.bucket() + "/*");
    g.writeEndArray();
    g.writeObjectFieldStart("Condition");
    g.writeObjectFieldStart("Bool");
    g.writeStringField("aws:SecureTransport", "false");
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    bucketRequest(g, c);
    g.writeStringField("policy", "");
  }

  private static void runInstancesRequest(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeObjectFieldStart("instancesSet");
    items(g);
    g.writeStartObject();
    g.writeStringField("imageId", c.account.ami());
    g.writeNumberField("minCount", 1);
    g.writeNumberField("maxCount", 1);
    g.writeEndObject();
    endItems(g);
    g.writeStringField("instanceType", "t3.medium");
    g.writeObjectFieldStart("blockDeviceMapping");
    g.writeEndObject();
    g.writeObjectFieldStart("monitoring");
    g.writeBooleanField("enabled", false);
    g.writeEndObject();
    g.writeBooleanField("disableApiTermination", false);
    g.writeBooleanField("disableApiStop", false);
    g.writeStringField("clientToken", RandomValues.uuid(c.r));
    g.writeObjectFieldStart("tagSpecificationSet");
    items(g);
    g.writeStartObject();
    g.writeStringField("resourceType", "instance");
    g.writeArrayFieldStart("tags");
    g.writeStartObject();
    g.writeStringField("key", "Name");
    g.writeStringField("value", c.account.env() + "-worker");
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    endItems(g);
  }

  private static void runInstancesResponse(JsonGenerator g, SampleEvent c) throws IOException {
    int host = 1 + c.r.nextInt(254);
    g.writeStringField("requestId", c.requestId);
    g.writeStringField("reservationId", "r-0" + RandomValues.hex(c.r, 16));
    g.writeStringField("ownerId", c.account.id());
    g.writeObjectFieldStart("groupSet");
    g.writeEndObject();
    g.writeObjectFieldStart("instancesSet");
    items(g);
    g.writeStartObject();
    g.writeStringField("instanceId", c.instance());
    g.writeStringField("imageId", c.account.ami());
    g.writeObjectFieldStart("instanceState");
    g.writeNumberField("code", 0);
    g.writeStringField("name", "pending");
    g.writeEndObject();
    g.writeStringField(
        "privateDnsName", "ip-10-0-1-" + host + "." + c.region + ".compute.internal");
    g.writeNumberField("amiLaunchIndex", 0);
    g.writeObjectFieldStart("productCodes");
    g.writeEndObject();
    g.writeStringField("instanceType", "t3.medium");
    g.writeNumberField("launchTime", c.epochSecond * 1000);
    g.writeObjectFieldStart("placement");
    g.writeStringField("availabilityZone", c.region + "a");
    g.writeStringField("tenancy", "default");
    g.writeEndObject();
    g.writeObjectFieldStart("monitoring");
    g.writeStringField("state", "disabled");
    g.writeEndObject();
    g.writeStringField("subnetId", "subnet-0" + RandomValues.hex(c.r, 16));
    g.writeStringField("vpcId", "vpc-0" + RandomValues.hex(c.r, 16));
    g.writeStringField("privateIpAddress", "10.0.1." + host);
    g.writeEndObject();
    endItems(g);
  }

  private static void terminateInstancesResponse(JsonGenerator g, SampleEvent c)
      throws IOException {
    g.writeStringField("requestId", c.requestId);
    g.writeObjectFieldStart("instancesSet");
    items(g);
    g.writeStartObject();
    g.writeStringField("instanceId", c.instance());
    g.writeObjectFieldStart("currentState");
    g.writeNumberField("code", 32);
    g.writeStringField("name", "shutting-down");
    g.writeEndObject();
    g.writeObjectFieldStart("previousState");
    g.writeNumberField("code", 16);
    g.writeStringField("name", "running");
    g.writeEndObject();
    g.writeEndObject();
    endItems(g);
  }

  private static void ec2Return(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeStringField("requestId", c.requestId);
    g.writeBooleanField("_return", true);
  }

  private static void authorizeIngressRequest(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeStringField("groupId", c.securityGroup());
    g.writeObjectFieldStart("ipPermissions");
    items(g);
    g.writeStartObject();
    g.writeStringField("ipProtocol", "tcp");
    g.writeNumberField("fromPort", 443);
    g.writeNumberField("toPort", 443);
    g.writeObjectFieldStart("groups");
    g.writeEndObject();
    g.writeObjectFieldStart("ipRanges");
    items(g);
    g.writeStartObject();
    g.writeStringField("cidrIp", "10.0.0.0/16");
    g.writeEndObject();
    endItems(g);
    g.writeObjectFieldStart("ipv6Ranges");
    g.writeEndObject();
    g.writeObjectFieldStart("prefixListIds");
    g.writeEndObject();
    g.writeEndObject();
    endItems(g);
  }

  private static void authorizeIngressResponse(JsonGenerator g, SampleEvent c) throws IOException {
    ec2Return(g, c);
    g.writeObjectFieldStart("securityGroupRuleSet");
    items(g);
    g.writeStartObject();
    g.writeStringField("groupOwnerId", c.account.id());
    g.writeStringField("groupId", c.securityGroup());
    g.writeStringField("securityGroupRuleId", "sgr-0" + RandomValues.hex(c.r, 16));
    g.writeBooleanField("isEgress", false);
    g.writeStringField("ipProtocol", "tcp");
    g.writeNumberField("fromPort", 443);
    g.writeNumberField("toPort", 443);
    g.writeStringField("cidrIpv4", "10.0.0.0/16");
    g.writeEndObject();
    endItems(g);
  }

  private static void updateFunctionCodeRequest(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeStringField("functionName", c.function());
    g.writeStringField("s3Bucket", c.account.buckets()[1]);
    g.writeStringField("s3Key", "lambda/" + c.function() + "-" + RandomValues.hex(c.r, 8) + ".zip");
    g.writeBooleanField("publish", true);
    g.writeBooleanField("dryRun", false);
  }

  private static void updateFunctionCodeResponse(JsonGenerator g, SampleEvent c)
      throws IOException {
    g.writeStringField("functionName", c.function());
    g.writeStringField("functionArn", c.functionArn());
    g.writeStringField("runtime", "java17");
    g.writeStringField(
        "role", "arn:aws:iam::" + c.account.id() + ":role/service-role/" + c.function() + "-role");
    g.writeStringField("handler", "dev.example.Handler::handleRequest");
    g.writeNumberField("codeSize", 5_000_000 + c.r.nextInt(20_000_000));
    g.writeNumberField("timeout", 60);
    g.writeNumberField("memorySize", 1024);
    g.writeStringField("lastModified", c.time.replace("Z", ".000+0000"));
    g.writeStringField("codeSha256", RandomValues.base64(c.r, 43) + "=");
    g.writeStringField("version", "$LATEST");
    g.writeObjectFieldStart("tracingConfig");
    g.writeStringField("mode", "PassThrough");
    g.writeEndObject();
    g.writeStringField("revisionId", RandomValues.uuid(c.r));
    g.writeStringField("state", "Active");
    g.writeStringField("lastUpdateStatus", "InProgress");
    g.writeStringField("packageType", "Zip");
    g.writeArrayFieldStart("architectures");
    g.writeString("arm64");
    g.writeEndArray();
  }

  private static void getMetricDataRequest(JsonGenerator g, SampleEvent c) throws IOException {
    g.writeArrayFieldStart("metricDataQueries");
    g.writeStartObject();
    g.writeStringField("id", "m1");
    g.writeObjectFieldStart("metricStat");
    g.writeObjectFieldStart("metric");
    g.writeStringField("namespace", "AWS/Lambda");
    g.writeStringField("metricName", RandomValues.chance(c.r, 0.5) ? "Errors" : "Duration");
    g.writeArrayFieldStart("dimensions");
    g.writeStartObject();
    g.writeStringField("name", "FunctionName");
    g.writeStringField("value", c.function());
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    g.writeNumberField("period", 300);
    g.writeStringField("stat", "Sum");
    g.writeEndObject();
    g.writeBooleanField("returnData", true);
    g.writeEndObject();
    g.writeEndArray();
    g.writeStringField("startTime", c.awsDate(c.epochSecond - 3600));
    g.writeStringField("endTime", c.awsDate(c.epochSecond));
  }
}
