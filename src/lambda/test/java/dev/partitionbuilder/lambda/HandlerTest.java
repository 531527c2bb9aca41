package dev.partitionbuilder.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HandlerTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-10T08:00:00Z"));
  private FakeQueryEngine engine;
  private Handler handler;
  private final Context context = mock(Context.class);

  @BeforeEach
  void setUp() {
    engine = new FakeQueryEngine(journal, clock);
    PartitionBuilder builder =
        new PartitionBuilder(
            LAYOUT,
            CtasTemplate.bundled(),
            storeWrittenBy(engine),
            new FakeCatalog(journal),
            engine,
            BuildSettings.defaults(new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8))),
            clock,
            clock::advance);
    handler =
        new Handler(
            new TriggerParser(ZoneOffset.UTC, clock), builder, Duration.ofSeconds(30), clock);
    when(context.getRemainingTimeInMillis()).thenReturn(900_000);
  }

  private static List<String> failedIds(SQSBatchResponse response) {
    return response.getBatchItemFailures().stream()
        .map(BatchItemFailure::getItemIdentifier)
        .toList();
  }

  @Test
  void reportsOnlyTheRejectedMessageAsAFailureAndBuildsTheOthers() {
    SQSBatchResponse response =
        handler.handleRequest(SqsEvents.load("sqs/mixed-batch.json"), context);

    assertThat(failedIds(response)).containsExactly("m-bad");
    assertThat(engine.startedSql()).hasSize(2);
    assertThat(engine.startedSql().get(0)).contains("WHERE year = '2024' AND month = '02'");
    assertThat(engine.startedSql().get(1)).contains("WHERE year = '2024' AND month = '03'");
  }

  @Test
  void touchesNothingForARejectedMessage() {
    handler.handleRequest(SqsEvents.load("sqs/fifo-batch.json"), context);

    // f-1 builds January; f-2 (month 13) is rejected before any step, and nothing mentions it.
    assertThat(journal.entries())
        .noneMatch(e -> e.contains("2024/13") || e.contains("temp_202413"));
  }

  @Test
  void reportsAFailedBuildAsABatchItemFailure() {
    engine.willRun(State.RUNNING, State.SUCCEEDED).willRun(State.FAILED).willRun(State.SUCCEEDED);

    SQSBatchResponse response =
        handler.handleRequest(SqsEvents.load("sqs/mixed-batch.json"), context);

    // m-ok-1 succeeds, m-bad is rejected, m-ok-2's query FAILED.
    assertThat(failedIds(response)).containsExactly("m-bad", "m-ok-2");
  }

  @Test
  void sendsBackEveryMessageAfterTheFirstFailureInAFifoBatch() {
    SQSBatchResponse response =
        handler.handleRequest(SqsEvents.load("sqs/fifo-batch.json"), context);

    assertThat(failedIds(response)).containsExactly("f-2", "f-3");
    assertThat(engine.startedSql()).singleElement().asString().contains("month = '01'");
  }

  @Test
  void holdsBackOnlyTheFailedMessagesOwnFifoGroup() {
    SQSBatchResponse response =
        handler.handleRequest(SqsEvents.load("sqs/fifo-groups-batch.json"), context);

    // a-1 is rejected; a-2 (same group) must wait behind it; b-1 (another group) is built.
    assertThat(failedIds(response)).containsExactly("a-1", "a-2");
    assertThat(engine.startedSql()).singleElement().asString().contains("month = '02'");
  }

  @Test
  void returnsNoFailuresForAnEmptyEvent() {
    SQSBatchResponse response =
        handler.handleRequest(new com.amazonaws.services.lambda.runtime.events.SQSEvent(), context);

    assertThat(response.getBatchItemFailures()).isEmpty();
  }

  @Test
  void leavesAQueryStillRunningNearTheLambdaTimeoutToTheRetriedMessageKeepingTheMargin() {
    engine.willRun(State.RUNNING);
    when(context.getRemainingTimeInMillis()).thenReturn(120_000);
    Instant start = clock.instant();

    SQSBatchResponse response =
        handler.handleRequest(SqsEvents.load("sqs/redelivered.json"), context);

    assertThat(failedIds(response)).containsExactly("m-again");
    assertThat(journal.entries()).contains("start q1").doesNotContain("stop q1");
    assertThat(Duration.between(start, clock.instant()))
        .isLessThanOrEqualTo(Duration.ofSeconds(90));
  }

  /** The bucket the fake query engine writes its CTAS output into. */
  private FakeObjectStore storeWrittenBy(FakeQueryEngine engine) {
    FakeObjectStore store = new FakeObjectStore(journal);
    engine.writesInto(store);
    return store;
  }

  @Test
  void rejectsABodyNestedDeeperThanJacksonReadsInsteadOfThrowing() {
    String body = "[".repeat(1_001) + "]".repeat(1_001);

    SQSBatchResponse response = handler.handleRequest(event("deep", body), context);

    assertThat(failedIds(response)).containsExactly("deep");
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void rejectsANumberOfMoreThanAThousandDigitsInsteadOfThrowing() {
    String body = "{\"month\": " + "1".repeat(1_001) + ", \"year\": 2024}";

    SQSBatchResponse response = handler.handleRequest(event("long-number", body), context);

    assertThat(failedIds(response)).containsExactly("long-number");
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void buildsAnExplicitMonthWhoseBodyHasADetailTypeButNoSourceAsAnExtraFieldLikeAnyOther() {
    SQSBatchResponse response =
        handler.handleRequest(
            event("note", "{\"month\":3,\"year\":2024,\"detail-type\":\"note\"}"), context);

    assertThat(failedIds(response)).isEmpty();
    assertThat(engine.startedSql())
        .singleElement()
        .asString()
        .contains("WHERE year = '2024' AND month = '03'");
  }

  @Test
  void rejectsAMonthWrittenTwice() {
    SQSBatchResponse response =
        handler.handleRequest(event("twice", "{\"month\":3,\"month\":4,\"year\":2024}"), context);

    assertThat(failedIds(response)).containsExactly("twice");
    assertThat(engine.startedSql()).isEmpty();
  }

  private static SQSEvent event(String messageId, String body) {
    SQSMessage message = new SQSMessage();
    message.setMessageId(messageId);
    message.setBody(body);
    message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(message));
    return event;
  }
}
