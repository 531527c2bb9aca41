package dev.partitionbuilder.lambda;

import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_RESULTS;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_WORK_GROUP;
import static dev.partitionbuilder.testing.AthenaAnswers.START_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.STOP_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.Sha256;
import dev.partitionbuilder.testing.AthenaAnswers;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.GlueAnswers;
import dev.partitionbuilder.testing.S3Stand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The deployment zip, run: a new JVM on the zip alone (as Lambda extracts it) builds one month
 * through the Handler against in-JVM stand-ins, s3proxy for S3 and WireMock for Athena and Glue.
 * The SDK modules in the zip are shrunk by ProGuard at build time (src/lambda/assembly/lambda.pro),
 * so a class or method the handler needs and ProGuard dropped fails here, not in Lambda. The month
 * takes the paths the handler's SDK calls take: an error the SDK must unmarshal into a modeled
 * exception (Glue's EntityNotFound), a throttled call retried by the retry strategy, and S3's list,
 * get, copy, delete and conditional put.
 */
class LambdaZipEndToEndIT {
  private static final String PREFIX = "cloudtrail_monthly/";

  /** Reset before each test, closed after the class. */
  @RegisterExtension static final AwsJsonStand aws = AwsJsonStand.start();

  private static S3Stand s3;

  @BeforeAll
  static void start() {
    s3 = S3Stand.start();
  }

  @AfterAll
  static void stop() {
    // Missing when it failed to start; that failure is the one reported.
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void buildsAMonthFromTheZipAloneAgainstTheStandIns(@TempDir Path dir) throws Exception {
    String bucket = s3.createBucket();
    // The partition's previous file, which the new files replace. (No stale lock to take over: the
    // takeover's extra conditional PutObject is what s3proxy and the url-connection client get
    // wrong now and then, see S3Stand#configure, and the takeover is covered on the classpath.)
    s3.seed(bucket, PREFIX + "2024/03/20240301_003000_00001_zzzzz_0", bytes("old"));
    aws.answer(GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
    aws.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://" + bucket + "/" + PREFIX));
    aws.answer(
        DELETE_TABLE,
        GlueAnswers.entityNotFound("cloudtrail_monthly_temp_202403"),
        GlueAnswers.deleted());
    aws.answer(
        START_QUERY_EXECUTION, AthenaAnswers.tooManyRequests(), AthenaAnswers.started("q-zip"));
    aws.answer(GET_QUERY_EXECUTION, AthenaAnswers.execution("q-zip", "RUNNING").answer());
    aws.answer(GET_QUERY_RESULTS, AthenaAnswers.results(100_000));

    LambdaZipJvm jvm = LambdaZipJvm.extract(LambdaZipJvm.ZIP, dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    CompletableFuture<LambdaZipJvm.Run> probe =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return jvm.probe(java, environment(bucket, Map.of()));
              } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
              }
            });
    // The query runs until its files are in staging, as the CTAS would write them: the builder
    // clears staging before it starts the query, so they can only be put there now.
    awaitQueryStarted(probe);
    s3.seed(bucket, PREFIX + "_staging/2024/03/20240401_003000_00001_abcde_0", bytes("new-0"));
    s3.seed(bucket, PREFIX + "_staging/2024/03/20240401_003000_00001_abcde_1", bytes("new-1"));
    aws.answer(
        GET_QUERY_EXECUTION,
        AthenaAnswers.execution("q-zip", "SUCCEEDED").statistics(1_048_576, 1_200).answer());
    LambdaZipJvm.Run run = probe.get(2, TimeUnit.MINUTES);

    assertThat(run.failures()).as(run.output()).isZero();
    assertThat(aws.calls())
        .as(run.output())
        .containsSubsequence(
            GET_WORK_GROUP,
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE,
            GET_QUERY_RESULTS);
    assertThat(keys(bucket))
        .as(run.output())
        .containsExactly(
            PREFIX + "2024/03/20240401_003000_00001_abcde_0",
            PREFIX + "2024/03/20240401_003000_00001_abcde_1");
    assertThat(
            s3.client()
                .getObjectAsBytes(
                    b -> b.bucket(bucket).key(PREFIX + "2024/03/20240401_003000_00001_abcde_1"))
                .asUtf8String())
        .isEqualTo("new-1");
  }

  /**
   * A query still running at the deadline (the Lambda's remaining time less
   * DEADLINE_MARGIN_SECONDS; the probe has 900 s) is left running, its state written to S3; the
   * next invocation, a new JVM, reads that state and finishes the month without a second start.
   */
  @Test
  void leavesAQueryRunningAtTheDeadlineAndTheNextInvocationResumesItFromTheZipAlone(
      @TempDir Path dir) throws Exception {
    String bucket = s3.createBucket();
    aws.answer(GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
    aws.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://" + bucket + "/" + PREFIX));
    aws.answer(DELETE_TABLE, GlueAnswers.deleted());
    aws.answer(START_QUERY_EXECUTION, AthenaAnswers.started("q-late"));
    aws.answer(GET_QUERY_EXECUTION, AthenaAnswers.execution("q-late", "RUNNING").answer());
    LambdaZipJvm jvm = LambdaZipJvm.extract(LambdaZipJvm.ZIP, dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    LambdaZipJvm.Run first =
        jvm.probe(java, environment(bucket, Map.of("DEADLINE_MARGIN_SECONDS", "898")));

    assertThat(first.failures()).as(first.output()).isEqualTo(1);
    assertThat(first.output())
        .contains(
            "query q-late is still RUNNING; it was left running and the next attempt resumes it");
    assertThat(aws.calls()).as(first.output()).doesNotContain(STOP_QUERY_EXECUTION);
    assertThat(keys(bucket))
        .as("only the build's state is left; the lock is released")
        .containsExactly(STATE);

    s3.seed(bucket, PREFIX + "_staging/2024/03/20240401_003000_00001_late_0", bytes("late-0"));
    aws.answer(
        GET_QUERY_EXECUTION,
        AthenaAnswers.execution("q-late", "SUCCEEDED").statistics(1_048_576, 1_200).answer());
    aws.answer(GET_QUERY_RESULTS, AthenaAnswers.results(100_000));
    LambdaZipJvm.Run second = jvm.probe(java, environment(bucket, Map.of()));

    assertThat(second.failures()).as(second.output()).isZero();
    assertThat(aws.requests(START_QUERY_EXECUTION)).as(second.output()).hasSize(1);
    assertThat(keys(bucket))
        .as(second.output())
        .containsExactly(PREFIX + "2024/03/20240401_003000_00001_late_0");
  }

  /**
   * The one call the months above do not make: StopQueryExecution, for a saved query of an older
   * template that still runs, before the month starts over with the current one.
   */
  @Test
  void stopsASavedQueryOfAnOlderTemplateFromTheZipAlone(@TempDir Path dir) throws Exception {
    String bucket = s3.createBucket();
    String older = "SELECT 'an older template'";
    s3.seed(
        bucket,
        STATE,
        bytes(
            "{\"phase\":\"QUERY\",\"owner\":\"m-0\",\"startedAt\":\"2024-04-01T00:00:00Z\","
                + "\"token\":\"t-0\",\"queryExecutionId\":\"q-old\",\"sqlSha256\":\""
                + Sha256.hex(older)
                + "\",\"sql\":\""
                + older
                + "\",\"staged\":[],\"rows\":null,\"bytesScanned\":0,\"engineMillis\":0}"));
    aws.answer(GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
    aws.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://" + bucket + "/" + PREFIX));
    aws.answer(DELETE_TABLE, GlueAnswers.deleted());
    aws.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "q-old",
        AthenaAnswers.execution("q-old", "RUNNING").answer(),
        AthenaAnswers.execution("q-old", "CANCELLED").answer());
    aws.answer(STOP_QUERY_EXECUTION, AthenaAnswers.stopped());
    aws.answer(START_QUERY_EXECUTION, AthenaAnswers.started("q-new"));
    aws.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "q-new",
        AthenaAnswers.execution("q-new", "FAILED")
            .reason("TABLE_NOT_FOUND: cloudtrail_daily")
            .error(2, 1000, false, "User error")
            .answer());

    LambdaZipJvm.Run run =
        LambdaZipJvm.extract(LambdaZipJvm.ZIP, dir)
            .probe(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                environment(bucket, Map.of()));

    assertThat(run.failures()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("ran other SQL", "query q-new FAILED");
    assertThat(aws.requests(STOP_QUERY_EXECUTION))
        .as(run.output())
        .singleElement()
        .satisfies(body -> assertThat(body.path("QueryExecutionId").asText()).isEqualTo("q-old"));
    assertThat(keys(bucket))
        .as("the failed query's state is forgotten and the lock released")
        .isEmpty();
  }

  private static final String STATE = PREFIX + "_state/2024/03.json";

  private static Map<String, String> environment(String bucket, Map<String, String> more) {
    return LambdaZipJvm.standInEnvironment(s3.endpoint(), aws.endpoint(), bucket, PREFIX, more);
  }

  /** Every key left in the bucket, sorted: the partition, and nothing in staging or the locks. */
  private static List<String> keys(String bucket) {
    return s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .sorted()
        .toList();
  }

  /** Waits for the StartQueryExecution that Athena accepted (the first one is throttled). */
  private static void awaitQueryStarted(CompletableFuture<LambdaZipJvm.Run> probe)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (aws.requests(START_QUERY_EXECUTION).size() < 2) {
      if (probe.isDone()) {
        throw new AssertionError(
            "The probe ended before its query started:\n" + probe.get().output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "The probe started no query within a minute; calls: " + aws.calls());
      }
      Thread.sleep(10);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
