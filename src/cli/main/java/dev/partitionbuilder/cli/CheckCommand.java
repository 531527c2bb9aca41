package dev.partitionbuilder.cli;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.local.LocalBackend;
import dev.partitionbuilder.local.trino.CtasOutput;
import dev.partitionbuilder.local.trino.HiveDdl;
import dev.partitionbuilder.local.trino.QueryFailedException;
import dev.partitionbuilder.sample.SampleData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks that a deploy would work, like {@code dbt debug}: the configuration, both tables' DDLs and
 * the CTAS template together, the rendered SQL on the local engine (its output columns against the
 * long-lived table's), a run on a small sample, and with {@code --aws} what AWS holds. A line per
 * check; exits 0 when no check failed.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    header = "Checks that a deploy would work: locally, and on AWS with --aws.",
    description = {
      "Checks that a deploy would work (configuration, DDLs, template, SQL; AWS with --aws).",
      "Checks the configuration, the source and destination DDLs and the CTAS template together; the rendered "
          + "SQL on the local engine, its output columns and types against the destination DDL, and a run on a "
          + "small sample (nothing kept); with --aws also the Athena workgroup, the Glue tables, the S3 locations "
          + "and the queue, with your credentials and read-only calls.",
      "Prints a line per check: ok, FAIL: <why and what to do>, or skipped: <why>. Exits 0 when no check failed "
          + "(a skip never blocks a deploy), 1 when one did."
    })
final class CheckCommand implements Callable<Integer> {
  static final String CONFIGURATION = "configuration";
  static final String SOURCE_DDL = "source DDL";
  static final String DESTINATION_DDL = "destination DDL";
  static final String TEMPLATE = "CTAS template";
  static final String RENDERED = "rendered SQL";
  static final String ANALYSIS = "query on Trino";
  static final String COLUMNS = "output columns";
  static final String SAMPLE = "sample run";
  static final String AWS = "AWS";
  private static final List<String> LOCAL =
      List.of(SOURCE_DDL, DESTINATION_DDL, TEMPLATE, RENDERED, ANALYSIS, COLUMNS, SAMPLE);

  /**
   * Events of the generated CloudTrail sample: enough for every guard, a second or two to write and
   * read.
   */
  static final int SAMPLE_EVENTS = 2_000;

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(
      names = "--source-ddl",
      paramLabel = "FILE",
      description = "the source table's DDL (default: the bundled " + "ddl/cloudtrail_daily.sql)")
  Path sourceDdl;

  @Option(
      names = "--destination-ddl",
      paramLabel = "FILE",
      description =
          "the long-lived table's DDL (default: "
              + LocalEngineOptions.DST_TABLE_DDL
              + " from --config, else the bundled ddl/cloudtrail_monthly.sql)")
  Path destinationDdl;

