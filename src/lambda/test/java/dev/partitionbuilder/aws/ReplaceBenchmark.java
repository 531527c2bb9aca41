package dev.partitionbuilder.aws;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.LatencyProxy;
import dev.partitionbuilder.testing.S3Stand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A harness, not a test: the copy-based replace of a month of a projected table, timed for several
 * copy pool sizes. Each round builds one month through {@link PartitionBuilder}: the partition
 * holds {@code files} old objects, and a fake query engine "succeeds" having written {@code files}
 * new ones into staging (both put straight into the stand's store, without requests). Everything
 * else is real: {@link S3ObjectStore} over the S3 client production builds (url-connection HTTP
 * client, retry strategy), against s3proxy behind a {@link LatencyProxy} that holds every answer
 * for the given latency. Run it with {@code bench/replace.sh [latency ms] [files]
 * [threads,threads,...]}.
 *
 * <p>Per round it prints the replace step's wall time (as the builder times it), the copies' span
 * (first copy started to last copy answered), the window in which readers see old and new files
 * together (first copy answered to the old objects' delete answered), and the requests the replace
 * step sent, by operation.
 */
public final class ReplaceBenchmark {
  private static final int FILE_BYTES = 4 * 1024;
  private static final String PREFIX = "cloudtrail_monthly/";

  private ReplaceBenchmark() {}

  public static void main(String[] args) {
    Duration latency = Duration.ofMillis(args.length > 0 ? Integer.parseInt(args[0]) : 50);
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    List<Integer> pools =
        args.length > 2
            ? Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList()
            : List.of(1, 8, 16, 32, 64);
    RequestCounter counter = new RequestCounter();
    try (S3Stand s3 = S3Stand.start();
        LatencyProxy proxy = LatencyProxy.start(s3.endpoint(), latency)) {
      S3ClientBuilder builder =
          s3.configure(AwsClientsTestAccess.configure(S3Client.builder()))
              .endpointOverride(proxy.endpoint());
      // Added to the production configuration, not in place of it: the retry strategy stays.
      builder.overrideConfiguration(
          builder.overrideConfiguration().toBuilder().addExecutionInterceptor(counter).build());
      try (S3Client client = builder.build()) {
        TableLayout layout =
            new TableLayout(
                "cloudtrail",
                "cloudtrail_daily",
                "cloudtrail_monthly",
                "s3://" + s3.bucket() + "/",
                PREFIX);
        Scenario scenario = new Scenario(s3, client, layout, counter);
        // Class loading, the JIT and the stand's first connections: one small month, not reported.
        scenario.run(
            YearMonth.of(2023, 12), Math.min(files, 50), BuildSettings.DEFAULT_COPY_THREADS);
        System.out.printf(
            Locale.ROOT,
            "%,d staged and %,d old files of %,d bytes; %d ms added to every request; "
                + "%d cores, Java %s%n",
            files,
            files,
            FILE_BYTES,
            latency.toMillis(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
        System.out.printf(
            Locale.ROOT,
            "%7s %9s %9s %9s %9s %9s  %s%n",
            "threads",
            "replace",
            "copies",
            "window",
            "build",
            "requests",
            "in the replace step, by operation");
        YearMonth month = YearMonth.of(2024, 1);
        for (int threads : pools) {
          Round round = scenario.run(month, files, threads);
          System.out.printf(
              Locale.ROOT,
              "%7d %7.2f s %7.2f s %7.2f s %7.2f s %9d  %s%n",
              threads,
              seconds(round.replace()),
              seconds(round.copies()),
              seconds(round.window()),
              seconds(round.build()),
              round.requests().values().stream().mapToLong(Long::longValue).sum(),
              round.requests());
          month = month.plusMonths(1);
        }
      }
    }
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  /** What one month's build measured. */
  record Round(
      Duration replace,
      Duration copies,
      Duration window,
      Duration build,
      Map<String, Long> requests) {}

  /** One month built from scratch: old files seeded, staged files written by the fake query. */
  private record Scenario(S3Stand s3, S3Client client, TableLayout layout, RequestCounter counter) {
    Round run(YearMonth month, int files, int threads) {
      String partition = layout.partitionPrefix(month);
      String staging = layout.stagingPrefix(month);
      byte[] content = new byte[FILE_BYTES];
      for (int i = 0; i < files; i++) {
        s3.seed(
            s3.bucket(), String.format(Locale.ROOT, "%sold_bucket-%05d", partition, i), content);
      }
      FakeQueryEngine engine =
          new FakeQueryEngine(new Journal(), Clock.systemUTC())
              .rows(files * 1_000L)
              .onSuccess(
                  id -> {
                    for (int i = 0; i < files; i++) {
                      s3.seed(
                          s3.bucket(),
                          String.format(Locale.ROOT, "%s%s_bucket-%05d", staging, id, i),
                          content);
                    }
                  });
      ObservedStore store =
          new ObservedStore(new S3ObjectStore(client, s3.bucket()), partition, staging, counter);
      BuildSettings settings =
          BuildSettings.defaults(new PollPolicy(Duration.ofMillis(10), Duration.ofMillis(10)))
              .withCopyThreads(threads);
      PartitionBuilder builder =
          new PartitionBuilder(
              layout,
              CtasTemplate.bundled(),
              store,
              new FakeCatalog(new Journal()),
              engine,
              settings,
              Clock.systemUTC(),
              Sleeper.SYSTEM);
      counter.reset();
      long start = System.nanoTime();
      BuildResult result =
          builder.build(
              new BuildRequest(
                  month, "bench-" + month, false, Instant.now().plus(Duration.ofMinutes(15))));
      Duration build = Duration.ofNanos(System.nanoTime() - start);
      requireReplaced(store, partition, staging, files, result);
      return new Round(
          result.steps().get(BuildResult.Step.REPLACE),
          store.copies(),
          store.window(),
          build,
          counter.replaceRequests());
    }

    /** A round whose partition is not exactly the new files measured something else. */
    private static void requireReplaced(
        ObjectStore store, String partition, String staging, int files, BuildResult result) {
      List<String> keys =
          store.list(partition).stream().map(ObjectStore.StoredObject::key).toList();
      long fresh =
          keys.stream()
              .filter(k -> k.startsWith(partition + result.queryExecutionId() + "_"))
              .count();
      if (keys.size() != files || fresh != files || !store.list(staging).isEmpty()) {
        throw new IllegalStateException(
            "The build of "
                + result.month()
                + " did not replace its partition: "
                + keys.size()
                + " key(s) there, "
                + fresh
                + " of them new, "
                + store.list(staging).size()
                + " left in staging");
      }
    }
  }

  /**
   * The S3 adapter, noting when the replace step begins (its listing of staging, the first request
   * the builder sends after the query) and ends (its clear of staging), when copies start and are
   * answered, and when the old objects' delete is answered.
   */
  private static final class ObservedStore implements ObjectStore {
    private final ObjectStore delegate;
    private final String partition;
    private final String staging;
    private final RequestCounter counter;
    private final AtomicLong firstCopyStarted = new AtomicLong();
    private final AtomicLong firstCopyDone = new AtomicLong();
    private final AtomicLong lastCopyDone = new AtomicLong();
    private volatile long oldDeleted;

    ObservedStore(ObjectStore delegate, String partition, String staging, RequestCounter counter) {
      this.delegate = delegate;
      this.partition = partition;
      this.staging = staging;
      this.counter = counter;
    }

    Duration copies() {
      return Duration.ofNanos(lastCopyDone.get() - firstCopyStarted.get());
    }

    Duration window() {
      return Duration.ofNanos(oldDeleted - firstCopyDone.get());
    }

    @Override
    public List<StoredObject> list(String prefix) {
      if (prefix.equals(staging)) {
        counter.replaceBegins();
      }
      return delegate.list(prefix);
    }

    @Override
    public int deleteAll(String prefix) {
      int deleted = delegate.deleteAll(prefix);
      if (prefix.equals(staging)) {
        counter.replaceEnds();
      }
      return deleted;
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
      firstCopyStarted.compareAndSet(0, System.nanoTime());
      delegate.copy(sourceKey, targetKey);
      long now = System.nanoTime();
      firstCopyDone.compareAndSet(0, now);
      lastCopyDone.accumulateAndGet(now, Math::max);
    }

    @Override
    public void copy(String sourceKey, String targetKey, long sourceSize) {
      firstCopyStarted.compareAndSet(0, System.nanoTime());
      delegate.copy(sourceKey, targetKey, sourceSize);
      long now = System.nanoTime();
      firstCopyDone.compareAndSet(0, now);
      lastCopyDone.accumulateAndGet(now, Math::max);
    }

    @Override
    public boolean isCopyOf(String key, String sourceKey) {
      return delegate.isCopyOf(key, sourceKey);
    }

    @Override
    public int deleteKeys(String prefix, List<String> keys) {
      int deleted = delegate.deleteKeys(prefix, keys);
      if (prefix.equals(partition)) {
        oldDeleted = System.nanoTime();
      }
      return deleted;
    }

    @Override
    public boolean createIfAbsent(String key, byte[] content) {
      return delegate.createIfAbsent(key, content);
    }

    @Override
    public void write(String key, byte[] content) {
      delegate.write(key, content);
    }

    @Override
    public Optional<byte[]> read(String key) {
      return delegate.read(key);
    }

    @Override
    public Optional<Versioned> readVersioned(String key) {
      return delegate.readVersioned(key);
    }

    @Override
    public boolean replaceIfMatch(String key, byte[] content, String version) {
      return delegate.replaceIfMatch(key, content, version);
    }

    @Override
    public boolean deleteIfMatch(String key, String version) {
      return delegate.deleteIfMatch(key, version);
    }
  }

  /**
   * Counts the HTTP requests the client sends (each attempt, retries included) by operation, apart
   * for those sent while the replace step runs.
   */
  private static final class RequestCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> inReplace = new ConcurrentHashMap<>();
    private volatile boolean replacing;
    private volatile boolean replaced;

    void reset() {
      inReplace.clear();
      replacing = false;
      replaced = false;
    }

    /**
     * Only the first listing of staging begins the step: the clear before the query lists nothing.
     */
    void replaceBegins() {
      if (!replaced) {
        replacing = true;
      }
    }

    void replaceEnds() {
      if (replacing) {
        replacing = false;
        replaced = true;
      }
    }

    Map<String, Long> replaceRequests() {
      return inReplace.entrySet().stream()
          .collect(
              Collectors.toMap(
                  Map.Entry::getKey, e -> e.getValue().sum(), Long::sum, TreeMap::new));
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (replacing) {
        inReplace
            .computeIfAbsent(
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder())
            .increment();
      }
    }
  }
}
