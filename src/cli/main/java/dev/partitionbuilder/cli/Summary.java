package dev.partitionbuilder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run summary: as a table people can read (a line per month built: rows, files copied in, their
 * size, old objects deleted, seconds per step; with {@code --engine athena} also the bytes scanned
 * and the estimated cost), or as JSON for scripts, failed months included. The fields are those of
 * the Lambda's summary log line (README "Observability").
 */
final class Summary {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  /** The table of the months that were built; failed months were reported on stderr as they failed. */
  static void print(PrintWriter out, List<RunSummary> runs, boolean priced) {
    String format = "%-8s %12s %6s %10s %6s %10s %8s %8s %8s %8s %8s" + (priced ? " %10s %12s%n" : "%n");
    List<Object> header = new ArrayList<>(List.of("month", "rows", "files", "size", "old", "drop-temp", "clear", "query",
        "cleanup", "replace", "total"));
    if (priced) {
      header.addAll(List.of("scanned", "est. cost"));
    }
    out.printf(Locale.ROOT, format, header.toArray());
    for (RunSummary r : runs) {
      if (r.outcome() != RunSummary.Outcome.SUCCEEDED) {
        continue;
      }
      List<Object> row = new ArrayList<>(List.of(r.month(),
          r.rowsWritten().isPresent() ? String.format(Locale.ROOT, "%,d", r.rowsWritten().getAsLong()) : "?",
          r.filesCopied(), bytes(r.bytesWritten()), r.oldObjectsDeleted(),
          seconds(r.steps().get(Step.DROP_TEMP_TABLE)), seconds(r.steps().get(Step.CLEAR_STAGING)),
          seconds(r.steps().get(Step.QUERY)), seconds(r.steps().get(Step.CLEANUP)), seconds(r.steps().get(Step.REPLACE)),
          seconds(r.steps().values().stream().reduce(Duration.ZERO, Duration::plus))));
      if (priced) {
        row.addAll(List.of(bytes(r.bytesScanned()), String.format(Locale.ROOT, "$%.6f", r.estimatedCostUsd())));
      }
      out.printf(Locale.ROOT, format, row.toArray());
    }
  }

  /**
   * {@code {"engine": ..., "location": ..., "months": [...]}}, one entry per month in the order run,
   * failures included with their outcome and error. The estimated cost is null for the local engine,
   * which scans nothing Athena would bill.
   */
  static void printJson(PrintWriter out, String engine, String location, List<RunSummary> runs, boolean priced) {
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