  @Option(
      names = "--template",
      paramLabel = "FILE",
      description =
          "the CTAS template (default: CTAS_TEMPLATE from " + "--config, else the bundled one)")
  Path template;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      description =
          "the source table's files for the sample run, laid out "
              + "as its DDL's LOCATION reads them (default: a small CloudTrail sample for the bundled source DDL; with a source "
              + "DDL of your own and no --source the query is only analysed)")
  Path source;

  @Option(
      names = "--month",
      paramLabel = "YYYY-MM",
      description =
          "the month to render and run (default: last month, "
              + "in SCHEDULE_TIME_ZONE, as the schedule would build it)")
  String month;

  @Option(
      names = "--aws",
      description =
          "also check AWS with your credentials and read-only calls: the workgroup "
              + "(GetWorkGroup), both tables in Glue (GetTable), the S3 locations (ListObjectsV2) and the queue "
              + "(GetQueueAttributes); region from AWS_REGION (--config or the environment)")
  boolean aws;

  @Option(
      names = "--queue-url",
      paramLabel = "URL",
      description =
          "with --aws, the trigger queue to check (the " + "stack's TriggerQueueUrl output)")
  URI queueUrl;

  /** A table's DDL as read for the check: null members when it could not be read. */
  private record Ddl(HiveDdl ddl, Optional<Path> file) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    boolean verbose = spec.root().userObject() instanceof Main main && main.verbose;
    CheckReport report = new CheckReport(out, verbose ? spec.commandLine().getErr() : null);
    Map<String, String> values;
    Config cfg;
    try {
      values = config.values();
      cfg = config.load();
      report.ok(
          CONFIGURATION,
          (config.file == null ? "the environment" : config.file + " and the environment")
              + ": workgroup "
              + cfg.workgroup()
              + ", "
              + cfg.database()
              + "."
              + cfg.sourceTable()
              + " into "
              + cfg.database()
              + "."
              + cfg.destinationTable()
              + " at s3://"
              + cfg.bucket()
              + "/"
              + cfg.prefix());
    } catch (ConfigException e) {
      report.fail(CONFIGURATION, e.getMessage(), e);
      LOCAL.forEach(check -> report.skip(check, "needs a valid configuration (above)"));
      report.skip(AWS, "needs a valid configuration (above)");
      report.summary(aws);
      return Main.REJECTED;
    }
    YearMonth ym =
        month == null
            ? YearMonth.from(ZonedDateTime.now(cfg.scheduleTimeZone())).minusMonths(1)
            : MonthRange.month(month);
    AwsChecks.Clients clients = null;
    try {
      Ddl src = sourceDdl(report, cfg, values);
      Ddl dst = destinationDdl(report, cfg, values);
      TableLayout layout =
          dst.ddl() == null ? cfg.layout() : cfg.layout(LocalBackend.definition(dst.ddl()));
      AwsChecks.Credentials credentials = aws ? AwsChecks.Credentials.find(values) : null;
      if (aws && credentials.found()) {
        clients = AwsChecks.Clients.create(values);
      }
      Optional<String> text = template(report, cfg, clients);
      String sql = null;
      if (text.isPresent()) {
        sql = rendered(report, CtasTemplate.parse(text.get(), templateName(cfg)), layout, ym);
      } else {
        report.skip(RENDERED, "needs the template (above)");
      }
      local(report, cfg, ym, src, dst, text, sql, verbose);
      if (!aws) {
        report.skip(
            AWS,
            "not asked: add --aws to check the workgroup, the Glue tables, the S3 locations and the "
                + "queue with your credentials");
      } else {
        credentials.report(report);
        if (clients != null) {
          new AwsChecks(report, cfg, clients)
              .run(src.ddl(), dst.ddl(), Optional.ofNullable(queueUrl));
        }
      }
    } finally {
      if (clients != null) {
        clients.close();
      }
    }
    report.summary(aws);
    return report.anyFailed() ? Main.REJECTED : 0;
  }

  private Ddl sourceDdl(CheckReport report, Config cfg, Map<String, String> values) {
    Optional<Path> file = Optional.ofNullable(sourceDdl);
    HiveDdl ddl =
        readDdl(
            report,
            SOURCE_DDL,
            "--source-ddl",
            file,
            LocalBackend.BUNDLED_SOURCE_DDL,
            Map.of(
                "database",
                cfg.database(),
                "source_table",
                cfg.sourceTable(),
                "source_bucket",
                values.getOrDefault("SRC_BUCKET", "local-source"),
                "source_prefix",
                values.getOrDefault("SRC_PREFIX", "")));
    if (ddl == null
        || !named(
            report,
            SOURCE_DDL,
            ddl,
            cfg.database(),
            cfg.sourceTable(),
            Config.SRC_TABLE_NAME,
            "{{source_table}}")) {
      return new Ddl(null, file);
    }
    report.ok(
        SOURCE_DDL,
        origin(file, LocalBackend.BUNDLED_SOURCE_DDL)
            + ": "
            + cfg.database()
            + "."
            + cfg.sourceTable()
            + ", "
            + ddl.columns().size()
            + " columns"
            + (ddl.partitionColumns().isEmpty()
                ? ""
                : ", partitioned by " + ColumnComparison.names(ddl.partitionColumns())));
    return new Ddl(ddl, file);
  }

  private Ddl destinationDdl(CheckReport report, Config cfg, Map<String, String> values) {
    Optional<Path> file = LocalEngineOptions.destinationDdl(destinationDdl, values);
    String flag = destinationDdl != null ? "--destination-ddl" : LocalEngineOptions.DST_TABLE_DDL;
    HiveDdl ddl =
        readDdl(
            report,
            DESTINATION_DDL,
            flag,
            file,
            LocalBackend.BUNDLED_DESTINATION_DDL,
            Map.of(
                "database",
                cfg.database(),
                "destination_table",
                cfg.destinationTable(),
                "destination_bucket",
                cfg.bucket(),
                "destination_prefix",
                cfg.prefix()));
    if (ddl == null
        || !named(
            report,
            DESTINATION_DDL,
            ddl,
            cfg.database(),
            cfg.destinationTable(),
            Config.DST_TABLE_NAME,
            "{{destination_table}}")) {
      return new Ddl(null, file);
    }
    TableLayout layout;
    try {
      layout = cfg.layout(LocalBackend.definition(ddl));
    } catch (ConfigException e) {
      report.fail(DESTINATION_DDL, e.getMessage(), e);
      return new Ddl(null, file);
    }
    report.ok(
        DESTINATION_DDL,
        origin(file, LocalBackend.BUNDLED_DESTINATION_DDL)
            + ": "
            + cfg.database()
            + "."
            + cfg.destinationTable()
            + ", "
            + ddl.columns().size()
            + " columns, months "
            + (layout.partitioning().projected() ? "by partition projection" : "as Glue partitions")
            + " below s3://"
            + cfg.bucket()
            + "/"
            + cfg.prefix());
    return new Ddl(ddl, file);
  }

  /** The DDL, or null once its FAIL line is printed. */
  private static HiveDdl readDdl(
      CheckReport report,
      String check,
      String flag,
      Optional<Path> file,
      String bundled,
      Map<String, String> values) {
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      report.fail(
          check,
          flag
              + " "
              + file.get()
              + ": there is no such file; give the path of the table's "
              + "CREATE EXTERNAL TABLE statement");
      return null;
    }
    try {
      return LocalBackend.readDdl(file, bundled, values);
    } catch (ConfigException e) {
      report.fail(
          check,
          e.getMessage() + "; fix the DDL (it must be the CREATE EXTERNAL TABLE Athena runs)",
          e);
      return null;
    }
  }

  /** Whether the DDL creates the table the configuration names (else its FAIL line is printed). */
  private static boolean named(
      CheckReport report,
      String check,
      HiveDdl ddl,
      String database,
      String table,
      String variable,
      String placeholder) {
    boolean sameDatabase = ddl.database() == null || ddl.database().equalsIgnoreCase(database);
    if (sameDatabase && ddl.table().equalsIgnoreCase(table)) {
      return true;
    }
    String created = (ddl.database() == null ? "" : ddl.database() + ".") + ddl.table();
    report.fail(
        check,
        "it creates "
            + created
            + ", but "
            + Config.GLUE_DATABASE
            + " and "
            + variable
            + " name "
            + database
            + "."
            + table
            + ": write the table's name as {{database}}."
            + placeholder
            + " in the DDL, or fix the configuration");
    return false;
  }

  private String templateName(Config cfg) {
    return template != null
        ? template.toString()
        : cfg.ctasTemplate().orElse("bundled " + CtasTemplate.BUNDLED);
  }

  /** The template's text, checked (else its FAIL line is printed and it is empty). */
  private Optional<String> template(CheckReport report, Config cfg, AwsChecks.Clients clients) {
    String name = templateName(cfg);
    String text;
    try {
      if (template != null) {
        text = Files.readString(template, StandardCharsets.UTF_8);
      } else if (cfg.ctasTemplate().isEmpty()) {
        text = null;
      } else if (cfg.ctasTemplate().get().strip().startsWith("s3://")) {
        if (clients == null) {
          report.fail(
              TEMPLATE,
              Config.CTAS_TEMPLATE
                  + "="
                  + cfg.ctasTemplate().get()
                  + " is in S3: "
                  + (aws
                      ? "there are no AWS credentials to read it with (see AWS credentials below)"
                      : "add --aws to read it with your credentials")
                  + ", or pass --template FILE with a copy of it");
          return Optional.empty();
        }
        text = AwsBackend.readTemplate(clients.s3(), cfg.ctasTemplate().get().strip());
      } else {
        text = Files.readString(Path.of(cfg.ctasTemplate().get().strip()), StandardCharsets.UTF_8);
      }
      CtasTemplate checked = text == null ? CtasTemplate.bundled() : CtasTemplate.parse(text, name);
      report.ok(
          TEMPLATE,
          checked.origin() + ": one CREATE TABLE {{temp_table}} ... AS SELECT into {{location}}");
      return Optional.of(text == null ? bundledText() : text);
    } catch (NoSuchFileException e) {
      report.fail(
          TEMPLATE,
          (template != null ? "--template " : Config.CTAS_TEMPLATE + "=")
              + name
              + ": there is no such file",
          e);
    } catch (IOException e) {
      report.fail(TEMPLATE, "Cannot read the CTAS template " + name + ": " + e.getMessage(), e);
    } catch (ConfigException e) {
      report.fail(TEMPLATE, e.getMessage(), e);
    }
    return Optional.empty();
  }

  private static String bundledText() {
    try (var in = CtasTemplate.class.getClassLoader().getResourceAsStream(CtasTemplate.BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(
            "The bundled template " + CtasTemplate.BUNDLED + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The month's SQL as Athena would get it, parsed; null once its FAIL line is printed. */
  private static String rendered(
      CheckReport report, CtasTemplate template, TableLayout layout, YearMonth month) {
    String sql = template.render(layout, month);
    try {
      CtasOutput.select(sql);
    } catch (ConfigException e) {
      report.fail(
          RENDERED,
          "the CTAS for "
              + month
              + " "
              + e.getMessage()
              + "; see it with: partition-builder render "
              + "--month "
              + month,
          e);
      return null;
    }
    report.ok(
        RENDERED,
        "the CTAS for "
            + month
            + " into "
            + layout.tempTable(month)
            + " parses as Athena engine v3 SQL");
    return sql;
  }

  /**
   * On the embedded Trino: the query analysed, its columns compared with the destination DDL, and
   * the month built on a sample by {@code PartitionBuilder.check} (as {@code run --check}), in a
   * scratch directory removed afterwards.
   */
  private void local(
      CheckReport report,
      Config cfg,
      YearMonth month,
      Ddl src,
      Ddl dst,
      Optional<String> text,
      String sql,
      boolean verbose) {
    if (src.ddl() == null || dst.ddl() == null || sql == null) {
      List.of(ANALYSIS, COLUMNS, SAMPLE)
          .forEach(check -> report.skip(check, "needs both DDLs and the template (above)"));
      return;
    }
    Path scratch;
    try {
      scratch = Files.createTempDirectory("partition-builder-check-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a scratch directory for the check: " + e.getMessage(), e);
    }
    try {
      Path sourceDir;
      String sample;
      if (source != null) {
        sourceDir = source;
        sample = source + "'s files";
      } else if (sourceDdl == null) {
        sourceDir = scratch.resolve("source");
        SampleData.Summary written = SampleData.generate(sourceDir, month, SAMPLE_EVENTS, 42);
        sample = String.format(Locale.ROOT, "a sample of %,d CloudTrail lines", written.lines());
      } else {
        sourceDir = Files.createDirectories(scratch.resolve("source"));
        sample = null;
      }
      Path templateFile = scratch.resolve("ctas.sql");
      Files.writeString(templateFile, text.orElseThrow(), StandardCharsets.UTF_8);
      LocalBackend.Settings settings =
          new LocalBackend.Settings(
              cfg,
              sourceDir,
              scratch.resolve("warehouse"),
              src.file(),
              Optional.of(templateFile),
              Optional.empty(),
              Optional.of(scratch),
              verbose,
              dst.file());
      try (LocalBackend backend = LocalBackend.open(settings, Clock.systemUTC())) {
        if (!columns(report, backend, cfg, dst.ddl(), sql, month)) {
          report.skip(SAMPLE, "the query does not run (above)");
        } else if (sample == null) {
          report.skip(
              SAMPLE,
              "no --source for --source-ddl "
                  + sourceDdl
                  + ": the query was analysed, not run; pass "
                  + "--source DIR with some of the table's files to run it");
        } else {
          sampleRun(report, backend, month, sample);
        }
      } catch (ConfigException e) {
        report.fail(ANALYSIS, "Cannot define the tables on the local engine: " + e.getMessage(), e);
        List.of(COLUMNS, SAMPLE)
            .forEach(check -> report.skip(check, "needs the local engine (above)"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the check's scratch files in " + scratch + ": " + e.getMessage(), e);
    } finally {
      deleteTree(scratch);
    }
  }

  /** The analysis and the column comparison; whether the query runs at all. */
  private static boolean columns(
      CheckReport report,
      LocalBackend backend,
      Config cfg,
      HiveDdl destination,
      String sql,
      YearMonth month) {
    List<HiveDdl.Column> written;
    try {
      written = CtasOutput.columns(backend.trino(), cfg.database(), sql);
    } catch (QueryFailedException e) {
      report.fail(
          ANALYSIS,
          "Trino (Athena engine v3's engine) refuses the CTAS's query: "
              + e.getMessage()
              + "; fix the template (its lines as partition-builder render --month "
              + month
              + " prints them)",
          e);
      report.skip(COLUMNS, "the query does not run (above)");
      return false;
    } catch (ConfigException e) {
      report.fail(ANALYSIS, "the CTAS's query " + e.getMessage(), e);
      report.skip(COLUMNS, "the query does not run (above)");
      return false;
    }
    report.ok(
        ANALYSIS,
        "analysed by Trino, Athena engine v3's engine: " + written.size() + " output columns");
    List<String> keys = destination.partitionColumns().stream().map(HiveDdl.Column::name).toList();
    List<String> writesKeys =
        written.stream().map(HiveDdl.Column::name).filter(keys::contains).toList();
    if (!writesKeys.isEmpty()) {
      report.fail(
          COLUMNS,
          "the query writes "
              + String.join(", ", writesKeys)
              + ", the destination's partition "
              + "key(s): a month's partition values come from where its files lie, so drop them from the SELECT");
      return true;
    }
    String differences =
        ColumnComparison.differences(
            written, "the query", destination.columns(), "the destination DDL");
    if (differences.isEmpty()) {
      report.ok(
          COLUMNS,
          "the query writes the destination DDL's "
              + written.size()
              + " columns, in its order, with its "
              + "types");
    } else {
      report.fail(
          COLUMNS,
          differences
              + ": make the template's SELECT and the destination DDL agree (Athena would "
              + "read these files through that DDL)");
    }
    return true;
  }

  @SuppressWarnings("try") // the log context acts while it is open: the body never needs it
  private static void sampleRun(
      CheckReport report, LocalBackend backend, YearMonth month, String sample) {
    BuildRequest request =
        new BuildRequest(
            month,
            "check-" + UUID.randomUUID(),
            false,
            Instant.now().plus(Duration.ofMinutes(Config.DEFAULT_CLI_TIMEOUT_MINUTES)));
    try (MonthLogContext logged = MonthLogContext.of(request)) {
      BuildResult result = backend.builder().check(request);
      // As run --check: every guard a build applies before it replaces anything, then the output
      // deleted.
      report.ok(
          SAMPLE,
          String.format(
              Locale.ROOT,
              "%s on %s: %s rows written from %s read, every guard of a build "
                  + "passed; the output was deleted",
              month,
              sample,
              result.rowsWritten().isPresent()
                  ? String.format(Locale.ROOT, "%,d", result.rowsWritten().getAsLong())
                  : "?",
              Summary.bytes(result.bytesScanned())));
    } catch (PartitionBuilderException e) {
      report.fail(SAMPLE, month + " on " + sample + ": " + e.getMessage(), e);
    }
  }

  private static String origin(Optional<Path> file, String bundled) {
    return file.map(Path::toString).orElse("bundled " + bundled);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot remove the check's scratch directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
