package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.local.SampleData;
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
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Writes a month of made-up, realistic CloudTrail events as the source table lays them out "
        + "(DIR/YYYY/MM/DD/*.json.gz, gzipped NDJSON with a few malformed lines), replacing that month's files "
        + "and touching no other month. The same month, count and seed always give the same bytes.")
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "the month, such as 2024-03")
  String month;

  @Option(names = "--events", paramLabel = "N", defaultValue = "" + SampleData.DEFAULT_EVENTS,
      description = "well-formed events to write (default: ${DEFAULT-VALUE}); malformed lines come on top")
  int events;

  @Option(names = "--source", paramLabel = "DIR", defaultValue = "local/cloudtrail_daily",
      description = "the source table's root, holding the YYYY/ directories (default: ${DEFAULT-VALUE})")
  Path source;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "seed of the generator (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    // Sample months are always UTC months, whatever the schedule's time zone.
    YearMonth ym = new TriggerParser(ZoneOffset.UTC, Clock.systemUTC()).parseMonth(month);
    if (events < 0) {
      throw new ConfigException("--events must be 0 or more, got " + events);
    }
    long start = System.nanoTime();
    SampleData.Summary summary = SampleData.generate(source, ym, events, seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    Path dir = source.resolve(String.format(Locale.ROOT, "%04d/%02d", ym.getYear(), ym.getMonthValue()));
    spec.commandLine().getOut().println(String.format(Locale.ROOT,
        "%s: %,d lines (%,d malformed) in %,d files, %,d bytes, %.1f s, in %s",
        summary.month(), summary.lines(), summary.malformedLines(), summary.files(), summary.bytes(), seconds, dir));
    return 0;
  }
}
