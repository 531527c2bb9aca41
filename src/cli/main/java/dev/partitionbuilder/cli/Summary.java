package dev.partitionbuilder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The run summary: as a table people can read (a line per month: for one built, rows, files copied
 * in, their size, old objects deleted, seconds per step, and with {@code --engine athena} also the
 * bytes scanned and the estimated cost; for any other, how it ended and why; then the totals), or
 * as JSON for scripts, every month included. The fields are those of the Lambda's summary log line
 * (docs/observability.md).
 */
final class Summary {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  /**
   * The table, printed a row at a time as each month ends, so a range shows it growing: the header
   * comes with the first row. A month built (or checked) gets its numbers; any other its outcome
   * and the one-line reason. {@link #totals} ends it.
   */
  static final class Table {
    private final PrintWriter out;
    private final boolean priced;
    private final boolean check;
    private final Screen.Paint paint;
    private final String format;
    private boolean headed;

    /**
     * @param priced with the bytes Athena scanned and the estimated cost
     * @param check the months were checked, not built
     */
    Table(PrintWriter out, boolean priced, boolean check, Screen.Paint paint) {
      this.out = out;
      this.priced = priced;
      this.check = check;
      this.paint = paint;
      this.format =
          "%-8s %12s %6s %10s %6s %10s %8s %8s %8s %8s %8s" + (priced ? " %10s %12s" : "");
    }

    /**
     * One month as it ended; {@code reason} is what went wrong, on one line, for any month not
     * built.
     */
    void row(RunSummary r, String reason) {
      if (!headed) {
        List<Object> header =
            new ArrayList<>(
                List.of(
                    "month",
                    "rows",
                    "files",
                    "size",
                    "old",
                    "drop-temp",
                    "clear",
                    "query",
                    "cleanup",
                    "replace",
                    "total"));
        if (priced) {
          header.addAll(List.of("scanned", "est. cost"));
        }
        out.println(String.format(Locale.ROOT, format, header.toArray()).stripTrailing());
        headed = true;
      }
      String month = String.format(Locale.ROOT, "%-8s", r.month());
      if (r.outcome() != RunSummary.Outcome.SUCCEEDED) {
        String line =
            month
                + " "
                + switch (r.outcome()) {
                  case BUSY -> "busy: " + reason;
                  case RUNNING -> "still running: " + reason;
                  default -> "failed after " + seconds(r.duration()) + ": " + reason;
                };
        out.println(
            r.outcome() == RunSummary.Outcome.FAILED ? paint.red(line) : paint.yellow(line));
        out.flush();
        return;
      }
      List<Object> row =
          new ArrayList<>(
              List.of(
                  r.month(),
                  r.rowsWritten().isPresent()
                      ? String.format(Locale.ROOT, "%,d", r.rowsWritten().getAsLong())
                      : "?",
                  r.filesCopied(),
                  bytes(r.bytesWritten()),
                  r.oldObjectsDeleted(),
                  seconds(r.steps().get(Step.DROP_TEMP_TABLE)),
                  seconds(r.steps().get(Step.CLEAR_STAGING)),
                  seconds(r.steps().get(Step.QUERY)),
                  seconds(r.steps().get(Step.CLEANUP)),
                  seconds(r.steps().get(Step.REPLACE)),
                  seconds(total(r))));
      if (priced) {
        row.addAll(
            List.of(
                bytes(r.bytesScanned()),
                String.format(Locale.ROOT, "$%.6f", r.estimatedCostUsd())));
      }
      String line = String.format(Locale.ROOT, format, row.toArray());
      out.println(paint.green(month) + line.substring(month.length()));
      out.flush();
    }

