package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_RESULTS;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_WORK_GROUP;
import static dev.partitionbuilder.testing.AthenaAnswers.START_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.STOP_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.execution;
import static dev.partitionbuilder.testing.AthenaAnswers.results;
import static dev.partitionbuilder.testing.AthenaAnswers.started;
import static dev.partitionbuilder.testing.AthenaAnswers.stopped;
import static dev.partitionbuilder.testing.AthenaAnswers.workGroup;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static dev.partitionbuilder.testing.GlueAnswers.concurrentModification;
import static dev.partitionbuilder.testing.GlueAnswers.deleted;
import static dev.partitionbuilder.testing.GlueAnswers.entityNotFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.QueryFailedException;
import dev.partitionbuilder.core.QueryStillRunningException;
import dev.partitionbuilder.core.Sha256;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.testing.AthenaAnswers;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.AwsJsonStand.Answer;
import dev.partitionbuilder.testing.GlueAnswers;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole build as the Lambda wires it (AwsBackend), with Glue and Athena answered over HTTP by a
 * stand-in that speaks their JSON 1.1 protocol, so the SDK's marshalling, error parsing and retry
 * strategy all run. S3 is a mock holding an empty partition; its wire belongs to the S3 tests.
 */
class AthenaOnTheWireTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String DATABASE = "cloudtrail";
  private static final String TEMP = "cloudtrail_monthly_temp_202403";
  private static final String ID = "5e1f6c7a-0b7e-4d59-9a51-2f4d3b1c0e9d";
  private static final Config CONFIG = config(Map.of());
  private static final String SQL = CtasTemplate.bundled().render(CONFIG.layout(), MARCH);

  private static Config config(Map<String, String> extra) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                Config.ATHENA_WORKGROUP, "etl",
                Config.GLUE_DATABASE, DATABASE,
                Config.SRC_TABLE_NAME, "cloudtrail_daily",
                Config.DST_TABLE_NAME, "cloudtrail_monthly",
                Config.DST_BUCKET, "bucket",
                Config.DST_PREFIX, "cloudtrail_monthly/",
                // A few milliseconds between polls keeps the tests quick; the backoff itself is the
                // production one.
                Config.ATHENA_POLL_INITIAL_MS, "2",
                Config.ATHENA_POLL_MAX_MS, "8"));
    env.putAll(extra);
    return Config.fromEnvironment(env);
  }

  @RegisterExtension static final AwsJsonStand stand = AwsJsonStand.start();

  private final S3Client s3 = sdkMock(S3Client.class);
  private PartitionBuilder builder;

  @BeforeEach
  void setUp() {
    // The CTAS's output: one file in the month's staging prefix; the partition is empty.
    String staging = CONFIG.layout().stagingPrefix(MARCH);
    S3Object output =
        S3Object.builder().key(staging + "query-bucket-0").size(1_000L).eTag("\"etag\"").build();
    doAnswer(
            call -> {
              boolean listed =
                  output.key().startsWith(call.<ListObjectsV2Request>getArgument(0).prefix());
              return ListObjectsV2Response.builder()
                  .isTruncated(false)
                  .keyCount(listed ? 1 : 0)
                  .contents(listed ? List.of(output) : List.of())
                  .build();
            })
        .when(s3)
        .listObjectsV2(any(ListObjectsV2Request.class));
    // The month's lock and build state: written, read back and deleted, each under its own key.
    Map<String, byte[]> small = new ConcurrentHashMap<>();
    doAnswer(
            call -> {
              try (java.io.InputStream body =
                  call.<RequestBody>getArgument(1).contentStreamProvider().newStream()) {
                small.put(call.<PutObjectRequest>getArgument(0).key(), body.readAllBytes());
              }
              return PutObjectResponse.builder().build();
            })
        .when(s3)
        .putObject(any(PutObjectRequest.class), any(RequestBody.class));
    doAnswer(
            call -> {
              byte[] bytes = small.get(call.<GetObjectRequest>getArgument(0).key());
              if (bytes == null) {
                throw NoSuchKeyException.builder()
                    .message("The specified key does not exist.")
                    .build();
              }
              return ResponseBytes.fromByteArray(
                  GetObjectResponse.builder().eTag('"' + Sha256.hex(bytes) + '"').build(), bytes);
            })
        .when(s3)
        .getObjectAsBytes(any(GetObjectRequest.class));
    doReturn(CopyObjectResponse.builder().build())
        .when(s3)
        .copyObject(any(CopyObjectRequest.class));
    doAnswer(
            call -> {
              call.<DeleteObjectsRequest>getArgument(0)
                  .delete()
                  .objects()
                  .forEach(o -> small.remove(o.key()));
              return DeleteObjectsResponse.builder().build();
            })
        .when(s3)
        .deleteObjects(any(DeleteObjectsRequest.class));
    builder = builder(CONFIG);
  }

  private PartitionBuilder builder(Config config) {
    stand.answer(GET_WORK_GROUP, workGroup("etl", false));
    stand.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://bucket/cloudtrail_monthly/"));
    PartitionBuilder built =
        AwsBackend.partitionBuilder(
            config,
            new AwsClients(s3, stand.glue(), stand.athena()),
            Clock.systemUTC(),
            Sleeper.SYSTEM);
    // Wiring asked Athena about the workgroup (AthenaWorkgroupCheckTest); the tests here look only
    // at builds.
    stand.reset();
    return built;
  }

  private static BuildRequest request(String messageId, boolean redelivered) {
    return new BuildRequest(MARCH, messageId, redelivered, Instant.now().plusSeconds(60));
  }

  /**
   * The temporary table is missing before the query (a first run) and exists after it (the CTAS
   * made it).
   */
  private static void glueHasTheTableOnlyAfterTheQuery() {
    stand.answer(DELETE_TABLE, entityNotFound(TEMP), deleted());
  }

  private static void athenaRuns(Answer... executions) {
    stand.answer(START_QUERY_EXECUTION, started(ID));
    stand.answer(GET_QUERY_EXECUTION, executions);
    stand.answer(GET_QUERY_RESULTS, results(100_005));
  }

  private static Answer succeeded() {
    return execution(ID, "SUCCEEDED").statistics(13_421_772, 2_263).answer();
  }

  @Test
  void buildsThePartitionFromAQueryThatIsQueuedThenRunsThenSucceeds() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(execution(ID, "QUEUED").answer(), execution(ID, "RUNNING").answer(), succeeded());

    BuildResult result = builder.build(request("msg-1", false));

    assertThat(result.queryExecutionId()).isEqualTo(ID);
    assertThat(result.rowsWritten()).hasValue(100_005);
    assertThat(result.bytesScanned()).isEqualTo(13_421_772);
    assertThat(result.engineMillis()).isEqualTo(2_263);
    assertThat(stand.calls())
        .containsExactly(
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE,
            GET_QUERY_RESULTS);
  }

  @Test
  void
      aQueryPastMaxScanBytesIsStoppedWithStopQueryExecutionAndTheBuildFailsNamingTheCapTouchingNoPartition() {
    builder = builder(config(Map.of(Config.MAX_SCAN_BYTES, "10000000")));
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(
        execution(ID, "RUNNING").statistics(4_000_000, 900).answer(),
        execution(ID, "RUNNING").statistics(12_582_912, 1_800).answer(),
        execution(ID, "CANCELLED")
            .reason("Query cancelled by user")
            .statistics(13_000_000, 1_900)
            .answer());
    stand.answer(STOP_QUERY_EXECUTION, stopped());

    assertThatThrownBy(() -> builder.build(request("msg-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessage(
            "Cannot build 2024-03: query "
                + ID
                + " has scanned 12582912 bytes, more than MAX_SCAN_BYTES=10000000, "
                + "so it was stopped; the partition is as it was");
    assertThat(stand.calls())
        .containsExactly(
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            STOP_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE);
    assertThat(single(stand.requests(STOP_QUERY_EXECUTION)).path("QueryExecutionId").asText())
        .isEqualTo(ID);
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));
  }

  @Test
  void
      minPreviousRowsPercentCountsTheMonthOnTheLongLivedTableInAthenaAndRefusesTooFewRowsTouchingNoPartition() {
    builder = builder(config(Map.of(Config.MIN_PREVIOUS_ROWS_PERCENT, "50")));
    String count =
        "SELECT count(*) FROM \"cloudtrail\".\"cloudtrail_monthly\" WHERE \"year\" = '2024' AND \"month\" = '03'";
    String countId = "7a3c0d2e-count";
    glueHasTheTableOnlyAfterTheQuery();
    stand.answerWhen(
        START_QUERY_EXECUTION, "$.QueryString", java.util.regex.Pattern.quote(SQL), started(ID));
    stand.answerWhen(
        START_QUERY_EXECUTION,
        "$.QueryString",
        java.util.regex.Pattern.quote(count),
        started(countId));
    stand.answerWhen(GET_QUERY_EXECUTION, "$.QueryExecutionId", ID, succeeded());
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        countId,
        execution(countId, "RUNNING").answer(),
        execution(countId, "SUCCEEDED").statistics(0, 310).answer());
    stand.answerWhen(GET_QUERY_RESULTS, "$.QueryExecutionId", ID, results(100_005));
    stand.answerWhen(
        GET_QUERY_RESULTS,
        "$.QueryExecutionId",
        countId,
        AthenaAnswers.selectResults("_col0", "bigint", "200011"));

    assertThatThrownBy(() -> builder.build(request("msg-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot replace 2024-03: the query wrote 100005 rows, fewer than 50% of the 200011 rows the "
                + "partition holds now (MIN_PREVIOUS_ROWS_PERCENT=50): leaving the previous partition as it was");
    JsonNode counting = stand.requests(START_QUERY_EXECUTION).get(1);
    assertThat(counting.path("QueryString").asText()).isEqualTo(count);
    assertThat(counting.path("WorkGroup").asText()).isEqualTo("etl");
    assertThat(counting.path("QueryExecutionContext").path("Database").asText())
        .isEqualTo(DATABASE);
    assertThat(counting.path("ClientRequestToken").asText())
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(
            stand.requests(START_QUERY_EXECUTION).get(0).path("ClientRequestToken").asText());
    assertThat(stand.requests(GET_QUERY_RESULTS).get(1).path("MaxResults").asInt()).isEqualTo(2);
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));
  }

  @Test
  void startsTheRenderedTemplateInTheWorkgroupAndDatabaseWithResultReuseOff() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(succeeded());

    builder.build(request("msg-1", false));

    JsonNode start = single(stand.requests(START_QUERY_EXECUTION));
    assertThat(start.path("QueryString").asText()).isEqualTo(SQL);
    assertThat(start.path("WorkGroup").asText()).isEqualTo("etl");
    assertThat(start.path("QueryExecutionContext").path("Database").asText()).isEqualTo(DATABASE);
    assertThat(
            start.at("/ResultReuseConfiguration/ResultReuseByAgeConfiguration/Enabled").isBoolean())
        .isTrue();
    assertThat(
            start.at("/ResultReuseConfiguration/ResultReuseByAgeConfiguration/Enabled").asBoolean())
        .isFalse();
    // Athena takes 32 to 128 characters here.
    assertThat(start.path("ClientRequestToken").asText()).matches("[0-9a-f]{64}");
  }

  @Test
  void asksAthenaAboutTheExecutionItStartedAndForOneRowOfItsResults() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(execution(ID, "RUNNING").answer(), succeeded());

    builder.build(request("msg-1", false));

    assertThat(stand.requests(GET_QUERY_EXECUTION))
        .extracting(body -> body.toString())
        .containsExactly(
            "{\"QueryExecutionId\":\"" + ID + "\"}", "{\"QueryExecutionId\":\"" + ID + "\"}");
    JsonNode results = single(stand.requests(GET_QUERY_RESULTS));
    assertThat(results.path("QueryExecutionId").asText()).isEqualTo(ID);
    assertThat(results.path("MaxResults").asInt()).isEqualTo(1);
  }

  @Test
  void dropsTheMonthsTemporaryTableByDatabaseAndNameBeforeAndAfterTheQuery() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(succeeded());

    builder.build(request("msg-1", false));

    String expected = "{\"DatabaseName\":\"" + DATABASE + "\",\"Name\":\"" + TEMP + "\"}";
    assertThat(stand.requests(DELETE_TABLE))
        .extracting(body -> body.toString())
        .containsExactly(expected, expected);
  }

  @Test
  void aTemporaryTableMissingBeforeAndAfterTheQueryIsNothingToDrop() {
    stand.answer(DELETE_TABLE, entityNotFound(TEMP));
    athenaRuns(succeeded());

    BuildResult result = builder.build(request("msg-1", false));

    assertThat(result.rowsWritten()).hasValue(100_005);
    assertThat(stand.requests(DELETE_TABLE)).hasSize(2);
  }

  @Test
  void
      aFailedQueryFailsTheBuildWithAthenasReasonCategoryAndTypeAndTheTemporaryTableIsStillDropped() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(
        execution(ID, "RUNNING").answer(),
        execution(ID, "FAILED")
            .reason("HIVE_BAD_DATA: Error parsing field value '2024-03-32' for field 3")
            .error(2, 1001, false, "Data error")
            .statistics(1_048_576, 811)
            .answer());

    assertThatThrownBy(() -> builder.build(request("msg-1", false)))
        .isInstanceOfSatisfying(
            QueryFailedException.class,
            e -> {
              assertThat(e.execution().state()).isEqualTo(State.FAILED);
              assertThat(e.execution().errorCategory()).isEqualTo(2);
              assertThat(e.execution().errorType()).isEqualTo(1001);
              assertThat(e.execution().retryable()).isFalse();
            })
        .hasMessageContaining("2024-03")
        .hasMessageContaining(ID)
        .hasMessageContaining("HIVE_BAD_DATA: Error parsing field value '2024-03-32' for field 3")
        .hasMessageContaining("error category 2 USER")
        .hasMessageContaining("type 1001");
    assertThat(stand.calls())
        .containsExactly(
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE);
    assertThat(stand.requests(DELETE_TABLE).get(1).path("Name").asText()).isEqualTo(TEMP);
  }

  @Test
  void aCancelledQueryFailsTheBuildWithItsReasonAndTheTemporaryTableIsStillDropped() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(
        execution(ID, "RUNNING").answer(),
        execution(ID, "CANCELLED").reason("Query cancelled by user").answer());

    assertThatThrownBy(() -> builder.build(request("msg-1", false)))
        .isInstanceOfSatisfying(
            QueryFailedException.class,
            e -> assertThat(e.execution().state()).isEqualTo(State.CANCELLED))
        .hasMessageContaining("CANCELLED: Query cancelled by user");
    assertThat(stand.calls())
        .containsExactly(
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE);
  }

  static Stream<Arguments> throttlingErrors() {
    return Stream.of(
        Arguments.of("TooManyRequestsException", AthenaAnswers.tooManyRequests()),
        Arguments.of("ThrottlingException", AthenaAnswers.throttling()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("throttlingErrors")
  void aThrottledPollIsRetriedByTheSdkAndTheBuildSucceeds(String type, Answer throttled) {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(execution(ID, "RUNNING").answer(), throttled, succeeded());

    BuildResult result = builder.build(request("msg-1", false));

    assertThat(result.rowsWritten()).hasValue(100_005);
    // Two polls by the builder; the second went out twice, the SDK retrying the throttled one.
    assertThat(stand.requests(GET_QUERY_EXECUTION))
        .hasSize(3)
        .allSatisfy(body -> assertThat(body.path("QueryExecutionId").asText()).isEqualTo(ID));
  }

  @Test
  void aThrottledStartIsRetriedByTheSdkWithTheSameClientRequestToken() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(succeeded());
    stand.answer(START_QUERY_EXECUTION, AthenaAnswers.tooManyRequests(), started(ID));

    BuildResult result = builder.build(request("msg-1", false));

    assertThat(result.queryExecutionId()).isEqualTo(ID);
    List<String> tokens =
        stand.requests(START_QUERY_EXECUTION).stream()
            .map(body -> body.path("ClientRequestToken").asText())
            .toList();
    assertThat(tokens).hasSize(2);
    assertThat(tokens.get(1)).isEqualTo(tokens.get(0)).matches("[0-9a-f]{64}");
  }

  @Test
  void
      aQueryStillRunningAtTheDeadlineIsLeftRunningAndTheRetriedMessageWaitsOnTheSameExecutionWithoutStartingAnother() {
    glueHasTheTableOnlyAfterTheQuery();
    athenaRuns(execution(ID, "RUNNING").answer());

    assertThatThrownBy(
            () ->
                builder.build(
                    new BuildRequest(MARCH, "msg-1", false, Instant.now().plusMillis(200))))
        .isInstanceOf(QueryStillRunningException.class)
        .hasMessageContaining(
            "query "
                + ID
                + " is still RUNNING; it was left running and the next attempt resumes it");
    assertThat(stand.calls())
        .doesNotContain(STOP_QUERY_EXECUTION)
        .containsOnlyOnce(START_QUERY_EXECUTION);

    stand.reset();
    stand.answer(DELETE_TABLE, deleted());
    stand.answer(GET_QUERY_EXECUTION, execution(ID, "RUNNING").answer(), succeeded());
    stand.answer(GET_QUERY_RESULTS, results(100_005));
    BuildResult resumed = builder.build(request("msg-1", true));

    assertThat(resumed.queryExecutionId()).isEqualTo(ID);
    assertThat(resumed.rowsWritten()).hasValue(100_005);
    assertThat(stand.calls())
        .containsExactly(GET_QUERY_EXECUTION, GET_QUERY_EXECUTION, DELETE_TABLE, GET_QUERY_RESULTS);
  }

  @Test
  void
      aFailedQueryAthenaMarksRetryableIsStartedAgainUnderAnotherClientRequestTokenAndTheBuildSucceeds() {
    stand.answer(DELETE_TABLE, deleted());
    stand.answer(START_QUERY_EXECUTION, started("q-1"), started("q-2"));
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "q-1",
        execution("q-1", "FAILED")
            .reason("GENERIC_INTERNAL_ERROR: Encountered an exception executed in context")
            .error(1, 401, true, "Internal error")
            .answer());
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "q-2",
        execution("q-2", "SUCCEEDED").statistics(13_421_772, 2_263).answer());
    stand.answer(GET_QUERY_RESULTS, results(100_005));

    BuildResult result = builder.build(request("msg-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q-2");
    List<JsonNode> starts = stand.requests(START_QUERY_EXECUTION);
    assertThat(starts)
        .hasSize(2)
        .allSatisfy(body -> assertThat(body.path("QueryString").asText()).isEqualTo(SQL));
    assertThat(starts)
        .extracting(body -> body.path("ClientRequestToken").asText())
        .doesNotHaveDuplicates()
        .allSatisfy(token -> assertThat(token).matches("[0-9a-f]{64}"));
    assertThat(stand.calls())
        .containsSubsequence(
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE,
            START_QUERY_EXECUTION,
            GET_QUERY_EXECUTION,
            DELETE_TABLE,
            GET_QUERY_RESULTS);
  }

  @Test
  void anotherMessageForTheSameMonthStartsWithAnotherToken() {
    stand.answer(DELETE_TABLE, deleted());
    athenaRuns(succeeded());

    builder.build(request("msg-1", false));
    builder.build(request("msg-2", false));

    assertThat(stand.requests(START_QUERY_EXECUTION))
        .extracting(body -> body.path("ClientRequestToken").asText())
        .hasSize(2)
        .doesNotHaveDuplicates();
  }

  /** Production's clients (attempts, retry conditions) with no waiting between SDK attempts. */
  private PartitionBuilder builderWithoutSdkBackoff() {
    stand.answer(GET_WORK_GROUP, workGroup("etl", false));
    stand.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://bucket/cloudtrail_monthly/"));
    AthenaClient athena =
        stand.pointAt(AwsClientsTestAccess.configureWithoutBackoff(AthenaClient.builder())).build();
    GlueClient glue =
        stand.pointAt(AwsClientsTestAccess.configureWithoutBackoff(GlueClient.builder())).build();
    PartitionBuilder fast =
        AwsBackend.partitionBuilder(
            CONFIG, new AwsClients(s3, glue, athena), Clock.systemUTC(), Sleeper.SYSTEM);
    stand.reset();
    return fast;
  }

  private static Answer[] times(int n, Answer answer, Answer then) {
    Answer[] answers = new Answer[n + 1];
    java.util.Arrays.fill(answers, 0, n, answer);
    answers[n] = then;
    return answers;
  }

  @Test
  void
      aThrottlingStormOnEveryAthenaAndGlueCallThatTheSdksAttemptsOutlastStillBuildsTheMonthWithOneQuery() {
    PartitionBuilder fast = builderWithoutSdkBackoff();
    // Seven throttled answers in a row on each call, the most the 8 attempts can absorb.
    stand.answer(DELETE_TABLE, times(7, AthenaAnswers.throttling(), entityNotFound(TEMP)));
    stand.answer(START_QUERY_EXECUTION, times(7, AthenaAnswers.throttling(), started(ID)));
    stand.answer(GET_QUERY_EXECUTION, times(7, AthenaAnswers.tooManyRequests(), succeeded()));
    stand.answer(GET_QUERY_RESULTS, times(7, AthenaAnswers.throttling(), results(100_005)));

    BuildResult result = fast.build(request("msg-1", false));

    assertThat(result.queryExecutionId()).isEqualTo(ID);
    assertThat(result.rowsWritten()).hasValue(100_005);
    List<String> tokens =
        stand.requests(START_QUERY_EXECUTION).stream()
            .map(body -> body.path("ClientRequestToken").asText())
            .toList();
    // Eight sends of one start, all under one token: one query however the storm went.
    assertThat(tokens).hasSize(8).containsOnly(tokens.get(0));
  }

  @Test
  void aThrottlingStormThatOutlastsTheSdksAttemptsFailsTheMessageAndTheRetryResumesTheSameQuery() {
    PartitionBuilder fast = builderWithoutSdkBackoff();
    stand.answer(DELETE_TABLE, deleted());
    stand.answer(START_QUERY_EXECUTION, started(ID));
    stand.answer(GET_QUERY_EXECUTION, times(8, AthenaAnswers.tooManyRequests(), succeeded()));
    stand.answer(GET_QUERY_RESULTS, results(100_005));

    assertThatThrownBy(() -> fast.build(request("msg-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith("Cannot get Athena query " + ID + ": Rate exceeded")
        .message()
        .doesNotContain("\n");
    assertThat(stand.requests(GET_QUERY_EXECUTION)).hasSize(8);
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));

    BuildResult resumed = fast.build(request("msg-1", true));

    assertThat(resumed.queryExecutionId()).isEqualTo(ID);
    assertThat(stand.requests(START_QUERY_EXECUTION)).hasSize(1);
  }

  @Test
  void
      aConcurrentModificationOfTheTemporaryTableFailsTheBuildNamingItBeforeAnythingIsDeletedOrStarted() {
    stand.answer(
        DELETE_TABLE,
        concurrentModification("Table " + TEMP + " is being modified by another request."));

    assertThatThrownBy(() -> builder.build(request("msg-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(DATABASE + "." + TEMP);
    // Not a throttling or transient error to the SDK: sent once, not retried.
    assertThat(stand.calls()).containsExactly(DELETE_TABLE);
    verify(s3, never()).listObjectsV2(any(ListObjectsV2Request.class));
  }

  private static JsonNode single(List<JsonNode> bodies) {
    assertThat(bodies).hasSize(1);
    return bodies.get(0);
  }
}
