package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.MonthLocks;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.duckdb.DuckDBConnection;

/**
 * The pipeline on this machine: the warehouse directory stands in for the destination bucket,
 * embedded DuckDB for Glue and Athena, and the source table is read from a local directory laid
 * out as in S3. The CTAS template is the very one the Lambda sends to Athena.
 */
public final class LocalBackend implements AutoCloseable {
  /** Classpath location of the bundled source table DDL. */
  public static final String BUNDLED_SOURCE_DDL = "ddl/cloudtrail_daily.sql";

  /**
   * @param memoryLimit DuckDB's {@code memory_limit}, such as {@code 1GB}, or empty for its default
   * @param tempDirectory where DuckDB spills when over the memory limit
   * @param lockLease how long a month's lock holds if its build never releases it and its process
   *     is not known to be gone ({@value Config#LOCK_LEASE_SECONDS})
   */
  public record Settings(
      TableNames names,
      Path sourceDirectory,
      Path warehouse,
      Optional<Path> sourceDdl,
      Optional<Path> template,
      Optional<String> memoryLimit,
      Optional<Path> tempDirectory,
      long minRows,
      Duration lockLease) {
    /** Settings that need at least {@value Config#DEFAULT_MIN_ROWS} row(s) to replace a partition. */
    public Settings(TableNames names, Path sourceDirectory, Path warehouse, Optional<Path> sourceDdl,
        Optional<Path> template, Optional<String> memoryLimit, Optional<Path> tempDirectory) {
      this(names, sourceDirectory, warehouse, sourceDdl, template, memoryLimit, tempDirectory, Config.DEFAULT_MIN_ROWS);
    }

    /** Settings whose locks hold {@value Config#DEFAULT_LOCK_LEASE_SECONDS} s. */
    public Settings(TableNames names, Path sourceDirectory, Path warehouse, Optional<Path> sourceDdl,
        Optional<Path> template, Optional<String> memoryLimit, Optional<Path> tempDirectory, long minRows) {
      this(names, sourceDirectory, warehouse, sourceDdl, template, memoryLimit, tempDirectory, minRows,
          Duration.ofSeconds(Config.DEFAULT_LOCK_LEASE_SECONDS));
    }

    public Settings {
      if (minRows < 0) {
        throw new ConfigException("MIN_ROWS=" + minRows + " must be 0 or more (0 accepts an empty month)");
      }
      requireNonNull(names, "names is null");
      requireNonNull(sourceDirectory, "sourceDirectory is null");
      requireNonNull(warehouse, "warehouse is null");
      requireNonNull(sourceDdl, "sourceDdl is null");
      requireNonNull(template, "template is null");
      requireNonNull(memoryLimit, "memoryLimit is null");
      requireNonNull(tempDirectory, "tempDirectory is null");
      requireNonNull(lockLease, "lockLease is null");
      if (lockLease.isNegative() || lockLease.isZero()) {
        throw new ConfigException(Config.LOCK_LEASE_SECONDS + "=" + lockLease.toSeconds() + " must be 1 or more");
      }
      memoryLimit.ifPresent(limit -> {
        if (!limit.matches("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)")) {
          throw new ConfigException("memory limit \"" + limit + "\" is not a size such as 1GB or 512MB");
        }
      });
    }
  }

  /** The Glue names of the tables and the destination's key prefix, checked as the Lambda checks them. */
  public record TableNames(String database, String sourceTable, String destinationTable, String prefix) {
    public static final TableNames CLOUDTRAIL =
        new TableNames("cloudtrail", "cloudtrail_daily", "cloudtrail_monthly", "cloudtrail_monthly/");

    public TableNames {
      Config.requireGlueName(Config.GLUE_DATABASE, database);
      Config.requireGlueName(Config.SRC_TABLE_NAME, sourceTable);
      Config.requireGlueName(Config.DST_TABLE_NAME, destinationTable);
      Config.requirePrefix(prefix);
    }

    /** The Lambda's variables where set, the CloudTrail example's names where not. */
    public static TableNames fromEnvironment(java.util.Map<String, String> env) {
      return new TableNames(
          env.getOrDefault(Config.GLUE_DATABASE, CLOUDTRAIL.database()),
          env.getOrDefault(Config.SRC_TABLE_NAME, CLOUDTRAIL.sourceTable()),
          env.getOrDefault(Config.DST_TABLE_NAME, CLOUDTRAIL.destinationTable()),
          env.getOrDefault(Config.DST_PREFIX, CLOUDTRAIL.prefix()));
    }
  }

  /** This process, named once: asking the OS for the host name and start instant is not free. */
  private static final LocalHolders HOLDERS = LocalHolders.ofThisProcess();

  private final DuckDBConnection duckdb;
  private final Consumer<java.sql.Connection> install;
  private final DuckDbQueryEngine engine;
  private final PartitionBuilder builder;
  private final TableLayout layout;
  private final LocalObjectStore store;

