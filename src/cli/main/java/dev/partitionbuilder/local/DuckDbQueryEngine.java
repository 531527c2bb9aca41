package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.OneLine;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryExecution;
import dev.partitionbuilder.core.QueryNotFoundException;
import dev.partitionbuilder.core.QueryExecution.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Athena CTAS statements on embedded DuckDB, the way Athena would: asynchronously (start,
 * then look), writing Parquet files named as Trino names them into an {@code external_location}
 * that must be empty, and registering the new table. Output is written to a hidden sibling
 * directory first and moved into place only when the query has succeeded, so a failed query
 * leaves nothing behind.
 */
final class DuckDbQueryEngine implements QueryEngine, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DuckDbQueryEngine.class);
  private static final Set<String> PROPERTIES = Set.of(
      "format", "write_compression", "parquet_compression", "external_location", "bucketed_by", "bucket_count");
  private static final DateTimeFormatter QUERY_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private final DuckDBConnection duckdb;
  private final Consumer<Connection> prepare;
  private final UnaryOperator<String> dialect;
  private final Clock clock;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "duckdb-query");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, String> idByToken = new HashMap<>();
  private final Map<String, Run> runs = new HashMap<>();
  /** How long {@link #close} waits for stopped queries to clean up after themselves. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  /** Hidden staging directories name the process: "." + month + ".tmp-p" + pid + "-" + query id. */
  private static final String TMP = ".tmp-p";
  private int next;

  private static final class Run {
    final Instant submittedAt;
    volatile State state = State.QUEUED;
    volatile String reason;
    volatile long rows;
    volatile long millis;
    volatile boolean stopRequested;
    volatile Statement statement;

    Run(Instant submittedAt) {
      this.submittedAt = submittedAt;
    }
  }

  /**
   * @param prepare run on each connection the engine opens: session settings such as the time zone
   *     and temporary macros belong to a connection, not to the database
   */
  DuckDbQueryEngine(DuckDBConnection duckdb, Consumer<Connection> prepare, UnaryOperator<String> dialect, Clock clock) {
    this.duckdb = requireNonNull(duckdb, "duckdb is null");
    this.prepare = requireNonNull(prepare, "prepare is null");
    this.dialect = requireNonNull(dialect, "dialect is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public synchronized String start(String sql, String idempotencyToken) {
    String existing = idByToken.get(idempotencyToken);
    if (existing != null) {
      return existing;
    }
    Instant now = clock.instant();
    String id = String.format(Locale.ROOT, "%s_%05d_local", QUERY_ID.format(now), ++next);
    Run run = new Run(now);
    idByToken.put(idempotencyToken, id);
    runs.put(id, run);
    executor.submit(() -> execute(id, sql, run));
    return id;
  }

  @Override
  public synchronized QueryExecution get(String queryExecutionId) {
    Run run = run(queryExecutionId);
    return new QueryExecution(queryExecutionId, run.state, run.submittedAt, Optional.ofNullable(run.reason),
        null, null, false, 0, run.millis);
  }

  @Override
  public void stop(String queryExecutionId) {
    Run run;
    synchronized (this) {
      run = run(queryExecutionId);
    }
    run.stopRequested = true;
    Statement statement = run.statement;
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException e) {
        throw new PartitionBuilderException("Cannot stop local query " + queryExecutionId + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized OptionalLong rowsWritten(String queryExecutionId) {
    Run run = run(queryExecutionId);
    return run.state == State.SUCCEEDED ? OptionalLong.of(run.rows) : OptionalLong.empty();
  }

  /**
   * Stops the queries still running and waits a little for them to end, so that their hidden
   * staging directories are removed before the process exits.
   */
  @Override
  public void close() {
    List<Run> live;
    synchronized (this) {
      live = runs.values().stream().filter(run -> !run.state.isDone()).toList();
    }
    for (Run run : live) {
      run.stopRequested = true;
      Statement statement = run.statement;
      if (statement != null) {
        try {
          statement.cancel();
        } catch (SQLException e) {
          log.warn("Cannot stop a local query while closing the engine: {}", e.getMessage());
        }
      }
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("A local query did not stop within {} s of closing the engine; its staging directory may remain "
            + "until the next run of its month", CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while waiting for local queries to stop; a staging directory may remain until the next "
          + "run of its month");
    }
  }

  private Run run(String id) {
    Run run = runs.get(id);
    if (run == null) {
      // Local queries live as long as the process: one an earlier run started is gone with it.
      throw new QueryNotFoundException("No local query " + id + " in this process", null);
    }
    return run;
  }

  private void execute(String id, String sql, Run run) {
    Instant started = clock.instant();
    run.state = State.RUNNING;
    Path staging = null;
    // The outcome is published last, after the staging directory is gone: whoever sees the query
    // done sees it finished, files and all.
    State outcome = State.FAILED;
    String reason = null;
    try (Connection connection = duckdb.duplicate(); Statement statement = connection.createStatement()) {
      prepare.accept(connection);
      run.statement = statement;
      if (run.stopRequested) {
        throw new SQLException("stopped before it ran");
      }
      Ctas ctas = Ctas.parse(sql);
      Target target = target(ctas, statement);
      String query = dialect.apply(ctas.query());
      String select = outputColumns(statement, query);
      removeLeftovers(target.location());
      staging = target.location().resolveSibling("." + target.location().getFileName() + TMP
          + ProcessHandle.current().pid() + "-" + id);
      Files.createDirectories(staging);
      List<Path> files = write(statement, select, query, ctas, target, staging, id);
      run.rows = register(statement, ctas, target, files, select, query);
      outcome = State.SUCCEEDED;
    } catch (SQLException e) {
      reason = run.stopRequested ? "Query was stopped" : OneLine.of(e.getMessage() == null ? e.toString() : e.getMessage());
      outcome = run.stopRequested ? State.CANCELLED : State.FAILED;
    } catch (Exception | Error e) {
      // Anything else ends the query too: a run must never stay RUNNING after its thread gave up.
      reason = OneLine.of(e.getMessage() == null ? e.toString() : e.getMessage());
      if (!(e instanceof UnsupportedOperationException || e instanceof IllegalStateException)) {
        log.warn("Local query {} failed", id, e);
      }
    } finally {
      run.statement = null;
      if (staging != null) {
        deleteTree(staging);
      }
      run.millis = Duration.between(started, clock.instant()).toMillis();
      run.reason = reason;
      run.state = outcome;
    }
  }

  private record Target(String schema, Path location, String compression, List<String> bucketedBy, int bucketCount) {}

  private Target target(Ctas ctas, Statement statement) throws SQLException, IOException {
    for (String key : ctas.properties().keySet()) {
      if (!PROPERTIES.contains(key)) {
        throw new UnsupportedOperationException("not supported locally: table property " + key);
      }
    }
    String format = Optional.ofNullable(ctas.stringProperty("format")).orElse("PARQUET");
    if (!format.equalsIgnoreCase("PARQUET")) {
      throw new UnsupportedOperationException("not supported locally: format = '" + format + "' (only PARQUET)");
    }
    String compression = Optional.ofNullable(ctas.stringProperty("write_compression"))
        .or(() -> Optional.ofNullable(ctas.stringProperty("parquet_compression"))).orElse("GZIP")
        .toUpperCase(Locale.ROOT);
    compression = switch (compression) {
      case "SNAPPY", "GZIP", "ZSTD", "LZ4" -> compression;
      case "NONE", "UNCOMPRESSED" -> "UNCOMPRESSED";
      default -> throw new UnsupportedOperationException("not supported locally: write_compression = '" + compression + "'");
    };
    String location = ctas.stringProperty("external_location");
    if (location == null) {
      throw new UnsupportedOperationException("not supported locally: a CTAS without external_location");
    }
    if (!location.startsWith("file:")) {
      throw new UnsupportedOperationException("not supported locally: external_location '" + location
          + "' (local mode writes to file: locations in the warehouse directory)");
    }
    Path path = Path.of(URI.create(location));
    String schema = ctas.schema() == null ? "main" : ctas.schema();
    // Athena refuses a CTAS whose table or location already exists; so does the local engine.
    try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
        + SqlToken.quote(schema) + " AND table_name = " + SqlToken.quote(ctas.table()))) {
      rs.next();
      if (rs.getLong(1) > 0) {
        throw new IllegalStateException("TABLE_ALREADY_EXISTS: Table '" + schema + "." + ctas.table() + "' already exists");
      }
    }
    if (Files.isDirectory(path)) {
      try (Stream<Path> entries = Files.list(path)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException("HIVE_PATH_ALREADY_EXISTS: Target directory for table '" + schema + "."
              + ctas.table() + "' already exists: " + location);
        }
      }
    }
    Object bucketedBy = ctas.properties().get("bucketed_by");
    List<String> buckets = bucketedBy instanceof List<?> list
        ? list.stream().map(Object::toString).toList() : bucketedBy == null ? List.of() : List.of(bucketedBy.toString());
    int bucketCount = ctas.stringProperty("bucket_count") == null ? 0 : Integer.parseInt(ctas.stringProperty("bucket_count"));
    if (buckets.isEmpty() != (bucketCount == 0)) {
      throw new IllegalArgumentException("bucketed_by and bucket_count must be given together");
    }
    return new Target(schema, path, compression, buckets, bucketCount);
  }

  /**
   * The query's columns as Athena would store them: names in lower case (as Glue keeps them), and
   * timestamps as Parquet INT64 milliseconds, which Athena reads (DuckDB cannot write INT96).
   */
  private static String outputColumns(Statement statement, String query) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery("DESCRIBE " + query)) {
      while (rs.next()) {
        String name = rs.getString("column_name");
        String type = rs.getString("column_type").toUpperCase(Locale.ROOT);
        String quoted = SqlToken.quoteIdentifier(name);
        String lower = SqlToken.quoteIdentifier(name.toLowerCase(Locale.ROOT));
        columns.add(type.startsWith("TIMESTAMP") ? "CAST(" + quoted + " AS TIMESTAMP_MS) AS " + lower : quoted + " AS " + lower);
      }
    }
    return String.join(", ", columns);
  }

  private List<Path> write(Statement statement, String select, String query, Ctas ctas, Target target, Path staging,
      String id) throws SQLException, IOException {
    String options = "FORMAT parquet, COMPRESSION " + target.compression();
    if (target.bucketCount() == 0) {
      statement.execute("COPY (SELECT " + select + " FROM (" + query + ")) TO " + literal(staging.resolve("data"))
          + " (" + options + ")");
    } else {
      String hash = target.bucketedBy().stream().map(c -> '"' + c.toLowerCase(Locale.ROOT) + '"')
          .collect(Collectors.joining(", ", "hash(", ")"));
      statement.execute("COPY (SELECT " + select + ", " + hash + " % " + target.bucketCount() + " AS __bucket FROM ("
          + query + ")) TO " + literal(staging) + " (" + options + ", PARTITION_BY (__bucket), OVERWRITE_OR_IGNORE)");
    }
    Files.createDirectories(target.location());
    List<Path> moved = new ArrayList<>();
    try (Stream<Path> written = Files.walk(staging)) {
      for (Path file : written.filter(Files::isRegularFile).sorted().toList()) {
        String bucket = file.getParent().getFileName().toString();
        int number = bucket.startsWith("__bucket=") ? Integer.parseInt(bucket.substring("__bucket=".length())) : 0;
        // Trino's names: bucketed "0<bucket, 5 digits>_0_<uuid>_<query id>", others "<query id>_<uuid>".
        String name = target.bucketCount() == 0
            ? id + "_" + UUID.randomUUID()
            : String.format(Locale.ROOT, "0%05d_0_%s_%s", number, UUID.randomUUID(), id);
        moved.add(Files.move(file, target.location().resolve(name)));
      }
    }
    return moved;
  }

  private static long register(Statement statement, Ctas ctas, Target target, List<Path> files, String select,
      String query) throws SQLException {
    String table = '"' + target.schema() + "\".\"" + ctas.table() + '"';
    statement.execute("CREATE SCHEMA IF NOT EXISTS \"" + target.schema() + '"');
    if (files.isEmpty()) {
      statement.execute("CREATE TABLE " + table + " AS SELECT " + select + " FROM (" + query + ") LIMIT 0");
      return 0;
    }
    String list = files.stream().map(DuckDbQueryEngine::literal).collect(Collectors.joining(", ", "[", "]"));
    statement.execute("CREATE VIEW " + table + " AS SELECT * FROM read_parquet(" + list + ")");
    try (ResultSet rs = statement.executeQuery("SELECT sum(num_rows) FROM parquet_file_metadata(" + list + ")")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String literal(Path path) {
    return SqlToken.quote(path.toAbsolutePath().toString());
  }

  /**
   * Removes the hidden staging directories of the same location that a process which no longer
   * runs left (one killed mid-query): a query of this engine runs one at a time, and another live
   * process's are left alone.
   */
  private static void removeLeftovers(Path location) throws IOException {
    Path parent = location.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    String prefix = "." + location.getFileName() + ".tmp-";
    List<Path> leftovers;
    try (Stream<Path> siblings = Files.list(parent)) {
      leftovers = siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
    for (Path leftover : leftovers) {
      // This engine runs one query at a time, so none of this process's is still writing there;
      // names without a pid are from before names had one.
      OptionalLong pid = pidOf(leftover.getFileName().toString().substring(prefix.length()));
      boolean otherLiveProcess = pid.isPresent() && pid.getAsLong() != ProcessHandle.current().pid()
          && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
      if (!otherLiveProcess) {
        log.warn("Removing the staging directory {} that an ended local query left", leftover);
        deleteTree(leftover);
      }
    }
  }

  /** The pid in "p4242-20240301_..." (what follows ".MM.tmp-"), or empty for an older name without one. */
  private static OptionalLong pidOf(String rest) {
    int dash = rest.indexOf('-');
    if (!rest.startsWith("p") || dash < 0) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(rest.substring(1, dash)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Runs on the query thread after the outcome is recorded: a failure here is logged, not lost. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("Cannot remove the local staging directory {}: {}", dir, e.toString());
    }
  }
}
