package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.SafeText;
import io.airlift.log.Level;
import io.airlift.log.Logging;
import io.trino.Session;
import io.trino.plugin.hive.HivePlugin;
import io.trino.spi.type.TimeZoneKey;
import io.trino.testing.MaterializedResult;
import io.trino.testing.StandaloneQueryRunner;
import io.trino.testing.TestingSession;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded Trino, started once per CLI run: a coordinator that is its own worker, with a Hive
 * catalog on a file metastore and the local file system. Not thread-safe to start or close.
 */
public final class TrinoEngine implements AutoCloseable {
  /** Athena's name for the Glue Data Catalog, so three-part names written for Athena resolve. */
  public static final String CATALOG = "awsdatacatalog";

  private final StandaloneQueryRunner runner;
  private final AtomicInteger queries = new AtomicInteger();
  private final Settings settings;

  /**
   * @param metastoreDir where the file metastore keeps {@code <schema>/<table>/.trinoSchema}
   * @param memoryLimitBytes Trino's {@code query.max-memory} and {@code query.max-memory-per-node}
   *     (one node), or empty for all that Trino lets queries use beside its headroom (70% of the
   *     heap, where Trino's own default is 30%); the JVM's heap itself is set when the JVM starts
   *     ({@code -Xmx}), not here
   * @param writerCount the most writer tasks a CTAS uses ({@code task_max_writer_count}), a power
   *     of 2
   * @param verbose Trino's own INFO log lines on stderr; otherwise only its errors
   */
  public record Settings(
      Path metastoreDir, OptionalLong memoryLimitBytes, int writerCount, boolean verbose) {
    public Settings {
      requireNonNull(metastoreDir, "metastoreDir is null");
      requireNonNull(memoryLimitBytes, "memoryLimitBytes is null");
      if (!metastoreDir.isAbsolute()) {
        throw new IllegalArgumentException("metastoreDir must be absolute: " + metastoreDir);
      }
      if (memoryLimitBytes.isPresent() && memoryLimitBytes.getAsLong() < MIN_MEMORY) {
        throw new ConfigException(
            "memory limit "
                + memoryLimitBytes.getAsLong()
                + " bytes is below the 64 MB the local engine needs");
      }
      if (writerCount < 1 || Integer.bitCount(writerCount) != 1) {
        throw new IllegalArgumentException("writerCount must be a power of 2: " + writerCount);
      }
    }
  }

  private static final long MIN_MEMORY = 64L << 20;

  /**
   * Held, as java.util.logging keeps only weak references to its loggers and would forget the
   * level.
   */
  private static final java.util.logging.Logger AIRLIFT_LOGGING =
      java.util.logging.Logger.getLogger(Logging.class.getName());

  private TrinoEngine(StandaloneQueryRunner runner, Settings settings) {
    this.runner = runner;
    this.settings = settings;
  }

