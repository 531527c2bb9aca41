package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.MonthBusyException;
import dev.partitionbuilder.core.MonthFormat;
import dev.partitionbuilder.core.MonthLocks;
import dev.partitionbuilder.core.MonthPartitioning;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.RunSummary;
import dev.partitionbuilder.core.SafeText;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.local.FileProblem;
import dev.partitionbuilder.local.LocalBackend;
import dev.partitionbuilder.local.SourceMonthFiles;
import dev.partitionbuilder.local.trino.QueryProgress;
import dev.partitionbuilder.sample.SampleData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Rebuilds one month, or a range, with the same PartitionBuilder as the Lambda. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Rebuilds monthly partitions, locally (embedded Trino) or on Athena.",
    description =
        "Rebuilds monthly partitions. The default engine is local: embedded Trino runs the same CTAS "
            + "template as Athena, over NDJSON files laid out as in S3, writing Parquet as Athena would.")
final class RunCommand implements Callable<Integer> {
  private final Interruptions interruptions;

  RunCommand(Interruptions interruptions) {
    this.interruptions = requireNonNull(interruptions, "interruptions is null");
  }

  static final Path DEFAULT_SOURCE = Path.of("local", "cloudtrail_daily");

  /**
   * What builds a month again after a run left work to finish: no message is delivered again here.
   */
  static final String RERUN = LocalBackend.RERUN;

  enum Engine {
    local,
    athena
  }

  static final class Months {
    @Option(
        names = "--month",
        paramLabel = "YYYY-MM",
        description = "the month to rebuild, such as 2024-03")
    String month;

    @ArgGroup(exclusive = false)
    Range range;
  }

