package dev.partitionbuilder.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.partitionbuilder.testing.AwsJsonStand.error;
import static dev.partitionbuilder.testing.AwsJsonStand.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.partitionbuilder.local.LocalBackend;
import dev.partitionbuilder.local.trino.HiveDdl;
import dev.partitionbuilder.testing.AthenaAnswers;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.ElasticMq;
import dev.partitionbuilder.testing.GlueAnswers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code partition-builder check}, through {@link Main#run} with its output captured: each check
 * passing, and failing on purpose with its one line. The AWS checks run against in-JVM stand-ins:
 * WireMock answering Athena, Glue (AwsJsonStand) and S3, and ElasticMQ for SQS.
 */
class CheckCommandTest {
  private static final String CONFIG = "examples/cloudtrail.env";
  private static final String BUCKET = "example-cloudtrail-analytics";
  private static final String SOURCE_BUCKET = "example-cloudtrail-logs";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The SDK reads credentials from these when the environment has none; the tests set and restore
   * them.
   */
  private static final List<String> SDK_PROPERTIES =
      List.of(
          "aws.accessKeyId",
          "aws.secretAccessKey",
          "aws.sharedCredentialsFile",
          "aws.configFile",
          "aws.disableEc2Metadata");

  private static final Map<String, Optional<String>> savedProperties = new HashMap<>();

  @RegisterExtension static final AwsJsonStand athenaAndGlue = AwsJsonStand.start();
  private static WireMockServer s3;
  private static ElasticMq sqs;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startStandIns() {
    SDK_PROPERTIES.forEach(
        name -> savedProperties.put(name, Optional.ofNullable(System.getProperty(name))));
    s3 =
        new WireMockServer(
            wireMockConfig().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true));
    s3.start();
    sqs = ElasticMq.start();
  }

  @AfterAll
  static void stopStandIns() {
    s3.stop();
    sqs.close();
    savedProperties.forEach(
        (name, value) ->
            value.ifPresentOrElse(
                v -> System.setProperty(name, v), () -> System.clearProperty(name)));
  }

  @BeforeEach
  void credentialsOfTheStandIns() {
    System.setProperty("aws.accessKeyId", ElasticMq.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", ElasticMq.SECRET_KEY);
    s3.resetAll();
    // Every bucket not scripted is missing, as S3 answers it.
    s3.stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/xml")
                    .withBody(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            + "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>")));
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  /**
   * The command with the stand-ins' endpoints in its environment, as AWS_ENDPOINT_URL_* name them.
   */
  private int runOnStandIns(String... args) {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_ATHENA", athenaAndGlue.endpoint().toString(),
            "AWS_ENDPOINT_URL_GLUE", athenaAndGlue.endpoint().toString(),
            "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.port(),
            "AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString(),
            "S3_FORCE_PATH_STYLE", "true");
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
  }

  /** The line of {@code check}, which starts with its name. */
  private String line(String check) {
    return out.toString()
        .lines()
        .filter(l -> l.startsWith(check + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + check + " in:\n" + out));
  }

  /** A queue as template.yml makes it: a visibility timeout of 5400 s and a dead-letter queue. */
  private static String stackLikeQueue() {
    String deadLetters = sqs.standardQueue();
    String arn =
        sqs.client()
            .getQueueAttributes(
                b -> b.queueUrl(deadLetters).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    return sqs.client()
        .createQueue(
            b ->
                b.queueName("stack-like-" + UUID.randomUUID())
                    .attributes(
                        Map.of(
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            "5400",
                            QueueAttributeName.REDRIVE_POLICY,
                            "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":\"3\"}")))
        .queueUrl();
  }

  @Test
  void aQueueWithTheDefaultVisibilityTimeoutOrNoDeadLetterQueueFailsItsCheck() throws Exception {
    scriptAwsAsItShouldBe();
    String bare = sqs.standardQueue();

    int code =
        runOnStandIns(
            "check", "--config", CONFIG, "--month", "2024-03", "--aws", "--queue-url", bare);

    assertThat(code).as(out + "\n" + err).isEqualTo(1);
    assertThat(status(line("SQS queue")))
        .isEqualTo(
            "FAIL: "
                + bare
                + ": visibility timeout 30 s is under 5400 s (6 x "
                + "the largest function Timeout, 900 s, as AWS advises for an SQS event source), so a month's message would be "
                + "handed out again while its build still runs: set it to at least 5400 (the stack's queue has "
                + "QueueVisibilityTimeout)");

    String noDeadLetters =
        sqs.client()
            .createQueue(
                b ->
                    b.queueName("no-dlq-" + UUID.randomUUID())
                        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5400")))
            .queueUrl();
    out.getBuffer().setLength(0);
    code =
        runOnStandIns(
            "check",
            "--config",
            CONFIG,
            "--month",
            "2024-03",
            "--aws",
            "--queue-url",
            noDeadLetters);

    assertThat(code).isEqualTo(1);
    assertThat(status(line("SQS queue")))
        .startsWith("FAIL: " + noDeadLetters + ": no dead-letter queue (RedrivePolicy)");
  }

  private static String status(String line) {
    return line.substring(22).strip();
  }

  @Test
  void theBundledTableWithAwsAsItShouldBePassesEveryCheckAndExitsZero() throws Exception {
    scriptAwsAsItShouldBe();
    String queue = stackLikeQueue();

    int code =
        runOnStandIns(
            "check", "--config", CONFIG, "--month", "2024-03", "--aws", "--queue-url", queue);

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(
            out.toString()
                .lines()
                .map(l -> l.startsWith("check:") ? "check:" : l.substring(0, 22).strip()))
        .containsExactly(
            "configuration",
            "source DDL",
            "destination DDL",
            "CTAS template",
            "rendered SQL",
            "query on Trino",
            "output columns",
            "sample run",
            "AWS credentials",
            "Athena workgroup",
            "Glue source table",
            "Glue destination",
            "S3 destination",
            "S3 source",
            "SQS queue",
            "write permissions",
            "check:");
    assertThat(line("configuration"))
        .endsWith(
            "ok (examples/cloudtrail.env and the environment: workgroup primary, "
                + "cloudtrail.cloudtrail_daily into cloudtrail.cloudtrail_monthly at s3://"
                + BUCKET
                + "/cloudtrail_monthly/)");
    assertThat(status(line("output columns")))
        .isEqualTo(
            "ok (the query writes the destination DDL's 12 columns, in its order, with its types)");
    assertThat(status(line("sample run")))
        .startsWith(
            "ok (2024-03 on a sample of 2,002 CloudTrail lines: 2,002 rows " + "written from ")
        .endsWith("every guard of a build passed; the output was deleted)");
    assertThat(status(line("Athena workgroup")))
        .isEqualTo(
            "ok (primary: enabled, Athena engine version 3, client-side "
                + "settings allowed, results in s3://example-athena-results/primary/)");
    assertThat(status(line("Glue destination")))
        .isEqualTo(
            "ok (cloudtrail.cloudtrail_monthly at s3://"
                + BUCKET
                + "/cloudtrail_monthly/, months by partition projection, its columns and partition keys as in the destination DDL)");
    assertThat(status(line("S3 source")))
        .isEqualTo("ok (s3://" + SOURCE_BUCKET + "/cloudtrail_daily/ can be listed)");
    assertThat(status(line("SQS queue")))
        .isEqualTo("ok (" + queue + ": visibility timeout 5400 s, a dead-letter queue)");
    assertThat(status(line("write permissions")))
        .startsWith("skipped: not checked, as only making the calls would show");
    assertThat(out.toString())
        .endsWith(
            "check: 15 ok, 0 failed, 1 skipped: a deploy with this setup would work "
                + "(each skip says why it does not matter)\n");
    // Read-only calls only: nothing was started, created or deleted.
    assertThat(athenaAndGlue.calls())
        .containsOnly(AthenaAnswers.GET_WORK_GROUP, GlueAnswers.GET_TABLE);
  }

  @Test
  void aTemplateColumnTheSourceLacksFailsTheQueryCheckAtItsPositionAndExitsOne() throws Exception {
    Path template = dir.resolve("ctas.sql");
    Files.writeString(
        template,
        Files.readString(Path.of("ddl/cloudtrail_monthly_ctas.sql"))
            .replace("  eventid AS event_id,", "  eventid AS event_id, no_such_column AS nope,"));

    int code =
        run("check", "--config", CONFIG, "--month", "2024-03", "--template", template.toString());

    assertThat(code).isEqualTo(1);
    assertThat(status(line("rendered SQL"))).startsWith("ok (");
    assertThat(status(line("query on Trino")))
        .isEqualTo(
            "FAIL: Trino (Athena engine v3's engine) refuses the CTAS's "
                + "query: line 10:24: Column 'no_such_column' cannot be resolved; fix the template (its lines as "
                + "partition-builder render --month 2024-03 prints them)");
    assertThat(status(line("output columns"))).isEqualTo("skipped: the query does not run (above)");
    assertThat(status(line("sample run"))).isEqualTo("skipped: the query does not run (above)");
    assertThat(status(line("AWS"))).startsWith("skipped: not asked: add --aws");
    assertThat(out.toString())
        .endsWith(
            "check: 5 ok, 1 failed, 3 skipped: fix each FAIL above; a deploy with this "
                + "setup would not work\n");
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  @Test
  void aColumnTypeOtherThanTheDestinationDdlsFailsTheColumnsCheckNamingBothTypes()
      throws Exception {
    Path ddl = dir.resolve("monthly.sql");
    Files.writeString(
        ddl,
        Files.readString(Path.of("ddl/cloudtrail_monthly.sql"))
            .replace("event_time TIMESTAMP", "event_time STRING"));

    int code =
        run("check", "--config", CONFIG, "--month", "2024-03", "--destination-ddl", ddl.toString());

    assertThat(code).isEqualTo(1);
    assertThat(status(line("destination DDL")))
        .startsWith("ok (" + ddl + ": cloudtrail.cloudtrail_monthly");
    assertThat(status(line("output columns")))
        .isEqualTo(
            "FAIL: event_time is timestamp in the query but string in the "
                + "destination DDL: make the template's SELECT and the destination DDL agree (Athena would read these files "
                + "through that DDL)");
    // The query itself runs: the sample run is independent of the DDL's column types.
    assertThat(status(line("sample run"))).startsWith("ok (2024-03 on a sample");
  }

  @Test
  void aTemplateWritingThePartitionKeysOrMissingAColumnFailsTheColumnsCheck() throws Exception {
    Path template = dir.resolve("ctas.sql");
    Files.writeString(
        template,
        Files.readString(Path.of("ddl/cloudtrail_monthly_ctas.sql"))
            .replace("  requestid AS request_id,\n", "")
            .replace("AS resources\n", "AS resources,\n  year, month\n"));

    int code =
        run("check", "--config", CONFIG, "--month", "2024-03", "--template", template.toString());

    assertThat(code).isEqualTo(1);
    assertThat(status(line("output columns")))
        .isEqualTo(
            "FAIL: the query writes year, month, the destination's "
                + "partition key(s): a month's partition values come from where its files lie, so drop them from the SELECT");
  }

  /**
   * The CSV sales example: a source DDL of its own is run on the files --source names, else only
   * analysed.
   */
  @Test
  void aSourceDdlOfOnesOwnRunsOnTheFilesOfSourceAndIsOnlyAnalysedWithoutSource() {
    String[] args = {
      "check",
      "--config",
      "examples/sales-csv/sales-csv.env",
      "--source-ddl",
      "examples/sales-csv/sales_daily.sql",
      "--month",
      "2024-03"
    };

    int code = run(args);

    assertThat(code).as(out.toString()).isZero();
    assertThat(status(line("output columns")))
        .isEqualTo(
            "ok (the query writes the destination DDL's 10 columns, in its order, with its types)");
    assertThat(status(line("sample run")))
        .isEqualTo(
            "skipped: no --source for --source-ddl "
                + "examples/sales-csv/sales_daily.sql: the query was analysed, not run; pass --source DIR with some of the "
                + "table's files to run it");

    out.getBuffer().setLength(0);
    List<String> withSource = new ArrayList<>(List.of(args));
    withSource.addAll(List.of("--source", "examples/sales-csv/data"));
    assertThat(run(withSource.toArray(String[]::new))).as(out.toString()).isZero();
    assertThat(status(line("sample run")))
        .startsWith("ok (2024-03 on examples/sales-csv/data's files: 35 rows written " + "from ");
    assertThat(out.toString())
        .endsWith(
            "check: 8 ok, 0 failed, 1 skipped: the configuration, the DDLs and the template "
                + "are sound; add --aws to check the AWS side before you deploy\n");
  }

  @Test
  void aBadConfigurationValueFailsTheFirstCheckInOneLineAndSkipsTheRest() throws Exception {
    Path config = dir.resolve("bad.env");
    Files.writeString(
        config,
        Files.readString(Path.of(CONFIG)).replace("DST_BUCKET=" + BUCKET, "DST_BUCKET=My_Bucket"));

    int code = run("check", "--config", config.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines())
        .containsExactly(
            "configuration          FAIL: DST_BUCKET=\"My_Bucket\" is not an S3 bucket name: use 3 to 63 lowercase letters, "
                + "digits, '.' and '-', starting and ending with a letter or digit (from "
                + config
                + ")",
            "source DDL             skipped: needs a valid configuration (above)",
            "destination DDL        skipped: needs a valid configuration (above)",
            "CTAS template          skipped: needs a valid configuration (above)",
            "rendered SQL           skipped: needs a valid configuration (above)",
            "query on Trino         skipped: needs a valid configuration (above)",
            "output columns         skipped: needs a valid configuration (above)",
            "sample run             skipped: needs a valid configuration (above)",
            "AWS                    skipped: needs a valid configuration (above)",
            "check: 0 ok, 1 failed, 8 skipped: fix each FAIL above; a deploy with this setup would not work");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aMissingDdlFileFailsItsCheckAndTheLocalEngineIsNotStarted() {
    int code =
        run(
            "check",
            "--config",
            CONFIG,
            "--month",
            "2024-03",
            "--source-ddl",
            dir.resolve("nope.sql").toString());

    assertThat(code).isEqualTo(1);
    assertThat(line("source DDL"))
        .isEqualTo(
            "source DDL             FAIL: --source-ddl "
                + dir.resolve("nope.sql")
                + ": there is no such file; give the path of the table's CREATE EXTERNAL TABLE statement");
    assertThat(status(line("destination DDL")))
        .startsWith("ok (bundled ddl/cloudtrail_monthly.sql");
    assertThat(status(line("query on Trino")))
        .isEqualTo("skipped: needs both DDLs and the template (above)");
  }

  @Test
  void withoutAwsATemplateInS3FailsSayingHowToCheckIt() throws Exception {
    Path config = dir.resolve("s3.env");
    Files.writeString(
        config, Files.readString(Path.of(CONFIG)) + "CTAS_TEMPLATE=s3://templates/ctas.sql\n");

    int code = run("check", "--config", config.toString(), "--month", "2024-03");

    assertThat(code).isEqualTo(1);
    assertThat(status(line("CTAS template")))
        .isEqualTo(
            "FAIL: CTAS_TEMPLATE=s3://templates/ctas.sql is in S3: add "
                + "--aws to read it with your credentials, or pass --template FILE with a copy of it");
    assertThat(status(line("rendered SQL"))).isEqualTo("skipped: needs the template (above)");
  }

  /**
   * What AWS holds is wrong in every way at once: each check says its own, and none hides another.
   * The template, read from S3, is refused, so the local engine is not started.
   */
  @Test
  void withAwsEachDifferenceFromWhatTheDeployNeedsIsAFailOfItsOwn() throws Exception {
    ObjectNode workGroup =
        JSON.readValue(AthenaAnswers.workGroup("primary", false).body(), ObjectNode.class);
    ((ObjectNode) workGroup.path("WorkGroup").path("Configuration").path("EngineVersion"))
        .put("EffectiveEngineVersion", "Athena engine version 2");
    athenaAndGlue.answer(AthenaAnswers.GET_WORK_GROUP, ok(workGroup.toString()));
    athenaAndGlue.answerWhen(
        GlueAnswers.GET_TABLE,
        "$.Name",
        "cloudtrail_daily",
        GlueAnswers.entityNotFound("cloudtrail.cloudtrail_daily"));
    HiveDdl destination = destinationDdl();
    List<HiveDdl.Column> changed = new ArrayList<>(destination.columns());
    changed.set(2, new HiveDdl.Column("event_time", "string"));
    athenaAndGlue.answerWhen(
        GlueAnswers.GET_TABLE,
        "$.Name",
        "cloudtrail_monthly",
        ok(
            glueTable(
                "cloudtrail_monthly",
                changed,
                destination.partitionColumns(),
                "s3://" + BUCKET + "/cloudtrail_monthly/",
                destination.tableProperties())));
    String missingQueue = sqs.endpoint() + "/000000000000/no-such-queue";
    // The template is read from S3 with the same credentials: this one quotes a name with
    // backticks.
    s3.stubFor(
        get(urlPathEqualTo("/templates/ctas.sql"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        Files.readString(Path.of("ddl/cloudtrail_monthly_ctas.sql"))
                            .replace("eventid AS event_id", "`eventid`"))));
    Path config = dir.resolve("s3.env");
    Files.writeString(
        config, Files.readString(Path.of(CONFIG)) + "CTAS_TEMPLATE=s3://templates/ctas.sql\n");

    int code =
        runOnStandIns(
            "check",
            "--config",
            config.toString(),
            "--month",
            "2024-03",
            "--aws",
            "--queue-url",
            missingQueue);

    assertThat(code).isEqualTo(1);
    assertThat(status(line("CTAS template")))
        .isEqualTo(
            "FAIL: CTAS template s3://templates/ctas.sql uses a backtick "
                + "at line 13: Athena's engine v3 quotes identifiers with double quotes (\"name\")");
    assertThat(status(line("AWS credentials")))
        .isEqualTo("ok (found by the AWS SDK's default chain; region us-east-1)");
    assertThat(status(line("Athena workgroup")))
        .isEqualTo(
            "FAIL: ATHENA_WORKGROUP=\"primary\" runs Athena engine "
                + "version 2, but the CTAS template is Athena engine version 3 (Trino) SQL: set the workgroup's engine version "
                + "to 3 (or AUTO)");
    assertThat(status(line("Glue source table")))
        .isEqualTo(
            "FAIL: there is no table cloudtrail.cloudtrail_daily in "
                + "Glue (us-east-1): create it in the Athena console with the DDL that partition-builder render --ddl source "
                + "prints");
    assertThat(status(line("Glue destination")))
        .isEqualTo(
            "FAIL: cloudtrail.cloudtrail_monthly in Glue is not the "
                + "table the destination DDL describes: columns: event_time is string in Glue but timestamp in the destination "
                + "DDL; recreate the table from the DDL, or change the DDL to match");
    assertThat(status(line("S3 destination")))
        .isEqualTo(
            "FAIL: DST_BUCKET/DST_PREFIX s3://"
                + BUCKET
                + "/cloudtrail_monthly/: there is no bucket "
                + BUCKET
                + " (S3 says: The specified bucket does not exist): "
                + "create it, or name the right one");
    assertThat(status(line("S3 source")))
        .isEqualTo("skipped: the source table's LOCATION is known from Glue only " + "(above)");
    assertThat(status(line("SQS queue")))
        .startsWith(
            "FAIL: --queue-url " + missingQueue + ": there is no such queue " + "(SQS says: ")
        .endsWith("): pass the stack's TriggerQueueUrl output");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void
      withAwsAWorkgroupThatEnforcesItsSettingsFailsAsTheLambdasColdStartWouldAndADeniedCallSaysSo() {
    athenaAndGlue.answer(AthenaAnswers.GET_WORK_GROUP, AthenaAnswers.workGroup("primary", true));
    athenaAndGlue.answer(
        GlueAnswers.GET_TABLE,
        error(
            400,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: glue:GetTable"));

    int code =
        runOnStandIns(
            "check",
            "--config",
            CONFIG,
            "--month",
            "2024-03",
            "--aws",
            "--template",
            dir.resolve("missing.sql").toString());

    assertThat(code).isEqualTo(1);
    assertThat(status(line("Athena workgroup")))
        .isEqualTo(
            "FAIL: ATHENA_WORKGROUP=\"primary\" enforces its own "
                + "settings (EnforceWorkGroupConfiguration=true), so Athena would ignore the CTAS's external_location and write "
                + "the table under the workgroup's result location: turn off \"Override client-side settings\" for this "
                + "workgroup, or use a workgroup that does not enforce them");
    assertThat(status(line("Glue source table")))
        .isEqualTo(
            "FAIL: Cannot read cloudtrail.cloudtrail_daily with Glue's "
                + "GetTable: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: glue:GetTable: these "
                + "credentials may not make this call; check with credentials that may, such as the deploy's");
    assertThat(status(line("SQS queue")))
        .isEqualTo(
            "skipped: no --queue-url: sam deploy creates the queue; once "
                + "deployed, pass its TriggerQueueUrl output");
  }

  @Test
  void withAwsButNoCredentialsOneLineSaysWhatToSetAndTheOtherAwsChecksAreSkipped()
      throws Exception {
    assumeThat(System.getenv("AWS_ACCESS_KEY_ID"))
        .as("credentials in this process's environment")
        .isNull();
    assumeThat(System.getenv("AWS_PROFILE")).isNull();
    assumeThat(System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")).isNull();
    assumeThat(System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")).isNull();
    assumeThat(System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")).isNull();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.setProperty(
        "aws.sharedCredentialsFile", Files.writeString(dir.resolve("credentials"), "").toString());
    System.setProperty("aws.configFile", Files.writeString(dir.resolve("config"), "").toString());
    System.setProperty("aws.disableEc2Metadata", "true");

    int code =
        runOnStandIns(
            "check",
            "--config",
            CONFIG,
            "--month",
            "2024-03",
            "--aws",
            "--template",
            dir.resolve("missing.sql").toString());

    assertThat(code).isEqualTo(1);
    assertThat(status(line("AWS credentials")))
        .isEqualTo(
            "FAIL: Cannot check the AWS side: no AWS credentials found "
                + "(set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`/`aws sso login`)");
    for (String check :
        List.of(
            "Athena workgroup",
            "Glue source table",
            "Glue destination",
            "S3 destination",
            "S3 source",
            "SQS queue",
            "write permissions")) {
      assertThat(status(line(check))).isEqualTo("skipped: needs AWS credentials (above)");
    }
    assertThat(athenaAndGlue.calls()).isEmpty();
    assertThat(out.toString().lines()).allSatisfy(l -> assertThat(l.length()).isLessThan(400));
  }

  @Test
  void verboseShowsTheTraceOfAFailureOnStderrWhileTheLineStaysOneLine() throws Exception {
    Path config = dir.resolve("bad.env");
    Files.writeString(
        config,
        Files.readString(Path.of(CONFIG))
            .replace("SCHEDULE_TIME_ZONE=UTC", "SCHEDULE_TIME_ZONE=Berlin"));

    int code = run("check", "--config", config.toString(), "--verbose");

    assertThat(code).isEqualTo(1);
    assertThat(line("configuration"))
        .startsWith(
            "configuration          FAIL: SCHEDULE_TIME_ZONE=\"Berlin\" is not a "
                + "time zone ID such as UTC or Europe/Berlin");
    assertThat(err.toString()).contains("ConfigException").contains("\tat ");
  }

  /**
   * Athena, Glue, S3 and SQS as a deploy of the bundled table needs them, the Glue tables from the
   * bundled DDLs.
   */
  private void scriptAwsAsItShouldBe() throws Exception {
    athenaAndGlue.answer(AthenaAnswers.GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
    HiveDdl source =
        LocalBackend.readDdl(
            Optional.empty(),
            LocalBackend.BUNDLED_SOURCE_DDL,
            Map.of(
                "database",
                "cloudtrail",
                "source_table",
                "cloudtrail_daily",
                "source_bucket",
                SOURCE_BUCKET,
                "source_prefix",
                "cloudtrail_daily/"));
    athenaAndGlue.answerWhen(
        GlueAnswers.GET_TABLE,
        "$.Name",
        "cloudtrail_daily",
        ok(
            glueTable(
                "cloudtrail_daily",
                source.columns(),
                source.partitionColumns(),
                source.location().orElseThrow(),
                source.tableProperties())));
    HiveDdl destination = destinationDdl();
    athenaAndGlue.answerWhen(
        GlueAnswers.GET_TABLE,
        "$.Name",
        "cloudtrail_monthly",
        ok(
            glueTable(
                "cloudtrail_monthly",
                destination.columns(),
                destination.partitionColumns(),
                destination.location().orElseThrow(),
                destination.tableProperties())));
    for (String bucket : List.of(BUCKET, SOURCE_BUCKET)) {
      s3.stubFor(
          get(urlPathEqualTo("/" + bucket))
              .withQueryParam("list-type", equalTo("2"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/xml")
                      .withBody(
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                              + "<Name>"
                              + bucket
                              + "</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys>"
                              + "<IsTruncated>true</IsTruncated><Contents><Key>x</Key><Size>1</Size></Contents></ListBucketResult>")));
    }
  }

  private static HiveDdl destinationDdl() {
    return LocalBackend.readDdl(
        Optional.empty(),
        LocalBackend.BUNDLED_DESTINATION_DDL,
        Map.of(
            "database",
            "cloudtrail",
            "destination_table",
            "cloudtrail_monthly",
            "destination_bucket",
            BUCKET,
            "destination_prefix",
            "cloudtrail_monthly/"));
  }

  /**
   * GetTable's answer for a table with these columns, as Athena's CREATE EXTERNAL TABLE stores it
   * in Glue.
   */
  private static String glueTable(
      String name,
      List<HiveDdl.Column> columns,
      List<HiveDdl.Column> keys,
      String location,
      Map<String, String> parameters) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode table = body.putObject("Table").put("Name", name).put("DatabaseName", "cloudtrail");
    ObjectNode sd = table.putObject("StorageDescriptor").put("Location", location);
    ArrayNode sdColumns = sd.putArray("Columns");
    columns.forEach(c -> sdColumns.addObject().put("Name", c.name()).put("Type", c.hiveType()));
    ArrayNode partitionKeys = table.putArray("PartitionKeys");
    keys.forEach(c -> partitionKeys.addObject().put("Name", c.name()).put("Type", c.hiveType()));
    ObjectNode p = table.putObject("Parameters");
    parameters.forEach(p::put);
    return body.toString();
  }
}
