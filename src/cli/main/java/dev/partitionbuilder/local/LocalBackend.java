package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.MonthLocks;
import dev.partitionbuilder.core.MonthPartitioning;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableDefinition;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.local.trino.HiveDdl;
import dev.partitionbuilder.local.trino.QueryFailedException;
import dev.partitionbuilder.local.trino.QueryProgress;
import dev.partitionbuilder.local.trino.QueryRows;
import dev.partitionbuilder.local.trino.TrinoCatalog;
import dev.partitionbuilder.local.trino.TrinoEngine;
import dev.partitionbuilder.local.trino.TrinoQueryEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pipeline on this machine: the warehouse directory stands in for the destination bucket,
 * embedded Trino (Athena engine v3's SQL engine) with a file metastore for Athena and Glue, and the
 * source table is read from a local directory laid out as in S3. The CTAS template is the very one
 * the Lambda sends to Athena.
 */
public final class LocalBackend implements AutoCloseable {
  /** Classpath location of the bundled source table DDL. */
  public static final String BUNDLED_SOURCE_DDL = "ddl/cloudtrail_daily.sql";

  /** Classpath location of the bundled destination (long-lived) table DDL. */
  public static final String BUNDLED_DESTINATION_DDL = "ddl/cloudtrail_monthly.sql";

  /**
   * @param config the one validated configuration ({@link Config#forLocal}): the tables' names and
   *     prefix, and how a build locks and guards (it polls by {@link Config#LOCAL_POLL}); {@value
   *     Config#MIN_PREVIOUS_ROWS_PERCENT} above 0 defines the long-lived table from its DDL over
   *     the warehouse, so that the rows a month holds can be counted before it is replaced, and
   *     {@value Config#MAX_SCAN_BYTES} is checked against Trino's physical input bytes
   * @param memoryLimit Trino's query memory (query.max-memory and query.max-memory-per-node), such
   *     as {@code 1GB}, or empty for Trino's default of 30% of the heap. It bounds what queries may
   *     reserve, not the JVM: the heap is set when the JVM starts (-Xmx, in
   *     PARTITION_BUILDER_JAVA_OPTS for ./partition-builder), and a limit above it fails late.
   * @param tempDirectory where the engine's file metastore goes (a new directory, removed on close)
   * @param verbose the engine's own INFO log lines on stderr
   * @param destinationDdl the long-lived table's DDL, which says where each month lives; empty for
   *     the bundled {@value #BUNDLED_DESTINATION_DDL}
   */
  public record Settings(
      Config config,
      Path sourceDirectory,
      Path warehouse,
      Optional<Path> sourceDdl,
      Optional<Path> template,
      Optional<String> memoryLimit,
      Optional<Path> tempDirectory,
      boolean verbose,
      Optional<Path> destinationDdl) {
    public Settings {
      requireNonNull(config, "config is null");
      requireNonNull(sourceDirectory, "sourceDirectory is null");
      requireNonNull(warehouse, "warehouse is null");
      requireNonNull(sourceDdl, "sourceDdl is null");
      requireNonNull(template, "template is null");
      requireNonNull(memoryLimit, "memoryLimit is null");
      requireNonNull(tempDirectory, "tempDirectory is null");
      requireNonNull(destinationDdl, "destinationDdl is null");
      memoryLimitBytes(memoryLimit);
    }

    /** The tables' names and prefix, from the configuration. */
    public TableNames names() {
      return TableNames.of(config);
    }
  }

  /**
   * The Glue names of the tables and the destination's key prefix, checked as the Lambda checks
   * them.
   */
  public record TableNames(
      String database, String sourceTable, String destinationTable, String prefix) {
    public static final TableNames CLOUDTRAIL =
        new TableNames(
            Config.LOCAL_GLUE_DATABASE,
            Config.LOCAL_SRC_TABLE_NAME,
            Config.LOCAL_DST_TABLE_NAME,
            Config.LOCAL_DST_PREFIX);

    public TableNames {
      Config.requireGlueName(Config.GLUE_DATABASE, database);
      Config.requireGlueName(Config.SRC_TABLE_NAME, sourceTable);
      Config.requireGlueName(Config.DST_TABLE_NAME, destinationTable);
      Config.requirePrefix(prefix);
    }

    /** The names and prefix of {@code config}, already checked by it. */
    public static TableNames of(Config config) {
      return new TableNames(
          config.database(), config.sourceTable(), config.destinationTable(), config.prefix());
    }
  }

  /** This process, named once: asking the OS for the host name and start instant is not free. */
  private static final LocalHolders HOLDERS = LocalHolders.ofThisProcess();

  /**
   * What builds a month again after a build left work to finish: no message is delivered again
   * locally.
   */
  public static final String RERUN = "the same command run again";

  /**
   * Writers per CTAS: the bundled template's 4 buckets are written by 2 tasks on a small machine.
   */
  private static final int WRITERS = 2;

  private final TrinoEngine trino;
  private final boolean ownsTrino;
  private final Path metastore;
  private final TrinoQueryEngine engine;
  private final PartitionBuilder builder;
  private final TableLayout layout;
  private final LocalObjectStore store;
  private final Settings settings;
  private final TrinoCatalog catalog;

  /**
   * Below the warehouse, the Glue partitions of tables without projection, which must outlive the
   * engine's metastore (one per process): see {@link TrinoCatalog}.
   */
  public static final String CATALOG_DIRECTORY = "_catalog";

  private LocalBackend(
      Settings settings,
      TrinoEngine trino,
      boolean ownsTrino,
      Path metastore,
      TrinoQueryEngine engine,
      PartitionBuilder builder,
      TableLayout layout,
      LocalObjectStore store,
      TrinoCatalog catalog) {
    this.catalog = catalog;
    this.settings = settings;
    this.trino = trino;
    this.ownsTrino = ownsTrino;
    this.metastore = metastore;
    this.engine = engine;
    this.builder = builder;
    this.layout = layout;
    this.store = store;
  }

  /**
   * Starts an embedded Trino for this backend (10 to 20 s), closed with it. Its file metastore
   * lives in a new directory under the settings' temp directory (else the system's), removed on
   * close.
   */
  public static LocalBackend open(Settings settings, Clock clock) {
    requireNonNull(settings, "settings is null");
    Path metastore;
    Path parent =
        settings
            .tempDirectory()
            .orElse(Path.of(System.getProperty("java.io.tmpdir")))
            .toAbsolutePath();
    try {
      Files.createDirectories(parent);
      metastore = Files.createTempDirectory(parent, "partition-builder-metastore-");
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot create the local metastore directory under " + parent + ": " + e.getMessage(), e);
    }
    TrinoEngine trino;
    try {
      trino =
          TrinoEngine.start(
              new TrinoEngine.Settings(
                  metastore,
                  memoryLimitBytes(settings.memoryLimit()),
                  WRITERS,
                  settings.verbose()));
    } catch (RuntimeException e) {
      deleteKeepingFailure(metastore, e);
      throw e;
    }
    try {
      return open(settings, trino, true, metastore, clock);
    } catch (RuntimeException e) {
      try {
        trino.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      deleteKeepingFailure(metastore, e);
      throw e;
    }
  }

  /**
   * On an engine that is already running and that the caller closes (tests share one per class).
   */
  public static LocalBackend open(Settings settings, TrinoEngine trino, Clock clock) {
    return open(settings, trino, false, null, clock);
  }

  private static LocalBackend open(
      Settings settings, TrinoEngine trino, boolean ownsTrino, Path metastore, Clock clock) {
    requireNonNull(settings, "settings is null");
    TableNames names = settings.names();
    CtasTemplate template =
        CtasTemplate.load(
            settings.template().map(Path::toString),
            uri -> {
              throw new ConfigException(
                  "not supported locally: template " + uri + " (give a file path)");
            });
    HiveDdl ddl = sourceDdl(settings.sourceDdl(), names);
    Path warehouse = settings.warehouse().toAbsolutePath().normalize();
    try {
      Files.createDirectories(warehouse);
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot create the warehouse directory " + warehouse + ": " + e.getMessage(), e);
    }
    TableLayout layout = layout(names, warehouse, destinationDdl(settings.destinationDdl(), names));
    try {
      trino.defineExternalTable(ddl, settings.sourceDirectory().toAbsolutePath().normalize());
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException(
          "Cannot define the local source table "
              + names.database()
              + "."
              + names.sourceTable()
              + ": "
              + TrinoEngine.message(e),
          e);
    }
    TrinoQueryEngine engine = new TrinoQueryEngine(trino, clock);
    LocalObjectStore store = new LocalObjectStore(warehouse);
    TrinoCatalog catalog = new TrinoCatalog(trino, warehouse.resolve(CATALOG_DIRECTORY));
    PartitionBuilder builder =
        new PartitionBuilder(
            layout,
            template,
            store,
            catalog,
            engine,
            settings
                .config()
                .buildSettings()
                .withPoll(Config.LOCAL_POLL)
                .withHolders(HOLDERS)
                .withRerun(RERUN),
            clock,
            Sleeper.SYSTEM);
    LocalBackend backend =
        new LocalBackend(
            settings, trino, ownsTrino, metastore, engine, builder, layout, store, catalog);
    if (settings.config().minPreviousRowsPercent() > 0) {
      // The builder counts a month's rows on the long-lived table, as on Athena.
      try {
        backend.defineDestinationTable();
      } catch (RuntimeException e) {
        try {
          engine.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }
    return backend;
  }

  public PartitionBuilder builder() {
    return builder;
  }

  public TableLayout layout() {
    return layout;
  }

  public LocalObjectStore store() {
    return store;
  }

  /** The warehouse's month locks, judged by this machine's processes. */
  public MonthLocks locks(Clock clock) {
    return new MonthLocks(layout, store, clock, HOLDERS);
  }

  /** A warehouse's month locks without starting the engine, for {@code unlock}. */
  public static MonthLocks locks(TableNames names, Path warehouse, Clock clock) {
    Path root = warehouse.toAbsolutePath().normalize();
    return new MonthLocks(layout(names, root), new LocalObjectStore(root), clock, HOLDERS);
  }

  private static TableLayout layout(TableNames names, Path warehouse) {
    return new TableLayout(
        names.database(),
        names.sourceTable(),
        names.destinationTable(),
        storageRoot(warehouse),
        names.prefix());
  }

  /**
   * The layout of the long-lived table {@code destination} in the warehouse, which stands for its
   * bucket: each month where the table's partitioning puts it.
   */
  private static TableLayout layout(TableNames names, Path warehouse, HiveDdl destination) {
    MonthPartitioning partitioning = MonthPartitioning.of(definition(destination));
    if (!partitioning.root().equals(names.prefix())) {
      throw new ConfigException(
          "Cannot build monthly partitions of "
              + destination.database()
              + "."
              + destination.table()
              + ": its LOCATION "
              + destination.location().orElse("")
              + " is not below "
              + Config.DST_PREFIX
              + "="
              + names.prefix()
              + " (write it as s3://{{destination_bucket}}/{{destination_prefix}})");
    }
    return new TableLayout(
        names.database(),
        names.sourceTable(),
        names.destinationTable(),
        storageRoot(warehouse),
        names.prefix(),
        partitioning);
  }

  /**
   * What the builder reads of the long-lived table {@code ddl}: its LOCATION, partition keys and
   * properties.
   */
  public static TableDefinition definition(HiveDdl ddl) {
    return new TableDefinition(
        ddl.database() + "." + ddl.table(),
        ddl.location().orElse(""),
        ddl.partitionColumns().stream()
            .map(c -> new TableDefinition.Column(c.name(), c.hiveType()))
            .toList(),
        ddl.tableProperties());
  }

  /**
   * The long-lived table as its DDL ({@code file}, else the bundled one) describes it in {@code
   * bucket}, for commands that plan for AWS without reading Glue ({@code plan}).
   */
  public static TableDefinition destinationDefinition(
      Optional<Path> file, String database, String table, String bucket, String prefix) {
    return definition(
        readDdl(
            file,
            BUNDLED_DESTINATION_DDL,
            Map.of(
                "database",
                database,
                "destination_table",
                table,
                "destination_bucket",
                bucket,
                "destination_prefix",
                prefix)));
  }

  private static String storageRoot(Path warehouse) {
    // The location goes into the CTAS as a SQL literal: percent-encode the one character that could
    // end it.
    String root = warehouse.toUri().toString().replace("'", "%27");
    return root.endsWith("/") ? root : root + "/";
  }

  /** How far the query running now has got; empty between queries. Safe to call from any thread. */
  public Optional<QueryProgress> queryProgress() {
    return engine.progress();
  }

  /** The engine this backend runs on, for reading what was built. */
  public TrinoEngine trino() {
    return trino;
  }

  /** Cancels a query still running, then stops the engine if this backend started it. */
  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      if (ownsTrino) {
        try {
          trino.close();
        } finally {
          deleteTree(metastore);
        }
      }
    }
  }

  /**
   * {@code 1GB}, {@code 512MB}, {@code 1.5GiB} as bytes; KB, MB, GB are 1024-based, as in Trino's
   * sizes.
   */
  static OptionalLong memoryLimitBytes(Optional<String> limit) {
    if (limit.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher m = SIZE.matcher(limit.get());
    if (!m.matches()) {
      throw new ConfigException(
          "memory limit \"" + limit.get() + "\" is not a size such as 1GB or 512MB");
    }
    int shift =
        switch (m.group(2).toUpperCase(java.util.Locale.ROOT).replace("I", "")) {
          case "B" -> 0;
          case "KB" -> 10;
          case "MB" -> 20;
          case "GB" -> 30;
          default -> 40;
        };
    return OptionalLong.of(
        new java.math.BigDecimal(m.group(1))
            .multiply(java.math.BigDecimal.valueOf(1L << shift))
            .longValue());
  }

  private static final Pattern SIZE =
      Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)");

  private static void deleteKeepingFailure(Path dir, RuntimeException failure) {
    try {
      deleteTree(dir);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot remove the local metastore " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The source table's DDL, its placeholders filled in: the settings' names, and a stand-in S3
   * location that {@link TrinoEngine#defineExternalTable} moves to the source directory.
   */
  private static HiveDdl sourceDdl(Optional<Path> file, TableNames names) {
    return readDdl(
        file,
        BUNDLED_SOURCE_DDL,
        Map.of(
            "database",
            names.database(),
            "source_table",
            names.sourceTable(),
            "source_bucket",
            "local-source",
            "source_prefix",
            ""));
  }

  /**
   * Which files of the source directory hold a month, as the source table's DDL ({@code file}, else
   * the bundled one) lays them out, for commands that look before the engine starts.
   */
  public static SourceMonthFiles sourceMonthFiles(Optional<Path> file, TableNames names) {
    return SourceMonthFiles.of(sourceDdl(file, names));
  }

  /**
   * A table's DDL, {@code file} or else the classpath's {@code bundled} one, with its {@code
   * {{name}}} placeholders filled in from {@code values}.
   */
  public static HiveDdl readDdl(Optional<Path> file, String bundled, Map<String, String> values) {
    UnaryOperator<String> render =
        ddl -> {
          for (Map.Entry<String, String> value : values.entrySet()) {
            ddl = ddl.replace("{{" + value.getKey() + "}}", value.getValue());
          }
          return ddl;
        };
    if (file.isPresent()) {
      try {
        return HiveDdl.parse(
            render.apply(Files.readString(file.get(), StandardCharsets.UTF_8)),
            file.get().toString());
      } catch (IOException e) {
        throw new ConfigException(
            "Cannot read the table DDL " + file.get() + ": " + FileProblem.why(file.get(), e), e);
      }
    }
    try (InputStream in = LocalBackend.class.getClassLoader().getResourceAsStream(bundled)) {
      if (in == null) {
        throw new IllegalStateException(
            "The bundled DDL " + bundled + " is missing from the classpath");
      }
      return HiveDdl.parse(
          render.apply(new String(in.readAllBytes(), StandardCharsets.UTF_8)),
          "bundled " + bundled);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The long-lived table's DDL, its placeholders filled in with the settings' names and a stand-in
   * bucket.
   */
  private static HiveDdl destinationDdl(Optional<Path> file, TableNames names) {
    return readDdl(
        file,
        BUNDLED_DESTINATION_DDL,
        Map.of(
            "database",
            names.database(),
            "destination_table",
            names.destinationTable(),
            "destination_bucket",
            Config.LOCAL_DST_BUCKET,
            "destination_prefix",
            names.prefix()));
  }

  /**
   * Defines the long-lived table from its DDL (the settings', else the bundled {@value
   * #BUNDLED_DESTINATION_DDL}) over the warehouse, as Athena defines it over the destination
   * bucket: its LOCATION and partition projection's storage.location.template now point at {@code
   * <warehouse>/<prefix>}, where the builds write each month.
   *
   * @return the table's database and name, as the DDL gives them
   */
  public String defineDestinationTable() {
    TableNames names = settings.names();
    HiveDdl ddl = destinationDdl(settings.destinationDdl(), names);
    Path root = settings.warehouse().toAbsolutePath().normalize().resolve(names.prefix());
    try {
      trino.defineExternalTable(ddl, root);
      if (!layout.partitioning().projected()) {
        catalog.registerPartitions(
            ddl.database(),
            ddl.table(),
            ddl.partitionColumns().stream().map(HiveDdl.Column::name).toList());
      }
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException(
          "Cannot define the local destination table "
              + ddl.database()
              + "."
              + ddl.table()
              + ": "
              + TrinoEngine.message(e),
          e);
    }
    return ddl.database() + "." + ddl.table();
  }

  /**
   * Runs one statement on the engine in the settings' Glue database, in UTC as Athena does.
   *
   * @throws QueryFailedException with Trino's message when the statement fails
   */
  public QueryRows query(String sql) {
    requireNonNull(sql, "sql is null");
    try {
      return QueryRows.of(trino.execute(trino.sessionIn(settings.names().database()), sql));
    } catch (RuntimeException e) {
      throw new QueryFailedException(TrinoEngine.message(e), e);
    }
  }
}
