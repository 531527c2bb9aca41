package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryExecution;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.QueryNotFoundException;
import dev.partitionbuilder.core.SafeText;
import io.trino.Session;
import io.trino.dispatcher.DispatchManager;
import io.trino.execution.QueryInfo;
import io.trino.server.BasicQueryInfo;
import io.trino.spi.ErrorCode;
import io.trino.spi.ErrorType;
import io.trino.spi.QueryId;
import io.trino.testing.MaterializedResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The QueryEngine port on embedded Trino: one query at a time on one thread, as on the DuckDB
 * engine; a query's id is ours (Athena's shape), and the Trino query behind it is found by its
 * trace token, so that {@link #stop} can cancel it while it runs.
 */
public final class TrinoQueryEngine implements QueryEngine, AutoCloseable {
  private static final DateTimeFormatter QUERY_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private final TrinoEngine engine;
  private final Clock clock;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "trino-query");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, String> idByToken = new HashMap<>();
  private final Map<String, Run> runs = new HashMap<>();

  private static final class Run {
    final Instant submittedAt;
    volatile State state = State.QUEUED;
    volatile String reason;
    volatile Integer errorCategory;
    volatile Integer errorType;
    volatile long rows = -1;

    /** The one value of a query that returned one row of one whole number, else null. */
    volatile Long number;

    volatile String result;
    volatile long bytesScanned;
    volatile long millis;
    volatile boolean stopRequested;

    Run(Instant submittedAt) {
      this.submittedAt = submittedAt;
    }
  }

  public TrinoQueryEngine(TrinoEngine engine, Clock clock) {
    this.engine = requireNonNull(engine, "engine is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public synchronized String start(String sql, String idempotencyToken) {
    String existing = idByToken.get(idempotencyToken);
    if (existing != null) {
      return existing;
    }
    Instant now = clock.instant();
    String id =
        String.format(Locale.ROOT, "%s_%05d_local", QUERY_ID.format(now), engine.nextQueryNumber());
    Run run = new Run(now);
    idByToken.put(idempotencyToken, id);
    runs.put(id, run);
    executor.execute(() -> execute(id, sql, run));
    return id;
  }

  @Override
  public synchronized QueryExecution get(String queryExecutionId) {
    Run run = run(queryExecutionId);
    if (run.state == State.RUNNING) {
      // Athena's DataScannedInBytes grows while the query runs; Trino's physical input is the
      // nearest.
      trinoInfo(queryExecutionId)
          .ifPresent(
              info ->
                  run.bytesScanned =
                      Math.max(
                          run.bytesScanned,
                          info.getQueryStats().getPhysicalInputDataSize().toBytes()));
    }
    return new QueryExecution(
        queryExecutionId,
        run.state,
        run.submittedAt,
        Optional.ofNullable(run.reason),
        run.errorCategory,
        run.errorType,
        false,
        run.bytesScanned,
        run.millis);
  }

  /**
   * How far the query this engine runs now has got, read from the embedded server while it runs;
   * empty between queries. Safe to call from any thread.
   */
  public Optional<QueryProgress> progress() {
    List<String> running;
    synchronized (this) {
      running =
          runs.entrySet().stream()
              .filter(run -> run.getValue().state == State.RUNNING)
              .map(Map.Entry::getKey)
              .toList();
    }
    return running.stream()
        .map(this::trinoQuery)
        .flatMap(Optional::stream)
        .findFirst()
        .flatMap(dispatch()::getFullQueryInfo)
        .map(info -> QueryProgress.of(info.getQueryStats()));
  }

  @Override
  public void stop(String queryExecutionId) {
    Run run;
    synchronized (this) {
      run = run(queryExecutionId);
    }
    run.stopRequested = true;
    trinoQuery(queryExecutionId).ifPresent(dispatch()::cancelQuery);
  }

  @Override
  public synchronized OptionalLong rowsWritten(String queryExecutionId) {
    Run run = run(queryExecutionId);
    return run.state == State.SUCCEEDED && run.rows >= 0
        ? OptionalLong.of(run.rows)
        : OptionalLong.empty();
  }

  @Override
  public synchronized long numberResult(String queryExecutionId) {
    Run run = run(queryExecutionId);
    if (run.state != State.SUCCEEDED || run.number == null) {
      throw new PartitionBuilderException(
          "Local query "
              + queryExecutionId
              + " returned "
              + (run.state != State.SUCCEEDED ? "nothing: it is " + run.state : run.result)
              + ", not one row of one whole number");
    }
    return run.number;
  }

  /** Cancels what still runs; the engine itself is closed by its owner. */
  @Override
  public void close() {
    synchronized (this) {
      runs.forEach(
          (id, run) -> {
            if (!run.state.isDone()) {
              run.stopRequested = true;
              trinoQuery(id).ifPresent(dispatch()::cancelQuery);
            }
          });
    }
    executor.shutdownNow();
  }

  private Run run(String id) {
    Run run = runs.get(id);
    if (run == null) {
      throw new QueryNotFoundException("No local query " + id + " in this process", null);
    }
    return run;
  }

  private DispatchManager dispatch() {
    return engine.runner().getCoordinator().getDispatchManager();
  }

  private Optional<QueryId> trinoQuery(String id) {
    return trinoInfo(id).map(BasicQueryInfo::getQueryId);
  }

  private Optional<BasicQueryInfo> trinoInfo(String id) {
    return dispatch().getQueries().stream()
        .filter(q -> q.getSession().getTraceToken().equals(Optional.of(id)))
        .findFirst();
  }

  private void execute(String id, String sql, Run run) {
    Instant started = clock.instant();
    run.state = State.RUNNING;
    State outcome = State.FAILED;
    try {
      if (run.stopRequested) {
        throw new PartitionBuilderException("Query was stopped before it ran");
      }
      CtasTranslation ctas = CtasTranslation.of(sql);
      ctas.externalLocation().ifPresent(TrinoQueryEngine::requireEmpty);
      Session.SessionBuilder session =
          Session.builder(engine.session()).setTraceToken(Optional.of(id));
      ctas.catalogSessionProperties()
          .forEach((k, v) -> session.setCatalogSessionProperty(TrinoEngine.CATALOG, k, v));
      MaterializedResult result = engine.execute(session.build(), ctas.sql());
      run.rows = result.getUpdateCount().orElse(-1);
      keepNumber(result, run);
      outcome = State.SUCCEEDED;
    } catch (RuntimeException | Error e) {
      run.reason = TrinoEngine.message(e);
      if (run.stopRequested) {
        outcome = State.CANCELLED;
        run.reason = "Query was cancelled by the user";
      }
    } finally {
      trinoQuery(id)
          .flatMap(q -> dispatch().getFullQueryInfo(q))
          .ifPresent(info -> describe(info, run));
      run.millis = Duration.between(started, clock.instant()).toMillis();
      run.state = outcome;
    }
  }

  /**
   * The one whole number a SELECT returned, such as a count; a CTAS's row of its update count is
   * not one.
   */
  private static void keepNumber(MaterializedResult result, Run run) {
    if (result.getUpdateCount().isPresent()) {
      run.result = "an update count";
      return;
    }
    if (result.getRowCount() != 1 || result.getTypes().size() != 1) {
      run.result = result.getRowCount() + " row(s) of " + result.getTypes().size() + " column(s)";
      return;
    }
    Object value = result.getOnlyValue();
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      run.number = ((Number) value).longValue();
    } else {
      run.result =
          value == null ? "NULL" : "a " + result.getTypes().get(0).getDisplayName() + " " + value;
    }
  }

  /** Athena's error category and reason ("HIVE_PATH_ALREADY_EXISTS: ...") from Trino's. */
  private static void describe(QueryInfo info, Run run) {
    run.bytesScanned = info.getQueryStats().getPhysicalInputDataSize().toBytes();
    ErrorCode code = info.getErrorCode();
    if (code == null || run.stopRequested) {
      return;
    }
    // https://docs.aws.amazon.com/athena/latest/APIReference/API_AthenaError.html
    run.errorCategory = code.getType() == ErrorType.USER_ERROR ? 2 : 1;
    if (info.getFailureInfo() != null && !run.reason.startsWith(code.getName())) {
      run.reason = SafeText.of(code.getName() + ": " + info.getFailureInfo().message());
    }
    if (code.getName().startsWith("EXCEEDED_") && code.getName().contains("MEMORY")) {
      run.reason +=
          " (locally, give the query more with --memory-limit, such as --memory-limit 2GB)";
    }
  }

  /**
   * Athena needs an empty external_location and Trino one that does not exist: an empty directory
   * is removed, a non-empty one fails as on Athena.
   */
  private static void requireEmpty(String location) {
    Path path =
        Path.of(
            java.net.URI.create(
                CtasTranslation.localUri(location).replaceFirst("^local:", "file:")));
    if (!Files.isDirectory(path)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
      if (entries.iterator().hasNext()) {
        throw new PartitionBuilderException(
            "HIVE_PATH_ALREADY_EXISTS: Target directory for table already exists: " + location);
      }
      Files.delete(path);
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot check the CTAS location " + location + ": " + e, e);
    }
  }
}
