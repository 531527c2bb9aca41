package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.SafeText;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * How a command's failure is told: one line saying what could not be done and why, and the stack
 * trace only with {@code --verbose}. A failure the code did not expect (not one of the project's
 * own, nor a known AWS failure: likely a bug) says so and that {@code --verbose} shows its trace.
 */
final class ErrorReport {
  static final String PREFIX = "partition-builder: error: ";
  static final String TRACE_HINT = " (--verbose shows the trace)";

  private ErrorReport() {}

  /** Prints the line (and with {@code verbose} the trace) and returns {@code code}. */
  static int print(Throwable e, PrintWriter err, boolean verbose, int code) {
    err.println(PREFIX + line(e));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** The line, without {@link #PREFIX}. */
  static String line(Throwable e) {
    Optional<String> aws = AwsErrors.message(e, "An AWS call failed");
    if (aws.isPresent()) {
      return aws.get();
    }
    if (e instanceof PartitionBuilderException && e.getMessage() != null) {
      return e.getMessage();
    }
    return unexpected(e) + TRACE_HINT;
  }

  /** What a failure of the project's own says, with a known AWS failure in it said shortly. */
  static String message(PartitionBuilderException e) {
    return AwsErrors.message(e, "An AWS call failed").orElse(e.getMessage());
  }

  /**
   * "unexpected NullPointerException in CtasTemplate.render: ...", the class and where it came
   * from.
   */
  private static String unexpected(Throwable e) {
    StringBuilder text = new StringBuilder("unexpected ").append(e.getClass().getSimpleName());
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.partitionbuilder.")) {
        String type = frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1);
        text.append(" in ").append(type).append('.').append(frame.getMethodName());
        break;
      }
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      text.append(": ").append(SafeText.of(e.getMessage()));
    }
    return text.toString();
  }
}