  static final class Range {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "YYYY-MM",
        description = "first month of a range")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "YYYY-MM",
        description = "last month of a range")
    String to;
  }

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;
  @Mixin LocalEngineOptions local;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Months months;

  @Option(
      names = "--engine",
      defaultValue = "local",
      description = "local (default) or athena (the Lambda's AWS setup)")
  Engine engine;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      description =
          "the source table's files, laid out as its DDL's LOCATION reads them; a month with no file "
              + "there is refused before the engine starts. Without it: local/cloudtrail_daily, where sample CloudTrail "
              + "is generated for a month that has none (bundled source DDL only; see --events and --regenerate)")
  Path source;

  @Option(
      names = "--template",
      paramLabel = "FILE",
      description = "the CTAS template (default: the bundled one, " + "or CTAS_TEMPLATE)")
  Path template;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "" + SampleData.DEFAULT_EVENTS,
      description =
          "events per month when sample data is generated: for a month that has none, or with "
              + "--regenerate (default: ${DEFAULT-VALUE})")
  int events;

  @Option(
      names = "--regenerate",
      description =
          "generate the sample CloudTrail of every month of the run again, "
              + "replacing the files it has in local/cloudtrail_daily (only without --source and --source-ddl)")
  boolean regenerate;

  @Option(
      names = "--yes",
      description = "rebuild a range of more than " + MonthRange.MAX_MONTHS + " months")
  boolean yes;

  @Option(
      names = "--check",
      description =
          "run each month's query and every check a build makes before it "
              + "replaces anything (MIN_ROWS, MIN_PREVIOUS_ROWS_PERCENT, MAX_SCAN_BYTES), then delete the query's output: "
              + "nothing is replaced")
  boolean check;

  @Option(
      names = "--json",
      description =
          "print the summary as JSON on stdout (failed months included) and "
              + "nothing else; logs and progress stay on stderr")
  boolean json;

  @Option(
      names = "--min-rows",
      paramLabel = "N",
      description =
          "fewest rows a month's query must write to replace "
              + "its partition; 0 accepts an empty month (default: MIN_ROWS from --config or the environment, else "
              + Config.DEFAULT_MIN_ROWS
              + ")")
  Long minRows;

  @Option(
      names = "--timeout",
      paramLabel = "MINUTES",
      defaultValue = "" + Config.DEFAULT_CLI_TIMEOUT_MINUTES,
      description =
          "wait at most this long for a month's query; with --engine athena a query still running then "
              + "is left running and the same command resumes it (default: ${DEFAULT-VALUE})")
  long timeoutMinutes;

  /** One day: longer than any month's build; the month's lock is held until two minutes past it. */
  static final long MAX_TIMEOUT_MINUTES = 1_440;

  @Override
  @SuppressWarnings(
      "try") // the status bar is drawn while it is open: the try's body never needs it
  public Integer call() throws Exception {
    if (timeoutMinutes < 1 || timeoutMinutes > MAX_TIMEOUT_MINUTES) {
      throw new ConfigException(
          "--timeout "
              + timeoutMinutes
              + " must be from 1 to "
              + MAX_TIMEOUT_MINUTES
              + " minutes (MAX_TIMEOUT_MINUTES, one day)");
    }
    if (events < 0) {
      throw new ConfigException("--events " + events + " must be 0 or more");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<YearMonth> range = months();
    if (engine == Engine.athena) {
      return buildOnAthena(range, out, err);
    }
    // One check of the configuration for every command: the values set, checked as for the Lambda.
    Config cfg = config.local(flags());
    LocalBackend.TableNames names = LocalBackend.TableNames.of(cfg);
    Optional<Path> sourceDdl = local.sourceDdl();
    Optional<Path> destinationDdl = local.destinationDdl(config.values());
    // A month the long-lived table cannot hold is refused before any sample is generated for it.
    MonthPartitioning partitioning =
        MonthPartitioning.of(
            LocalBackend.destinationDefinition(
                destinationDdl,
                names.database(),
                names.destinationTable(),
                Config.LOCAL_DST_BUCKET,
                names.prefix()));
    range.forEach(partitioning::prefix);
    Optional<Path> template = template(cfg);
    Path sourceDir = source == null ? DEFAULT_SOURCE : source;
    if (source == null && sourceDdl.isEmpty()) {
      generateMissingSamples(range, sourceDir, err);
    } else {
      refuseUsedOnlyForSamples(sourceDdl);
      requireSourceFiles(range, sourceDir, sourceDdl, names);
    }
    LocalBackend.Settings settings =
        new LocalBackend.Settings(
            cfg,
            sourceDir,
            local.warehouse,
            sourceDdl,
            template,
            Optional.ofNullable(local.memoryLimit),
            Optional.ofNullable(local.tempDir),
            spec.root().userObject() instanceof Main main && main.verbose,
            destinationDdl);
    Path table = local.warehouse.resolve(settings.names().prefix());
    MonthLocks locks;
    int code;
    LocalBackend backend;
    try (Progress.Bar starting =
        new Progress(screen(), err, Progress.INTERVAL).status("Starting the local engine")) {
      backend = LocalBackend.open(settings, Clock.systemUTC());
    }
    try (LocalBackend local = backend) {
      locks = local.locks(Clock.systemUTC());
      code =
          build(
              local.builder(),
              range,
              out,
              err,
              table + "/",
              built(local.layout(), key -> settings.warehouse().resolve(key) + "/"),
              false,
              Optional.of(local::queryProgress));
    }
    if (stopped != null) {
      // Reported once the backend is closed, which stops a local query still running.
      return stopped.report(err, screen().err(), locks, "; its local query stopped");
    }
    // Only when every month was built: after a failure, the table holds a month as it was before.
    if (!json && code == 0 && !check) {
      out.println(queryIt(settings));
    }
    return code;
  }

  private int buildOnAthena(List<YearMonth> range, PrintWriter out, PrintWriter err) {
    if (regenerate) {
      throw new ConfigException(
          "--regenerate writes local sample data: it has no meaning with --engine athena, "
              + "which reads the source table in S3; leave it out");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--events")) {
      err.println(
          "partition-builder: --events "
              + events
              + " ignored: --engine athena reads the source table in S3");
    }
    Config cfg = config.load(flags());
    AwsClients clients =
        new AwsSetup(config.values(), "Cannot build with --engine athena").clients();
    PartitionBuilder builder =
        AwsBackend.partitionBuilder(
            cfg, cfg.buildSettings().withRerun(RERUN), clients, Clock.systemUTC(), Sleeper.SYSTEM);
    MonthLocks locks = AwsBackend.monthLocks(cfg, clients, Clock.systemUTC());
    TableLayout layout = builder.layout();
    int code =
        build(
            builder,
            range,
            out,
            err,
            layout.location(cfg.prefix()),
            built(layout, layout::location),
            true,
            Optional.empty());
    return stopped == null ? code : stopped.report(err, screen().err(), locks, "");
  }

  /**
   * Generates the bundled sample of each month that has none yet, or of every month with
   * --regenerate.
   */
  private void generateMissingSamples(List<YearMonth> range, Path sourceDir, PrintWriter err)
      throws IOException {
    boolean eventsGiven = spec.commandLine().getParseResult().hasMatchedOption("--events");
    for (YearMonth month : range) {
      Path monthDir = sourceDir.resolve(MonthFormat.path(month));
      long files = fileCount(monthDir);
      if (files > 0 && !regenerate) {
        if (eventsGiven) {
          err.printf(
              "partition-builder: %s already has %,d files under %s: --events %d ignored; --regenerate "
                  + "replaces them%n",
              month, files, monthDir, events);
        }
        continue;
      }
      if (files > 0) {
        err.printf(
            "Regenerating the sample of %s under %s (--regenerate): %,d sample CloudTrail events replace its "
                + "%,d files...%n",
            month, sourceDir, events, files);
      } else {
        err.printf(
            "No source data for %s under %s: generating %,d sample CloudTrail events...%n",
            month, sourceDir, events);
      }
      long start = System.nanoTime();
      SampleData.Summary sample;
      try (Progress.SampleBar bar =
          new Progress(screen(), err, Progress.INTERVAL).sample(month, events)) {
        sample = SampleData.generate(sourceDir, month, events, 42, bar);
      }
      err.printf(
          "  %,d lines (%,d malformed on purpose) in %d files, %s, %.1f s%n",
          sample.lines(),
          sample.malformedLines(),
          sample.files(),
          Summary.bytes(sample.bytes()),
          (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * The query command that reads what run built, with the flags it needs to find the same table.
   */
  private String queryIt(LocalBackend.Settings settings) {
    return "Query it: ./partition-builder query \"SELECT count(*) FROM "
        + settings.names().database()
        + "."
        + settings.names().destinationTable()
        + "\""
        + (local.warehouse.equals(LocalEngineOptions.DEFAULT_WAREHOUSE)
            ? ""
            : " --warehouse " + local.warehouse)
        + (config.file == null ? "" : " --config " + config.file)
        // A template of one's own writes a table of one's own: the bundled DDL would not describe
        // it,
        // unless --destination-ddl or the configuration's DST_TABLE_DDL names its own.
        + (local.destinationDdl != null
            ? " --destination-ddl " + local.destinationDdl
            : settings.destinationDdl().isPresent()
                    || settings.template().isEmpty() && settings.sourceDdl().isEmpty()
                ? ""
                : " --destination-ddl <your table's DDL>");
  }

  /** The flags that stand for a variable of the configuration, which checks them by its rules. */
  private List<Config.Flag> flags() {
    return minRows == null
        ? List.of()
        : List.of(new Config.Flag("--min-rows", Config.MIN_ROWS, minRows.toString()));
  }

  /** A build cut short by a signal: what the command says about it, once the work has unwound. */
  private Stopped stopped;

  private record Stopped(
      String signal,
      int exitCode,
      YearMonth month,
      String requestKey,
      String why,
      String unlockCommand) {
    /**
     * Says in one line what the signal stopped and what it left, from what the store holds now. A
     * lock this run still holds is released here: the build has ended, and its own release can fail
     * when the thread was interrupted in the middle of reading or writing a file.
     */
    int report(PrintWriter err, Screen.Paint paint, MonthLocks locks, String query) {
      String lock;
      if (month == null) {
        lock = "";
      } else {
        try {
          locks.releaseIfOwnedBy(month, requestKey);
          Optional<MonthLocks.Found> left = locks.find(month);
          lock =
              left.isPresent()
                      && left.get().lease().map(l -> l.owner().equals(requestKey)).orElse(false)
                  ? "; its lock is still held: remove it with: " + unlockCommand
                  : "; lock released";
        } catch (RuntimeException e) {
          lock =
              "; its lock may be left ("
                  + e.getMessage()
                  + "): if so, remove it with: "
                  + unlockCommand;
        }
        lock +=
            locks
                .savedState(month)
                .map(
                    state ->
                        "; saved build state kept in "
                            + state
                            + " (the next run resumes or starts over from it)")
                .orElse("; no saved build state");
      }
      err.println(
          paint.yellow(
              "partition-builder: "
                  + signal
                  + ": stopped "
                  + (month == null ? "" : "building " + month + " ")
                  + "("
                  + why
                  + ")"
                  + query
                  + lock
                  + "; exit "
                  + exitCode));
      return exitCode;
    }
  }

  /**
   * Builds the months in order, printing each one's row as it ends (or, with --json, the whole
   * document at the end), then the totals and where the Parquet files are.
   *
   * @param parquet where the files of the months built (in order, at least one) are, for the line
   *     after the summary
   * @param priced whether the engine is Athena, whose bytes scanned are billed (the summary then
   *     shows the cost)
   * @param query how far the query running now has got, for the progress bar; empty when that
   *     cannot be told
   */
  @SuppressWarnings(
      "try") // the log context, bar and interruption scope act while open: the body never needs
  // them
  private int build(
      PartitionBuilder builder,
      List<YearMonth> range,
      PrintWriter out,
      PrintWriter err,
      String where,
      Function<List<YearMonth>, String> parquet,
      boolean priced,
      Optional<Supplier<Optional<QueryProgress>>> query) {
    Screen screen = screen();
    Progress progress = new Progress(screen, err, Progress.INTERVAL);
    Summary.Table table = new Summary.Table(out, priced, check, screen.out());
    List<RunSummary> runs = new ArrayList<>();
    int failed = 0;
    Optional<YearMonth> stoppedMonth = Optional.empty();
    for (YearMonth month : range) {
      if (interruptions.signal().isPresent()) {
        break;
      }
      BuildRequest request =
          new BuildRequest(
              month,
              "cli-" + UUID.randomUUID(),
              false,
              Instant.now().plus(Duration.ofMinutes(timeoutMinutes)));
      long start = System.nanoTime();
      RunSummary run;
      String reason = "";
      try (MonthLogContext logged = MonthLogContext.of(request);
          Progress.Bar bar =
              query.isPresent()
                  ? progress.month(month, query.get())
                  : progress.status(month + ": building on Athena");
          Interruptions.Scope scope =
              interruptions.working(
                  "building " + month,
                  "if its lock is left, remove it with: " + unlockCommand(month))) {
        BuildResult result = check ? builder.check(request) : builder.build(request);
        run =
            RunSummary.succeeded(
                request.requestKey(), result, Duration.ofNanos(System.nanoTime() - start));
      } catch (PartitionBuilderException e) {
        run =
            RunSummary.failed(
                month, request.requestKey(), e, Duration.ofNanos(System.nanoTime() - start));
        failed++;
        if (interruptions.signal().isPresent()) {
          runs.add(run);
          stoppedMonth = Optional.of(month);
          stop(month, request, e.getMessage());
          break;
        }
        reason = reason(e, month);
        boolean verbose = spec.root().userObject() instanceof Main main && main.verbose;
        if (json || verbose) {
          // stdout is the document's alone, or stderr is a log: the failure is said there too, as
          // it happens.
          err.println(screen.err().red("partition-builder: " + month + " failed: " + reason));
          if (verbose) {
            e.printStackTrace(err);
          }
        }
      }
      runs.add(run);
      if (!json) {
        table.row(run, reason);
      }
      if (interruptions.signal().isPresent()) {
        stop(null, null, month + " was built before it could stop; no later month was started");
        break;
      }
    }
    printTotals(out, table, where, range, runs, stoppedMonth, parquet, priced);
    return failed == 0 ? 0 : Main.REJECTED;
  }

  /**
   * What follows the rows: the JSON document, or the totals line and where the Parquet files are.
   */
  private void printTotals(
      PrintWriter out,
      Summary.Table table,
      String where,
      List<YearMonth> range,
      List<RunSummary> runs,
      Optional<YearMonth> stoppedMonth,
      Function<List<YearMonth>, String> parquet,
      boolean priced) {
    if (json) {
      Summary.printJson(out, engine.name(), where, runs, priced);
    } else {
      table.totals(runs, range.size(), stoppedMonth);
      List<YearMonth> built =
          runs.stream()
              .filter(r -> r.outcome() == RunSummary.Outcome.SUCCEEDED)
              .map(RunSummary::month)
              .toList();
      if (!built.isEmpty()) {
        out.println(
            !check
                ? "Parquet: " + parquet.apply(built)
                : built.size() == runs.size()
                    ? "Checked: each month above passed its checks; its output was deleted and "
                        + "nothing was replaced"
                    : "Checked: "
                        + built.size()
                        + " of "
                        + runs.size()
                        + " months passed their checks; their output was deleted "
                        + "and nothing was replaced");
      }
    }
  }

  /**
   * A month's failure on one line (an AWS failure said shortly), its unlock command that of this
   * run's table.
   */
  private String reason(PartitionBuilderException e, YearMonth month) {
    return SafeText.of(ErrorReport.message(e))
        .replace(MonthBusyException.unlockCommand(month), unlockCommand(month));
  }

  /**
   * Where this run may draw bars and colours: the process's terminal, less colours with --no-color.
   */
  private Screen screen() {
    return spec.root().userObject() instanceof Main main ? main.screen() : Screen.PLAIN;
  }

  private void stop(YearMonth month, BuildRequest request, String why) {
    // The interrupt has done its work; the files and the engine are still to be read and closed.
    Thread.interrupted();
    stopped =
        new Stopped(
            interruptions.signal().orElseThrow(),
            interruptions.exitCode(),
            month,
            request == null ? null : request.requestKey(),
            why,
            month == null ? "" : unlockCommand(month));
  }

  /** The unlock command for this run's table: its engine, --config and --warehouse. */
  private String unlockCommand(YearMonth month) {
    StringBuilder command = new StringBuilder(MonthBusyException.unlockCommand(month));
    if (engine == Engine.athena) {
      command.append(" --engine athena");
    }
    if (config.file != null) {
      command.append(" --config ").append(config.file);
    }
    if (engine == Engine.local && !local.warehouse.equals(LocalEngineOptions.DEFAULT_WAREHOUSE)) {
      command.append(" --warehouse ").append(local.warehouse);
    }
    return command.toString();
  }

  private List<YearMonth> months() {
    return months.month != null
        ? List.of(MonthRange.month(months.month))
        : MonthRange.of(months.range.from, months.range.to, yes, "rebuild each");
  }

  /**
   * Where the months built (in order, at least one) are, as the destination table's partitioning
   * puts them ({@code year=2024/month=03/} as well as {@code 2024/03/}), each key of the layout
   * shown by {@code location}: the first to the last when they follow one another, else each one.
   */
  private static Function<List<YearMonth>, String> built(
      TableLayout layout, Function<String, String> location) {
    Function<YearMonth, String> directory = month -> location.apply(layout.partitionPrefix(month));
    return built ->
        (built.getFirst().plusMonths(built.size() - 1).equals(built.getLast())
                ? directory.apply(built.getFirst())
                    + (built.size() == 1 ? "" : " to " + directory.apply(built.getLast()))
                : String.join(", ", built.stream().map(directory).toList()))
            + (layout.partitioning().projected()
                ? " (one directory per month, where the destination table's partitioning reads it)"
                : " (a build-<time>-<id>/ directory per build below each month; its Glue partition points at the latest)");
  }

  /** The regular files below {@code dir}; 0 when it does not exist. */
  private static long fileCount(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /**
   * --regenerate and --events write sample CloudTrail, which only the default source of the bundled
   * table gets.
   */
  private void refuseUsedOnlyForSamples(Optional<Path> sourceDdl) {
    String why =
        source != null
            ? "--source " + source + " was given"
            : "--source-ddl " + sourceDdl.orElseThrow() + " was given";
    if (regenerate) {
      throw new ConfigException(
          "Cannot --regenerate: "
              + why
              + ", and sample CloudTrail is generated only into "
              + DEFAULT_SOURCE
              + " for the bundled source table; leave out --regenerate, or --source and --source-ddl");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--events")) {
      spec.commandLine()
          .getErr()
          .println(
              "partition-builder: --events "
                  + events
                  + " ignored: "
                  + why
                  + ", and "
                  + "sample CloudTrail is generated only into "
                  + DEFAULT_SOURCE
                  + " for the bundled source table");
    }
  }

  /**
   * Refuses, before the engine starts, a source directory that is missing or empty, and months for
   * which it holds no file where the source table's DDL reads them: the query would write 0 rows,
   * or fail, as the local engine cannot read a month whose directories do not exist.
   */
  private void requireSourceFiles(
      List<YearMonth> range, Path dir, Optional<Path> sourceDdl, LocalBackend.TableNames names) {
    String given =
        source != null
            ? "--source " + dir
            : "--source-ddl "
                + sourceDdl.orElseThrow()
                + " reads its own files: no --source was given, and "
                + dir;
    String todo =
        source != null
            ? "give the directory that holds the source table's files"
            : "sample CloudTrail is generated only for the bundled source table: pass --source DIR with that table's files";
    String months = MonthRange.describe(range);
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(
          "Cannot build "
              + months
              + ": "
              + given
              + (Files.exists(dir) ? " is not a directory" : " does not exist")
              + "; "
              + todo);
    }
    if (!SourceMonthFiles.hasAnyFile(dir)) {
      throw new ConfigException(
          "Cannot build " + months + ": " + given + " holds no file; " + todo);
    }
    SourceMonthFiles files = LocalBackend.sourceMonthFiles(sourceDdl, names);
    List<YearMonth> empty = range.stream().filter(month -> !files.hasFiles(dir, month)).toList();
    if (empty.isEmpty()) {
      return;
    }
    boolean one = empty.size() == 1;
    String which =
        empty.size() == range.size()
            ? months
            : MonthRange.describe(empty)
                + " ("
                + empty.size()
                + " of the "
                + range.size()
                + " months)";
    throw new ConfigException(
        "Cannot build "
            + which
            + ": "
            + given
            + " holds no file for "
            + (one ? "it" : "them")
            + ": the source table reads "
            + empty.getFirst()
            + " from "
            + files.describe(dir, empty.getFirst())
            + "; "
            + (source == null
                ? todo
                : "give the directory that holds "
                    + (one ? "the month's" : "their")
                    + " files"
                    + (empty.size() < range.size()
                        ? ", or leave " + (one ? "it" : "them") + " out of the range"
                        : "")));
  }

  /**
   * The template the run uses, read and checked before the engine starts, each error naming what
   * the user gave: --template FILE, else CTAS_TEMPLATE from the configuration; empty for the
   * bundled one.
   */
  private Optional<Path> template(Config cfg) {
    if (template != null) {
      return Optional.of(checkedTemplate(template, "--template " + template));
    }
    return cfg.ctasTemplate()
        .map(String::strip)
        .map(
            where -> {
              String what =
                  Config.CTAS_TEMPLATE
                      + "="
                      + where
                      + (config.file == null ? "" : " (from " + config.file + ")");
              if (where.startsWith("s3://")) {
                throw new ConfigException(
                    "Cannot read "
                        + what
                        + " locally: the local engine reads a template from a file; "
                        + "pass --template FILE with a copy of it");
              }
              return checkedTemplate(Path.of(where), what);
            });
  }

  private static Path checkedTemplate(Path file, String what) {
    LocalEngineOptions.readable(file, what);
    try {
      CtasTemplate.parse(Files.readString(file, StandardCharsets.UTF_8), what);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + what + ": " + FileProblem.why(file, e), e);
    }
    return file;
  }
}
