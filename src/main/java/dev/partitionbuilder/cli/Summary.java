package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.BuildResult.Step;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The run summary as a table people can read: a line per month (files copied in, old objects deleted), seconds per step. */
final class Summary {
  private Summary() {}

  static void print(PrintWriter out, List<BuildResult> results) {
    String format = "%-8s %12s %6s %10s %6s %10s %8s %8s %8s %8s %8s%n";
    out.printf(Locale.ROOT, format, "month", "rows", "files", "size", "old", "drop-temp", "clear", "query", "cleanup",
        "replace", "total");
    for (BuildResult r : results) {
      out.printf(Locale.ROOT, format, r.month(),
          r.rowsWritten().isPresent() ? String.format(Locale.ROOT, "%,d", r.rowsWritten().getAsLong()) : "?",
          r.objectsCopied(), bytes(r.bytesWritten()), r.oldObjectsDeleted(),
          seconds(r.steps().get(Step.DROP_TEMP_TABLE)), seconds(r.steps().get(Step.CLEAR_STAGING)),
          seconds(r.steps().get(Step.QUERY)), seconds(r.steps().get(Step.CLEANUP)), seconds(r.steps().get(Step.REPLACE)),
          seconds(r.steps().values().stream().reduce(Duration.ZERO, Duration::plus)));
    }
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
  }
}