  private LocalBackend(DuckDBConnection duckdb, Consumer<java.sql.Connection> install, DuckDbQueryEngine engine,
      PartitionBuilder builder, TableLayout layout, LocalObjectStore store) {
    this.duckdb = duckdb;
    this.install = install;
    this.engine = engine;
    this.builder = builder;
    this.layout = layout;
    this.store = store;
  }

  /** The local backend running Athena's SQL: Trino functions provided on DuckDB. */
  public static LocalBackend open(Settings settings, Clock clock) {
    return open(settings, TrinoDialect::install, TrinoDialect::translate, clock);
  }

  /** With another SQL dialect: {@code install} prepares the connection, {@code translate} each query. */
  static LocalBackend open(Settings settings, UnaryOperator<String> translate, Clock clock) {
    return open(settings, LocalBackend::utc, translate, clock);
  }

  private static LocalBackend open(Settings settings, Consumer<java.sql.Connection> install,
      UnaryOperator<String> dialect, Clock clock) {
    requireNonNull(settings, "settings is null");
    TableNames names = settings.names();
    CtasTemplate template = CtasTemplate.load(settings.template().map(Path::toString), uri -> {
      throw new ConfigException("not supported locally: template " + uri + " (give a file path)");
    });
    HiveDdl ddl = sourceDdl(settings.sourceDdl());
    Path warehouse = settings.warehouse().toAbsolutePath().normalize();
    try {
      Files.createDirectories(warehouse);
    } catch (IOException e) {
      throw new ConfigException("Cannot create the warehouse directory " + warehouse + ": " + e.getMessage(), e);
    }
    TableLayout layout = layout(names, warehouse);
    DuckDBConnection duckdb = connect(settings);
    try {
      install.accept(duckdb);
      try (Statement statement = duckdb.createStatement()) {
        for (String sql : LocalSourceTable.statements(names.database(), names.sourceTable(), ddl,
            settings.sourceDirectory().toAbsolutePath().normalize())) {
          statement.execute(sql);
        }
      }
      DuckDbQueryEngine engine = new DuckDbQueryEngine(duckdb, install, dialect, clock);
      LocalObjectStore store = new LocalObjectStore(warehouse);
      PartitionBuilder builder = new PartitionBuilder(layout, template, store, new LocalCatalog(duckdb), engine,
          BuildSettings.defaults(new PollPolicy(Duration.ofMillis(50), Duration.ofMillis(500)))
              .withMinRows(settings.minRows()).withLockLease(settings.lockLease()).withHolders(HOLDERS), clock,
          Sleeper.SYSTEM);
      return new LocalBackend(duckdb, install, engine, builder, layout, store);
    } catch (SQLException | RuntimeException e) {
      try {
        duckdb.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new ConfigException("Cannot define the local source table " + names.sourceTable() + ": " + e.getMessage(), e);
    }
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
    // The location goes into the CTAS as a SQL literal: percent-encode the one character that could end it.
    String root = warehouse.toUri().toString().replace("'", "%27");
    return new TableLayout(names.database(), names.sourceTable(), names.destinationTable(),
        root.endsWith("/") ? root : root + "/", names.prefix());
  }

  /** A second connection to the same database, prepared like the engine's, for reading what was built. */
  public java.sql.Connection connection() throws SQLException {
    java.sql.Connection connection = duckdb.duplicate();
    install.accept(connection);
    return connection;
  }

  private static void utc(java.sql.Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
    } catch (SQLException e) {
      throw new ConfigException("Cannot set the DuckDB session time zone to UTC: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws SQLException {
    engine.close();
    duckdb.close();
  }

  private static DuckDBConnection connect(Settings settings) {
    try {
      DuckDBConnection duckdb = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      try (Statement statement = duckdb.createStatement()) {
        // Timestamps are UTC, as in Athena, whatever the host's zone.
        statement.execute("SET TimeZone = 'UTC'");
        // Row order within a file carries no meaning in a table: let DuckDB stream instead of buffer.
        statement.execute("SET preserve_insertion_order = false");
        if (settings.memoryLimit().isPresent()) {
          statement.execute("SET memory_limit = '" + settings.memoryLimit().get() + "'");
        }
        if (settings.tempDirectory().isPresent()) {
          statement.execute("SET temp_directory = " + SqlToken.quote(settings.tempDirectory().get().toAbsolutePath().toString()));
        }
      }
      return duckdb;
    } catch (SQLException e) {
      throw new ConfigException("Cannot start the embedded DuckDB: " + e.getMessage(), e);
    }
  }

  private static HiveDdl sourceDdl(Optional<Path> file) {
    if (file.isPresent()) {
      try {
        return HiveDdl.parse(Files.readString(file.get(), StandardCharsets.UTF_8), file.get().toString());
      } catch (IOException e) {
        throw new ConfigException("Cannot read the source table DDL " + file.get() + ": " + e.getMessage(), e);
      }
    }
    try (InputStream in = LocalBackend.class.getClassLoader().getResourceAsStream(BUNDLED_SOURCE_DDL)) {
      if (in == null) {
        throw new IllegalStateException("The bundled DDL " + BUNDLED_SOURCE_DDL + " is missing from the classpath");
      }
      return HiveDdl.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + BUNDLED_SOURCE_DDL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
