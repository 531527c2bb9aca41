package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.SafeText;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What {@code check} found, a line per check as soon as it is known: {@code ok}, {@code FAIL: <why
 * and what to do>} or {@code skipped: <why>}. A failure's exception goes to {@code trace} (stderr
 * with {@code --verbose}), never to the lines.
 */
final class CheckReport {
  private static final String FORMAT = "%-22s %s%n";

  private final PrintWriter out;
  private final PrintWriter trace;
  private int ok;
  private int failed;
  private int skipped;

  /**
   * @param trace where a failure's stack trace goes, or null for nowhere
   */
  CheckReport(PrintWriter out, PrintWriter trace) {
    this.out = requireNonNull(out, "out is null");
    this.trace = trace;
  }

  void ok(String check, String detail) {
    ok++;
    line(check, detail.isEmpty() ? "ok" : "ok (" + detail + ")");
  }

  void fail(String check, String why) {
    failed++;
    line(check, "FAIL: " + why);
  }

  /**
   * A failure whose cause is {@code e}: its message is {@code why}, its trace shown with --verbose.
   */
  void fail(String check, String why, Throwable e) {
    fail(check, why);
    if (trace != null) {
      e.printStackTrace(trace);
      trace.flush();
    }
  }

  void skip(String check, String why) {
    skipped++;
    line(check, "skipped: " + why);
  }

  boolean anyFailed() {
    return failed > 0;
  }

  /** The last line: the counts, and whether a deploy would work as far as was checked. */
  void summary(boolean awsChecked) {
    String counts = String.format(Locale.ROOT, "%d ok, %d failed, %d skipped", ok, failed, skipped);
    if (failed > 0) {
      out.println(
          "check: " + counts + ": fix each FAIL above; a deploy with this setup would not work");
    } else if (awsChecked) {
      out.println(
          "check: "
              + counts
              + ": a deploy with this setup would work (each skip says why it does not matter)");
    } else {
      out.println(
          "check: "
              + counts
              + ": the configuration, the DDLs and the template are sound; "
              + "add --aws to check the AWS side before you deploy");
    }
    out.flush();
  }

  private void line(String check, String text) {
    out.printf(Locale.ROOT, FORMAT, check, SafeText.of(text));
    out.flush();
  }
}
