package dev.partitionbuilder.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Keeps a passing build quiet and a failing test loud. The tests' log lines (slf4j-simple) go to a
 * file, {@code org.slf4j.simpleLogger.logFile} as the poms set it, since most of them are expected:
 * a test of a failure path logs that failure, often with its stack trace. This listener, which the
 * JUnit Platform loads through META-INF/services, brings them back where they matter:
 *
 * <ul>
 *   <li>a test that fails gets the lines it logged printed on stderr, under its name, before
 *       surefire reports the failure;
 *   <li>a test or class that is skipped (disabled, or an assumption that does not hold) gets one
 *       line on stdout saying why.
 * </ul>
 *
 * Without a log file (a property other than a path, such as {@code System.err}) it only reports
 * skips.
 */
public final class QuietTestLog implements TestExecutionListener {
  /** The most lines of one failed test's log printed; the file keeps them all. */
  static final int MAX_LINES = 300;

  private final Optional<Path> log;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, Long> startOffsets = new ConcurrentHashMap<>();

  public QuietTestLog() {
    this(logFile(System.getProperty("org.slf4j.simpleLogger.logFile")), System.out, System.err);
  }

  QuietTestLog(Optional<Path> log, PrintStream out, PrintStream err) {
    this.log = log;
    this.out = out;
    this.err = err;
  }

  static Optional<Path> logFile(String property) {
    return Optional.ofNullable(property)
        .filter(p -> !p.isBlank() && !p.startsWith("System."))
        .map(Path::of);
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    log.ifPresent(file -> startOffsets.put(test.getUniqueId(), size(file)));
  }

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    out.println("skipped " + name(test) + ": " + oneLine(reason));
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    Long from = startOffsets.remove(test.getUniqueId());
    switch (result.getStatus()) {
      case ABORTED ->
          out.println(
              "skipped "
                  + name(test)
                  + ": "
                  + oneLine(result.getThrowable().map(Throwable::getMessage).orElse("aborted")));
      case FAILED -> {
        if (from != null) {
          printLoggedSince(test, from);
        }
      }
      default -> {}
    }
  }

  private void printLoggedSince(TestIdentifier test, long from) {
    Path file = log.orElseThrow();
    List<String> lines;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= from) {
        return;
      }
      byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - from)];
      in.seek(from);
      in.readFully(bytes);
      lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      err.println("Cannot show what " + name(test) + " logged: " + e + " (see " + file + ")");
      return;
    }
    int skipped = Math.max(0, lines.size() - MAX_LINES);
    err.println(
        "---- "
            + name(test)
            + " failed; it logged ("
            + file
            + "):"
            + (skipped > 0 ? " [" + skipped + " earlier lines left out]" : ""));
    lines.subList(skipped, lines.size()).forEach(err::println);
    err.println("---- end of " + name(test) + "'s log");
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** {@code ClassName.method()} for a method, {@code ClassName} for a class, else JUnit's name. */
  static String name(TestIdentifier test) {
    return test.getSource()
        .map(
            source -> {
              if (source instanceof MethodSource method) {
                String simple =
                    method.getClassName().substring(method.getClassName().lastIndexOf('.') + 1);
                return simple
                    + "."
                    + method.getMethodName()
                    + (test.isTest() && !test.getDisplayName().startsWith(method.getMethodName())
                        ? " " + test.getDisplayName()
                        : "");
              }
              if (source instanceof ClassSource cls) {
                return cls.getClassName().substring(cls.getClassName().lastIndexOf('.') + 1);
              }
              return test.getDisplayName();
            })
        .orElse(test.getDisplayName());
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
