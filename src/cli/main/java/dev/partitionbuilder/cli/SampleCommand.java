package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.MonthFormat;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.sample.RawCloudTrailSample;
import dev.partitionbuilder.sample.SampleData;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a month of sample CloudTrail files for local mode; needs no configuration and no AWS. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    header = "Writes a month of sample CloudTrail events for local runs.",
    description = {
      "Writes a month of made-up, realistic CloudTrail events, replacing that month's files and touching "
          + "no other month's. The same month, count and seed always give the same bytes. Layouts:",
      "  daily: as the bundled source table reads them, DIR/YYYY/MM/DD/*.json.gz, gzipped NDJSON with a few "
          + "malformed lines;",
      "  raw-cloudtrail: as CloudTrail delivers them, DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/"
          + "<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz, each file one {\"Records\":[...]} "
          + "object of the events delivered in one hour, under the day of its delivery (so the month's last events "
          + "partly sit in the next month's first day; see examples/raw-cloudtrail/)."
    })
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--month",
      required = true,
      paramLabel = "YYYY-MM",
      description = "the month, such as 2024-03")
  String month;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "" + SampleData.DEFAULT_EVENTS,
      description =
          "well-formed events to write (default: ${DEFAULT-VALUE}); malformed lines come on top")
  int events;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      description =
          "where to write: the source table's root, holding the "
              + "YYYY/ directories (default: local/cloudtrail_daily), or with raw-cloudtrail the bucket's, holding AWSLogs/ "
              + "(default: local/cloudtrail_raw)")
  Path source;

  @Option(
      names = "--layout",
      paramLabel = "LAYOUT",
      defaultValue = "daily",
      description = "daily or raw-cloudtrail (default: ${DEFAULT-VALUE})")
  String layout;

  @Option(
      names = "--account",
      paramLabel = "ID",
      defaultValue = RawCloudTrailSample.DEFAULT_ACCOUNT,
      description = "raw-cloudtrail: the account in the path (default: ${DEFAULT-VALUE})")
  String account;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      defaultValue = RawCloudTrailSample.DEFAULT_REGION,
      description =
          "raw-cloudtrail: the region in the path; every event goes there (default: ${DEFAULT-VALUE})")
  String region;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "seed of the generator (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    // Sample months are always UTC months, whatever the schedule's time zone.
    YearMonth ym = new TriggerParser(ZoneOffset.UTC, Clock.systemUTC()).parseMonth(month);
    if (events < 0) {
      throw new ConfigException("--events must be 0 or more, got " + events);
    }
    if (layout.equals("raw-cloudtrail")) {
      return raw(ym);
    }
    if (!layout.equals("daily")) {
      throw new ConfigException("--layout must be daily or raw-cloudtrail, got \"" + layout + "\"");
    }
    Path source = this.source == null ? Path.of("local", "cloudtrail_daily") : this.source;
    long start = System.nanoTime();
    SampleData.Summary summary;
    try (Progress.SampleBar bar = progress().sample(ym, events)) {
      summary = SampleData.generate(source, ym, events, seed, bar);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Path dir = source.resolve(MonthFormat.path(ym));
    spec.commandLine()
        .getOut()
        .println(
            String.format(
                Locale.ROOT,
                "%s: %,d lines (%,d malformed) in %,d files, %,d bytes, %.1f s, in %s",
                summary.month(),
                summary.lines(),
                summary.malformedLines(),
                summary.files(),
                summary.bytes(),
                seconds,
                dir));
    return 0;
  }

  /** A bar of the events written, on stderr when it is a terminal. */
  private Progress progress() {
    Screen screen = spec.root().userObject() instanceof Main main ? main.screen() : Screen.PLAIN;
    return new Progress(screen, spec.commandLine().getErr(), Progress.INTERVAL);
  }

  private int raw(YearMonth ym) {
    Path root = source == null ? Path.of("local", "cloudtrail_raw") : source;
    long start = System.nanoTime();
    RawCloudTrailSample.Summary summary;
    try (Progress.SampleBar bar = progress().sample(ym, events)) {
      summary = RawCloudTrailSample.generate(root, ym, events, seed, account, region, bar);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    spec.commandLine()
        .getOut()
        .println(
            String.format(
                Locale.ROOT,
                "%s: %,d events (%,d of them delivered in %s) in %,d files, %,d bytes, %.1f s, in %s",
                summary.month(),
                summary.records(),
                summary.deliveredNextMonth(),
                ym.plusMonths(1),
                summary.files(),
                summary.bytes(),
                seconds,
                summary.directory()));
    return 0;
  }
}
