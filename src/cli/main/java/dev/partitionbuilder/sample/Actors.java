package dev.partitionbuilder.sample;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Who the sample events are about: the three accounts of an organization trail, their users, roles,
 * buckets, functions and keys, and two partner accounts. They depend only on the seed, so every
 * month of one seed shows the same principals, as a real trail does.
 */
final class Actors {
  static final String[] REGIONS = {
    "us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2"
  };

  private static final int[] OFFICE_IPS = {62, 81, 91, 195, 213};
  private static final int[] AWS_IPS = {3, 18, 34, 35, 44, 52, 54};
  private static final int[] CI_IPS = {4, 20, 40, 104};

  static final String BROWSER =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
          + "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";
  private static final String CONSOLE = "AWS Internal";
  private static final String CLI_MAC =
      "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 "
          + "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off";
  private static final String CLI_LINUX =
      "aws-cli/2.13.25 Python/3.11.5 Linux/6.5.0-1014-aws " + "exe/x86_64.ubuntu.22 prompt/off";
  private static final String JAVA_LAMBDA =
      "aws-sdk-java/2.25.16 Linux/5.10.210-220.852.amzn2.x86_64 "
          + "OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_Lambda_java17 "
          + "io/sync http/UrlConnection cfg/retry-mode/legacy";
  private static final String BOTO3_LAMBDA =
      "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 "
          + "os/linux#5.10.210-220.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython "
          + "exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.69";
  private static final String TERRAFORM =
      "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) "
          + "terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
          + "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64";
  private static final String GO_NODE = "aws-sdk-go/1.50.8 (go1.21.6; linux; amd64)";
  private static final String ECS_TASK =
      "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64";
  private static final String EXPORTER = "aws-sdk-go/1.44.327 (go1.20.8; linux; amd64) yace";
  private static final String BACKUP = "rclone/v1.66.0";
  private static final String PARTNER =
      "aws-sdk-java/1.12.660 Linux/5.10.209-198.858.amzn2.x86_64 "
          + "OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS java/11.0.22 vendor/Amazon.com_Inc. cfg/retry-mode/standard";

  enum Kind {
    IAM_USER("IAMUser"),
    ASSUMED_ROLE("AssumedRole"),
    AWS_SERVICE("AWSService"),
    ROOT("Root"),
    AWS_ACCOUNT("AWSAccount");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  /** An IAM role; {@code service} is the AWS service that assumes it, or null for people and CI. */
  record Role(String name, String id, String arn, String service) {}

  /** An account of the trail and what lives in it. */
  record Account(
      String id,
      String env,
      String region,
      String[] buckets,
      String[] functions,
      Role[] roles,
      String[] instances,
      String[] kmsKeys,
      String[] secrets,
      String[] securityGroups,
      String vpcEndpoint,
      String ami) {}

  /**
   * A caller: the fields of CloudTrail's userIdentity, plus the account whose trail records the
   * call and how this caller tends to call (user agents, source addresses, console or not).
   */
  record Actor(
      Kind kind,
      Account account,
      String principalId,
      String arn,
      String accountId,
      String accessKeyId,
      String userName,
      Role issuer,
      boolean console,
      boolean mfa,
      boolean inVpc,
      String[] userAgents,
      String[] ips) {}

  final Account[] accounts;
  private final RandomValues.Weighted<Kind> kinds =
      new RandomValues.Weighted<Kind>()
          .add(62, Kind.ASSUMED_ROLE)
          .add(20, Kind.IAM_USER)
          .add(10, Kind.AWS_SERVICE)
          .add(4, Kind.AWS_ACCOUNT)
          .add(2, Kind.ROOT);
  private final Map<Kind, RandomValues.Weighted<Actor>> actors = new EnumMap<>(Kind.class);