    /**
     * {@code 2 months: 1 built, 1 failed; 100,005 rows, 4 files, 14.4 MiB, 12.31 s}: how each month
     * of the {@code months} asked for ended (those after a stop were not started), and what the
     * built ones wrote in all, with the time every month took.
     *
     * @param stopped the month a signal stopped, whose run is the last
     */
    void totals(List<RunSummary> runs, int months, Optional<YearMonth> stopped) {
      // In this order, whatever the order the months ended in.
      Map<String, Long> counts = new LinkedHashMap<>();
      for (String outcome :
          List.of(check ? "checked" : "built", "failed", "busy", "still running", "stopped")) {
        counts.put(outcome, 0L);
      }
      for (RunSummary r : runs) {
        String outcome =
            stopped.isPresent() && r.month().equals(stopped.get())
                ? "stopped"
                : switch (r.outcome()) {
                  case SUCCEEDED -> check ? "checked" : "built";
                  case BUSY -> "busy";
                  case RUNNING -> "still running";
                  case FAILED -> "failed";
                };
        counts.merge(outcome, 1L, Long::sum);
      }
      if (runs.size() < months) {
        counts.put("not started", (long) (months - runs.size()));
      }
      List<String> parts = new ArrayList<>();
      counts.values().removeIf(n -> n == 0);
      counts.forEach(
          (outcome, n) -> {
            String part = n + " " + outcome;
            parts.add(
                outcome.equals("built") || outcome.equals("checked")
                    ? paint.green(part)
                    : outcome.equals("failed") ? paint.red(part) : paint.yellow(part));
          });
      List<RunSummary> built =
          runs.stream().filter(r -> r.outcome() == RunSummary.Outcome.SUCCEEDED).toList();
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%d month%s: %s",
                  months,
                  months == 1 ? "" : "s",
                  String.join(", ", parts)));
      line.append(
          String.format(
              Locale.ROOT,
              "; %,d rows, %,d files, %s, %s",
              built.stream().mapToLong(r -> r.rowsWritten().orElse(0)).sum(),
              built.stream().mapToLong(RunSummary::filesCopied).sum(),
              bytes(built.stream().mapToLong(RunSummary::bytesWritten).sum()),
              seconds(
                  runs.stream().map(RunSummary::duration).reduce(Duration.ZERO, Duration::plus))));
      if (priced) {
        line.append(
            String.format(
                Locale.ROOT,
                ", %s scanned, est. $%.6f",
                bytes(runs.stream().mapToLong(RunSummary::bytesScanned).sum()),
                runs.stream()
                    .map(RunSummary::estimatedCostUsd)
                    .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)));
      }
      out.println(line);
      out.flush();
    }

    private static Duration total(RunSummary r) {
      return r.steps().values().stream().reduce(Duration.ZERO, Duration::plus);
    }
  }

  /**
   * {@code {"engine": ..., "location": ..., "months": [...]}}, one entry per month in the order
   * run, failures included with their outcome and error. The estimated cost is null for the local
   * engine, which scans nothing Athena would bill.
   */
  static void printJson(
      PrintWriter out, String engine, String location, List<RunSummary> runs, boolean priced) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("engine", engine);
    document.put("location", location);
    List<Map<String, Object>> months = new ArrayList<>();
    for (RunSummary r : runs) {
      Map<String, Object> month = new LinkedHashMap<>();
      month.put("month", r.month().toString());
      month.put("outcome", r.outcome().label());
      month.put("requestKey", r.requestKey());
      month.put("queryExecutionId", r.queryExecutionId().orElse(null));
      month.put("rowsWritten", r.rowsWritten().isPresent() ? r.rowsWritten().getAsLong() : null);
      month.put("filesCopied", r.filesCopied());
      month.put("bytesWritten", r.bytesWritten());
      month.put("oldObjectsDeleted", r.oldObjectsDeleted());
      month.put("bytesScanned", r.bytesScanned());
      month.put("billedMegabytes", priced ? r.billedMegabytes() : null);
      month.put("estimatedCostUsd", priced ? r.estimatedCostUsd() : null);
      month.put("queryEngineMs", r.engineMillis());
      month.put("durationMs", r.duration().toMillis());
      month.put("stepMs", r.stepMillis());
      month.put("error", r.error().orElse(null));
      months.add(month);
    }
    document.put("months", months);
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the run summary as JSON: " + e.getMessage(), e);
    }
    out.flush();
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
