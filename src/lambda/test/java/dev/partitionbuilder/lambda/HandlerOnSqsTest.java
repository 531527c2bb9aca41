package dev.partitionbuilder.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryExecution;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.testing.ElasticMq;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.RedrivenQueue;
import dev.partitionbuilder.testing.SqsEventSource;
import dev.partitionbuilder.testing.SqsEventSource.Poll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The handler behind a real queue: ElasticMQ speaks SQS on the wire, {@link SqsEventSource} plays
 * Lambda's event source (receive, invoke, delete what did not fail), and ElasticMQ's own redrive
 * moves a message to the dead-letter queue. The builder is the real one over the fakes; what it
 * does with a month is tested elsewhere, here only which messages leave the queue and how.
 *
 * <p>The clock is the system's: a redelivery is recognised by time having passed since the first
 * attempt, and here that time really passes (one visibility timeout, 1 s).
 */
class HandlerOnSqsTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final int MAX_RECEIVE_COUNT = 2;
  private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(1);

  /**
   * Long polling: a poll returns as soon as a message is visible, so this only bounds a test that
   * fails.
   */
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final String MARCH = "{\"month\": 3, \"year\": 2024}";
  private static final String JANUARY = "{\"month\": 1, \"year\": 2024}";
  private static final String MONTH_13 = "{\"month\": 13, \"year\": 2024}";

  private static ElasticMq sqs;
  private static int queues;

  private final Journal journal = new Journal();
  private final FakeQueryEngine engine = new FakeQueryEngine(journal, Clock.systemUTC());
  private Handler handler;

  @BeforeAll
  static void startSqs() {
    sqs = ElasticMq.start();
  }

  @AfterAll
  static void stopSqs() {
    sqs.close();
  }

  @BeforeEach
  void setUp() {
    Clock clock = Clock.systemUTC();
    PartitionBuilder builder =
        new PartitionBuilder(
            LAYOUT,
            CtasTemplate.bundled(),
            storeWrittenBy(engine),
            new FakeCatalog(journal),
            engine,
            BuildSettings.defaults(new PollPolicy(Duration.ofMillis(10), Duration.ofMillis(10))),
            clock,
            Sleeper.SYSTEM);
    handler =
        new Handler(
            new TriggerParser(ZoneOffset.UTC, clock), builder, Duration.ofSeconds(30), clock);
  }

  private static RedrivenQueue standardQueue() {
    return RedrivenQueue.create(
        sqs.client(), "trigger-" + (++queues), MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT);
  }

  private static RedrivenQueue fifoQueue() {
    return RedrivenQueue.create(
        sqs.client(), "trigger-" + (++queues) + ".fifo", MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT);
  }

  private SqsEventSource lambda(RedrivenQueue queue) {
    return new SqsEventSource(sqs.client(), queue.url(), handler);
  }

  /**
   * Polls until the queue's redrive has moved {@code messages} messages. The move happens on the
   * receive that finds a message at maxReceiveCount, once its visibility timeout has ended; short
   * polls a tenth of a second apart see it then, where a long poll would wait out its full time.
   */
  private static List<Poll> pollUntilDeadLettered(
      SqsEventSource lambda, RedrivenQueue queue, int messages) {
    List<Poll> polls = new ArrayList<>();
    Instant giveUp = Instant.now().plus(WAIT);
    while (queue.deadLettered() < messages) {
      assertThat(Instant.now())
          .as("the redrive moved %d message(s) in time", messages)
          .isBefore(giveUp);
      polls.add(lambda.poll(Duration.ZERO));
      sleep(Duration.ofMillis(100));
    }
    return polls;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A query that runs until the test says it has finished. */
  private static final class LongQuery implements QueryEngine {
    final AtomicBoolean finished = new AtomicBoolean();
    final AtomicInteger starts = new AtomicInteger();

    @Override
    public String start(String sql, String idempotencyToken) {
      return "q" + starts.incrementAndGet();
    }

    @Override
    public QueryExecution get(String id) {
      return new QueryExecution(
          id,
          finished.get() ? State.SUCCEEDED : State.RUNNING,
          Instant.EPOCH,
          Optional.empty(),
          null,
          null,
          false,
          0,
          0);
    }

    @Override
    public void stop(String id) {
      throw new AssertionError(
          "a query still running at the deadline is left running, not stopped");
    }

    @Override
    public OptionalLong rowsWritten(String id) {
      return OptionalLong.of(42);
    }

    @Override
    public long numberResult(String id) {
      throw new AssertionError("MIN_PREVIOUS_ROWS_PERCENT is off: nothing is counted");
    }
  }

  @Test
  void
      aQueryOutlastingTheInvocationIsLeftRunningAndTheRedeliveredMessageFinishesItWithoutASecondStart() {
    LongQuery query = new LongQuery();
    Clock clock = Clock.systemUTC();
    FakeObjectStore store = new FakeObjectStore(journal);
    PartitionBuilder builder =
        new PartitionBuilder(
            LAYOUT,
            CtasTemplate.bundled(),
            store,
            new FakeCatalog(journal),
            query,
            BuildSettings.defaults(new PollPolicy(Duration.ofMillis(10), Duration.ofMillis(10))),
            clock,
            Sleeper.SYSTEM);
    // The event source gives every invocation 900 s: this margin leaves a deadline 0.3 s away.
    Handler shortLived =
        new Handler(
            new TriggerParser(ZoneOffset.UTC, clock),
            builder,
            Duration.ofMillis(900_000 - 300),
            clock);
    RedrivenQueue queue = standardQueue();
    String id = queue.send(MARCH, "g");
    SqsEventSource lambda = new SqsEventSource(sqs.client(), queue.url(), shortLived);

    Poll first = lambda.poll(WAIT);
    assertThat(first.failed()).containsExactly(id);

    store.put(LAYOUT.stagingPrefix(YearMonth.of(2024, 3)) + "q1-bucket-0", 1_000);
    query.finished.set(true);
    Poll second = lambda.poll(WAIT);
    assertThat(second.receiveCounts()).containsExactly(2);
    assertThat(second.deleted()).containsExactly(id);
    assertThat(query.starts.get()).isEqualTo(1);
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.deadLetters()).isEmpty();
  }

  @Test
  void aValidMessageIsBuiltAndDeleted() {
    RedrivenQueue queue = standardQueue();
    String id = queue.send(MARCH, "g");

    Poll poll = lambda(queue).poll(WAIT);

    assertThat(poll.ids()).containsExactly(id);
    assertThat(poll.failed()).isEmpty();
    assertThat(poll.deleted()).containsExactly(id);
    assertThat(engine.startedSql()).singleElement().asString().contains("month = '03'");
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.deadLetters()).isEmpty();
  }

  @Test
  void aRejectedMessageIsLeftRedeliveredAsSecondReceiveAndThenMovedToTheDeadLetterQueue() {
    RedrivenQueue queue = standardQueue();
    String id = queue.send(MONTH_13, "g");
    SqsEventSource lambda = lambda(queue);

    Poll first = lambda.poll(WAIT);
    assertThat(first.ids()).containsExactly(id);
    assertThat(first.receiveCounts()).containsExactly(1);
    assertThat(first.failed()).containsExactly(id);
    assertThat(first.deleted()).isEmpty();
    assertThat(queue.inFlight()).isOne();

    Poll second = lambda.poll(WAIT);
    assertThat(second.ids()).containsExactly(id);
    assertThat(second.receiveCounts()).containsExactly(2);
    assertThat(second.failed()).containsExactly(id);

    List<Poll> after = pollUntilDeadLettered(lambda, queue, 1);
    assertThat(after).allSatisfy(p -> assertThat(p.records()).isEmpty());
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.deadLetters()).extracting(Message::body).containsExactly(MONTH_13);
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void aBatchWithAGoodAndABadMessageDeletesOnlyTheGoodOne() {
    RedrivenQueue queue = standardQueue();
    String good = queue.send(MARCH, "g");
    String bad = queue.send(MONTH_13, "g");
    SqsEventSource lambda = lambda(queue);

    Poll batch = lambda.poll(WAIT);

    assertThat(batch.ids()).containsExactlyInAnyOrder(good, bad);
    assertThat(batch.failed()).containsExactly(bad);
    assertThat(batch.deleted()).containsExactly(good);
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isOne();
    Poll redelivery = lambda.poll(WAIT);
    assertThat(redelivery.ids()).containsExactly(bad);
    assertThat(redelivery.bodies()).containsExactly(MONTH_13);
  }

  @Test
  void aBuildThatFailedIsRedeliveredSeenAsARedeliveryRunAgainUnderANewTokenAndDeleted() {
    engine.willRun(State.FAILED);
    RedrivenQueue queue = standardQueue();
    String id = queue.send(MARCH, "g");
    SqsEventSource lambda = lambda(queue);

    Poll first = lambda.poll(WAIT);
    assertThat(first.failed()).containsExactly(id);

    Poll second = lambda.poll(WAIT);
    assertThat(second.receiveCounts()).containsExactly(2);
    assertThat(second.failed()).isEmpty();
    assertThat(second.deleted()).containsExactly(id);
    // The failed query is over, so the second attempt runs a new one under a token of its own.
    assertThat(journal.entries())
        .containsSubsequence("start q1", "get q1 FAILED", "start q2", "get q2 SUCCEEDED")
        .noneMatch(e -> e.startsWith("start (token reused)"));
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.deadLetters()).isEmpty();
  }

  @Test
  void onAFifoQueueAFailureSendsTheRestOfTheBatchBackInOrderUnbuiltUntilTheRedriveTakesItAll() {
    RedrivenQueue queue = fifoQueue();
    String january = queue.send(JANUARY, "trigger");
    String bad = queue.send(MONTH_13, "trigger");
    String march = queue.send(MARCH, "trigger");
    SqsEventSource lambda = lambda(queue);

    Poll batch = lambda.poll(WAIT);
    assertThat(batch.ids()).containsExactly(january, bad, march);
    assertThat(batch.failed()).containsExactly(bad, march);
    assertThat(batch.deleted()).containsExactly(january);

    Poll redelivery = lambda.poll(WAIT);
    assertThat(redelivery.ids()).containsExactly(bad, march);
    assertThat(redelivery.receiveCounts()).containsExactly(2, 2);
    assertThat(redelivery.failed()).containsExactly(bad, march);

    // March never failed itself, but it was received as often as the message it waited behind.
    List<Poll> after = pollUntilDeadLettered(lambda, queue, 2);
    assertThat(after).allSatisfy(p -> assertThat(p.records()).isEmpty());
    assertThat(queue.deadLetters()).extracting(Message::body).containsExactly(MONTH_13, MARCH);
    assertThat(engine.startedSql()).singleElement().asString().contains("month = '01'");
  }

  /** The bucket the fake query engine writes its CTAS output into. */
  private FakeObjectStore storeWrittenBy(FakeQueryEngine engine) {
    FakeObjectStore store = new FakeObjectStore(journal);
    engine.writesInto(store);
    return store;
  }
}