  Actors(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] envs = {"prod", "staging", "shared"};
    double[] accountWeights = {3, 2, 1};
    accounts = new Account[envs.length];
    for (Kind kind : Kind.values()) {
      actors.put(kind, new RandomValues.Weighted<>());
    }
    for (int i = 0; i < envs.length; i++) {
      accounts[i] = account(r, envs[i], REGIONS[i % 3]);
    }
    String[] partners = {RandomValues.digits(r, 12), RandomValues.digits(r, 12)};
    for (int i = 0; i < accounts.length; i++) {
      addActors(r, accounts[i], accountWeights[i], partners);
    }
  }

  Actor pick(SplittableRandom r) {
    return actors.get(kinds.pick(r)).pick(r);
  }

  private static Account account(SplittableRandom r, String env, String region) {
    String id = RandomValues.digits(r, 12);
    String[] functions = {
      env + "-orders-processor", env + "-thumbnailer", env + "-audit-forwarder"
    };
    Role[] roles = {
      role(
          r,
          id,
          "aws-reserved/sso.amazonaws.com/",
          "AWSReservedSSO_AdministratorAccess_" + RandomValues.hex(r, 16),
          null),
      role(
          r,
          id,
          "aws-reserved/sso.amazonaws.com/",
          "AWSReservedSSO_ReadOnlyAccess_" + RandomValues.hex(r, 16),
          null),
      role(r, id, "service-role/", functions[0] + "-role", "lambda.amazonaws.com"),
      role(r, id, "service-role/", functions[1] + "-role", "lambda.amazonaws.com"),
      role(r, id, "", env + "-eks-node-role", "ec2.amazonaws.com"),
      role(r, id, "", "ecsTaskExecutionRole", "ecs-tasks.amazonaws.com"),
      role(r, id, "", "GitHubActionsDeployRole", null),
      role(r, id, "", "OrganizationAccountAccessRole", null)
    };
    String[] instances = new String[8];
    for (int i = 0; i < instances.length; i++) {
      instances[i] = "i-0" + RandomValues.hex(r, 16);
    }
    String[] kmsKeys = {RandomValues.uuid(r), RandomValues.uuid(r), RandomValues.uuid(r)};
    String[] secrets = {
      env + "/orders/db-credentials-" + RandomValues.base64(r, 6).replaceAll("[+/]", "x"),
      env + "/thumbnailer/api-key-" + RandomValues.base64(r, 6).replaceAll("[+/]", "x")
    };
    String[] groups = {
      "sg-0" + RandomValues.hex(r, 16),
      "sg-0" + RandomValues.hex(r, 16),
      "sg-0" + RandomValues.hex(r, 16)
    };
    String[] buckets = {
      "acme-" + env + "-data-lake", "acme-" + env + "-assets", "acme-" + env + "-logs-" + id
    };
    return new Account(
        id,
        env,
        region,
        buckets,
        functions,
        roles,
        instances,
        kmsKeys,
        secrets,
        groups,
        "vpce-0" + RandomValues.hex(r, 16),
        "ami-0" + RandomValues.hex(r, 16));
  }

  private static Role role(
      SplittableRandom r, String account, String path, String name, String service) {
    return new Role(
        name,
        "AROA" + RandomValues.upperAlnum(r, 17),
        "arn:aws:iam::" + account + ":role/" + path + name,
        service);
  }