  /**
   * Starts the engine: about 10 to 20 s of a cold JVM. Trino's log lines go to stderr, only its
   * errors unless {@link Settings#verbose}; stdout stays the caller's.
   */
  public static TrinoEngine start(Settings settings) {
    requireNonNull(settings, "settings is null");
    try {
      Files.createDirectories(settings.metastoreDir());
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "Cannot create the local metastore directory " + settings.metastoreDir() + ": " + e, e);
    }
    long usable = usableMemory(settings);
    // airlift's Logging replaces System.out and System.err with streams into its log, which
    // would put the CLI's own output (--json) among Trino's log lines: put them back after.
    PrintStream out = System.out;
    PrintStream err = System.err;
    StandaloneQueryRunner runner;
    try {
      if (!settings.verbose()) {
        // Logging.initialize() announces itself at INFO before anyone can set its level.
        AIRLIFT_LOGGING.setLevel(java.util.logging.Level.WARNING);
      }
      Logging logging = Logging.initialize();
      logging.setRootLevel(settings.verbose() ? Level.INFO : Level.ERROR);
      // TestingTrinoServer fixes task.concurrency=4, task.min-writer-count=2 and
      // query.min-expire-age=5s and refuses other values for them: set the task ones per session.
      Session session = defaultSession(settings);
      runner =
          new StandaloneQueryRunner(
              session,
              builder -> {
                // No one browses the embedded engine: without its web UI it starts without the UI's
                // classes and resources, which the CLI's classpath leaves out (trino-web-ui).
                builder.addProperty("web-ui.enabled", "false");
                // How often the coordinator reads its tasks' stats (3 s by default): the splits,
                // rows and
                // bytes a run's progress bar shows are only as fresh as these.
                builder.addProperty("task.info-update-interval", "500ms");
                // Without a limit, queries may use all Trino allows beside its headroom, not its
                // default
                // of 30% of the heap: with the launcher's 1 GB heap that default fails a 2M-event
                // month.
                long bytes = settings.memoryLimitBytes().orElse(usable);
                builder
                    .addProperty("query.max-memory", (bytes >> 20) + "MB")
                    .addProperty("query.max-memory-per-node", (bytes >> 20) + "MB");
              });
    } catch (RuntimeException e) {
      throw new ConfigException("Cannot start the embedded Trino: " + message(e), e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    try {
      runner.installPlugin(new HivePlugin());
      runner.createCatalog(CATALOG, "hive", hiveCatalogProperties(settings));
      return new TrinoEngine(runner, settings);
    } catch (RuntimeException e) {
      try {
        runner.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw new ConfigException(
          "Cannot start the embedded Trino's Hive catalog " + CATALOG + ": " + message(e), e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * The bytes a query may use: the memory limit, which must fit in what Trino leaves to queries of
   * the JVM's heap, or, without one, all of that.
   */
  private static long usableMemory(Settings settings) {
    long heap = Runtime.getRuntime().maxMemory();
    // Trino keeps memory.heap-headroom-per-node (30% of the heap) out of what queries may use.
    long usable = heap - (long) (heap * 0.3);
    if (settings.memoryLimitBytes().isPresent()
        && settings.memoryLimitBytes().getAsLong() > usable) {
      throw new ConfigException(
          "Cannot start the embedded Trino with a memory limit of "
              + (settings.memoryLimitBytes().getAsLong() >> 20)
              + " MB: queries may use at most 70% of the JVM heap, "
              + (usable >> 20)
              + " MB of "
              + (heap >> 20)
              + " MB; give a smaller limit or a larger heap (-Xmx)");
    }
    return usable;
  }

  /**
   * Defines {@code ddl}'s table as Athena would in Glue, its LOCATION (and partition projection's
   * storage.location.template) moved to {@code localRoot}. Replaces a table of that name.
   */
  public void defineExternalTable(HiveDdl ddl, Path localRoot) {
    HiveDdlTranslation.install(this, ddl, localRoot);
  }

  /** An exception's message on one line, its class where it has none. */
  public static String message(Throwable e) {
    return SafeText.of(e.getMessage() == null ? e.toString() : e.getMessage());
  }

  static Map<String, String> hiveCatalogProperties(Settings settings) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("hive.metastore", "file");
    p.put("hive.metastore.catalog.dir", settings.metastoreDir().toUri().toString());
    // We write the source table's metadata ourselves from its Hive DDL, without a writer version.
    p.put("hive.metastore.version-compatibility", "UNSAFE_ASSUME_COMPATIBILITY");
    p.put("fs.local.enabled", "true");
    // Tables are at local:///absolute/path (HiveDdlTranslation): the CLI's --source and warehouse
    // are local paths.
    p.put("local.location", "/");
    // Athena CTAS always names external_location; Trino refuses writes to such tables otherwise.
    p.put("hive.non-managed-table-writes-enabled", "true");
    p.put("hive.storage-format", "PARQUET");
    p.put("hive.compression-codec", "SNAPPY");
    // Athena: projected partitions need no metastore partitions and no statistics.
    p.put("hive.table-statistics-enabled", "false");
    p.put("hive.ignore-absent-partitions", "true");
    // A table whose months are Glue partitions: TrinoCatalog registers them for reading.
    p.put("hive.allow-register-partition-procedure", "true");
    p.put("hive.collect-column-statistics-on-write", "false");
    return p;
  }

  static Session defaultSession(Settings settings) {
    return TestingSession.testSessionBuilder()
        .setSystemProperty("task_concurrency", "2")
        .setSystemProperty("task_min_writer_count", "1")
        .setSystemProperty("task_max_writer_count", Integer.toString(settings.writerCount()))
        .setCatalog(CATALOG)
        .setSchema(Optional.empty())
        .setTimeZoneKey(TimeZoneKey.UTC_KEY)
        .setSource("partition-builder")
        .build();
  }

  /**
   * A number for the next query of any {@link TrinoQueryEngine} on this engine: their ids are
   * Trino's trace tokens, so they must not repeat while Trino remembers a query.
   */
  int nextQueryNumber() {
    return queries.incrementAndGet();
  }

  public Session session() {
    return runner.getDefaultSession();
  }

  /** The default session with {@code schema} of this engine's catalog as the current schema. */
  public Session sessionIn(String schema) {
    return Session.builder(runner.getDefaultSession())
        .setCatalog(CATALOG)
        .setSchema(schema)
        .build();
  }

  public Settings settings() {
    return settings;
  }

  /** Runs a statement to its end on the calling thread. */
  public MaterializedResult execute(String sql) {
    return runner.execute(sql);
  }

  public MaterializedResult execute(Session session, String sql) {
    return runner.execute(session, sql);
  }

  StandaloneQueryRunner runner() {
    return runner;
  }

  /**
   * Stops the engine. Without {@link Settings#verbose}, Trino's log is silenced first: a task's
   * cleanup still in flight when the engine stops logs errors (such as "Error in async cleanup")
   * about work that has already ended.
   */
  @Override
  public void close() {
    if (!settings.verbose()) {
      Logging.initialize().setRootLevel(Level.OFF);
    }
    runner.close();
  }
}
