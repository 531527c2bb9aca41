package dev.partitionbuilder.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.ObjectStore.StoredObject;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.lambda.HandlerTestAccess;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The S3 and SQS sides against LocalStack, an emulator of both APIs on the wire, in Docker. Run by
 * failsafe in {@code ./mvnw verify}; where no Docker daemon answers (as on our machines) the class
 * is reported as skipped. GitHub's ubuntu runners have Docker, so it runs in CI.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIT {
  /**
   * Pinned: {@code latest} now needs a LocalStack licence token to start; numbered tags up to this
   * one start as the free edition.
   */
  @Container
  private static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"))
          .withServices(Service.S3, Service.SQS);

  private static final String BUCKET = "warehouse";
  private static final String PARTITION = "cloudtrail_monthly/2024/03/";

  /** More than one ListObjectsV2 page and one DeleteObjects call (1,000 keys each). */
  private static final int KEYS_IN_PARTITION = 1_234;

  private static final Map<String, AtomicInteger> S3_CALLS = new ConcurrentHashMap<>();

  private static S3Client s3;
  private static SqsClient sqs;

  @BeforeAll
  static void clients() {
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    ExecutionInterceptor counting =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            S3_CALLS
                .computeIfAbsent(
                    context.request().getClass().getSimpleName(), k -> new AtomicInteger())
                .incrementAndGet();
          }
        };
    s3 =
        S3Client.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(credentials)
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.addExecutionInterceptor(counting))
            .build();
    sqs =
        SqsClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void closeClients() {
    s3.close();
    sqs.close();
  }

  @Test
  void deleteAllRemovesEveryKeyOfThePartitionPageByPageAndNoKeyBesideIt() throws Exception {
    s3.createBucket(b -> b.bucket(BUCKET));
    List<String> inside =
        Stream.concat(
                IntStream.range(0, KEYS_IN_PARTITION)
                    .mapToObj(i -> String.format(PARTITION + "part-%05d", i)),
                Stream.of(PARTITION + "nested/deeper/file"))
            .toList();
    // Neighbours a prefix without its '/' would take, the months around, the table root, another
    // table.
    List<String> outside =
        List.of(
            "cloudtrail_monthly/2024/030/part-0",
            "cloudtrail_monthly/2024/03",
            "cloudtrail_monthly/2024/02/part-0",
            "cloudtrail_monthly/2024/04/part-0",
            "cloudtrail_monthly/part-0",
            "cloudtrail_daily/2024/03/01/part-0");
    put(Stream.concat(inside.stream(), outside.stream()).toList());
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET);

    List<StoredObject> listed = store.list(PARTITION);
    assertThat(listed)
        .extracting(StoredObject::key)
        .containsExactlyElementsOf(inside.stream().sorted().toList());
    assertThat(listed).allSatisfy(o -> assertThat(o.size()).isEqualTo(4));

    S3_CALLS.clear();
    int deleted = store.deleteAll(PARTITION);

    assertThat(deleted).isEqualTo(inside.size());
    assertThat(S3_CALLS.get("ListObjectsV2Request")).hasValue(2);
    assertThat(S3_CALLS.get("DeleteObjectsRequest")).hasValue(2);
    assertThat(allKeys()).containsExactlyInAnyOrderElementsOf(outside);
    assertThat(store.list(PARTITION)).isEmpty();
    assertThat(store.deleteAll(PARTITION)).as("a second run finds nothing to delete").isZero();
  }

  /** Puts each key with a 4-byte body, sixteen at a time. */
  private static void put(List<String> keys) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (String key : keys) {
        puts.add(
            pool.submit(
                () ->
                    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("data"))));
      }
      for (Future<?> put : puts) {
        put.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static List<String> allKeys() {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  @Test
  void monthsSentToTheQueueAreBuiltAndDeletedAndARejectedOneIsRedrivenToTheDeadLetterQueue() {
    Clock clock = Clock.systemUTC();
    Journal journal = new Journal();
    FakeQueryEngine engine = new FakeQueryEngine(journal, clock);
    PartitionBuilder builder =
        new PartitionBuilder(
            new TableLayout(
                "cloudtrail",
                "cloudtrail_daily",
                "cloudtrail_monthly",
                "s3://bucket/",
                "cloudtrail_monthly/"),
            CtasTemplate.bundled(),
            new FakeObjectStore(journal),
            new FakeCatalog(journal),
            engine,
            BuildSettings.defaults(new PollPolicy(Duration.ofMillis(10), Duration.ofMillis(10))),
            clock,
            Sleeper.SYSTEM);
    RedrivenQueue queue = RedrivenQueue.create(sqs, "trigger", 2, Duration.ofSeconds(1));
    SqsEventSource lambda =
        new SqsEventSource(
            sqs,
            queue.url(),
            HandlerTestAccess.handler(
                new TriggerParser(ZoneOffset.UTC, clock), builder, Duration.ofSeconds(30), clock));
    // A month that has not started is rejected by the handler, every time it is delivered.
    YearMonth notStarted = YearMonth.now(clock).plusMonths(2);

    List<String> sent =
        Stream.of(YearMonth.of(2024, 1), YearMonth.of(2024, 2), notStarted)
            .map(month -> queue.send(trigger(month), month.toString()))
            .toList();

    String rejected = sent.get(2);
    List<Poll> polls = pollUntil(lambda, () -> queue.deadLettered() == 1);
    assertThat(
            polls.stream()
                .flatMap(p -> p.records().stream())
                .filter(r -> r.getMessageId().equals(rejected))
                .map(r -> r.getAttributes().get("ApproximateReceiveCount")))
        .containsExactly("1", "2");
    assertThat(polls.stream().flatMap(p -> p.failed().stream())).containsOnly(rejected);
    assertThat(polls.stream().flatMap(p -> p.deleted().stream()))
        .containsExactlyInAnyOrder(sent.get(0), sent.get(1));
    assertThat(engine.startedSql())
        .hasSize(2)
        .anySatisfy(sql -> assertThat(sql).contains("month = '01'"))
        .anySatisfy(sql -> assertThat(sql).contains("month = '02'"));
    assertThat(queue.waiting()).isZero();
    assertThat(queue.inFlight()).isZero();
    assertThat(queue.deadLetters()).extracting(Message::body).containsExactly(trigger(notStarted));
  }

  /** The message the CLI's enqueue command sends for a month. */
  private static String trigger(YearMonth month) {
    return "{\"month\": " + month.getMonthValue() + ", \"year\": " + month.getYear() + "}";
  }

  /** Polls as Lambda does, a second at most each, until {@code done}; gives up after 20 seconds. */
  private static List<Poll> pollUntil(SqsEventSource lambda, BooleanSupplier done) {
    List<Poll> polls = new ArrayList<>();
    Instant giveUp = Instant.now().plusSeconds(20);
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as("the queue settled in time").isBefore(giveUp);
      polls.add(lambda.poll(Duration.ofSeconds(1)));
    }
    return polls;
  }
}