  private void addActors(SplittableRandom r, Account a, double weight, String[] partners) {
    Role[] roles = a.roles();
    String[] office = ips(r, OFFICE_IPS, 3);
    assumed(
        r, a, roles[0], "alice@example.com", 3 * weight, false, office, CONSOLE, BROWSER, CLI_MAC);
    assumed(
        r, a, roles[0], "bob@example.com", 2 * weight, false, office, CONSOLE, CLI_MAC, CLI_LINUX);
    assumed(r, a, roles[1], "carol@example.com", 2 * weight, false, office, CONSOLE, BROWSER);
    assumed(r, a, roles[2], a.functions()[0], 12 * weight, true, ips(r, AWS_IPS, 4), JAVA_LAMBDA);
    assumed(r, a, roles[3], a.functions()[1], 8 * weight, true, ips(r, AWS_IPS, 4), BOTO3_LAMBDA);
    for (int i = 0; i < 3; i++) {
      assumed(r, a, roles[4], a.instances()[i], 5 * weight, true, ips(r, AWS_IPS, 1), GO_NODE);
    }
    for (int i = 0; i < 2; i++) {
      assumed(
          r, a, roles[5], RandomValues.hex(r, 32), 4 * weight, true, ips(r, AWS_IPS, 2), ECS_TASK);
    }
    assumed(
        r,
        a,
        roles[6],
        "GitHubActions",
        3 * weight,
        false,
        ips(r, CI_IPS, 6),
        TERRAFORM,
        CLI_LINUX);
    assumed(r, a, roles[7], "dana@example.com", 0.5 * weight, false, office, CONSOLE, CLI_MAC);

    user(r, a, "alice", 2 * weight, true, office, CONSOLE, BROWSER, CLI_MAC);
    user(r, a, "ci-legacy", 4 * weight, false, ips(r, CI_IPS, 4), TERRAFORM, CLI_LINUX);
    user(r, a, "backup-agent", 3 * weight, false, ips(r, OFFICE_IPS, 1), BACKUP);
    user(r, a, "monitoring-exporter", 4 * weight, false, ips(r, AWS_IPS, 2), EXPORTER);

    actors
        .get(Kind.ROOT)
        .add(
            weight,
            new Actor(
                Kind.ROOT,
                a,
                a.id(),
                "arn:aws:iam::" + a.id() + ":root",
                a.id(),
                "ASIA" + RandomValues.upperAlnum(r, 16),
                null,
                null,
                true,
                true,
                false,
                new String[] {CONSOLE, BROWSER},
                office));
    actors
        .get(Kind.AWS_SERVICE)
        .add(
            weight,
            new Actor(
                Kind.AWS_SERVICE,
                a,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                false,
                false,
                new String[0],
                new String[0]));
    for (String partner : partners) {
      actors
          .get(Kind.AWS_ACCOUNT)
          .add(
              weight,
              new Actor(
                  Kind.AWS_ACCOUNT,
                  a,
                  "AROA" + RandomValues.upperAlnum(r, 17) + ":partner-sync",
                  null,
                  partner,
                  null,
                  null,
                  null,
                  false,
                  false,
                  false,
                  new String[] {PARTNER},
                  ips(r, AWS_IPS, 3)));
    }
  }

  private void assumed(
      SplittableRandom r,
      Account a,
      Role role,
      String session,
      double weight,
      boolean inVpc,
      String[] ips,
      String... agents) {
    actors
        .get(Kind.ASSUMED_ROLE)
        .add(
            weight,
            new Actor(
                Kind.ASSUMED_ROLE,
                a,
                role.id() + ":" + session,
                "arn:aws:sts::" + a.id() + ":assumed-role/" + role.name() + "/" + session,
                a.id(),
                "ASIA" + RandomValues.upperAlnum(r, 16),
                null,
                role,
                session.contains("@"),
                false,
                inVpc,
                agents,
                ips));
  }

  private void user(
      SplittableRandom r,
      Account a,
      String name,
      double weight,
      boolean console,
      String[] ips,
      String... agents) {
    // People sign in to the console with temporary keys; programs use a long-term AKIA key.
    actors
        .get(Kind.IAM_USER)
        .add(
            weight,
            new Actor(
                Kind.IAM_USER,
                a,
                "AIDA" + RandomValues.upperAlnum(r, 17),
                "arn:aws:iam::" + a.id() + ":user/" + name,
                a.id(),
                (console ? "ASIA" : "AKIA") + RandomValues.upperAlnum(r, 16),
                name,
                null,
                console,
                console,
                false,
                agents,
                ips));
  }

  private static String[] ips(SplittableRandom r, int[] firstOctets, int count) {
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      out[i] = RandomValues.ipv4(r, firstOctets);
    }
    return out;
  }
}
