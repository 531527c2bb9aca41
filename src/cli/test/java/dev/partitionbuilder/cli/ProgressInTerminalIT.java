package dev.partitionbuilder.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees in a terminal: a real {@code partition-builder run} (a JVM of its own on the
 * built classes, as the launcher starts it) given a pseudo-terminal by util-linux's {@code script},
 * which records every byte the terminal receives. A fresh directory holds no data, so the run first
 * generates 2,000,000 sample events, then builds the month: both must draw a bar redrawn in place
 * with counts that grow, and the table after them must be clean lines.
 */
class ProgressInTerminalIT {
  private static final Path SCRIPT = Path.of("/usr/bin/script");
  private static final int EVENTS = 2_000_000;

  /** The sample's malformed lines, one per 20,000 events, each a row of NULLs. */
  private static final long ROWS = EVENTS + EVENTS / 20_000;

  /**
   * The heap ./partition-builder gives a run by default: a 2M-event month builds in it, without
   * --memory-limit.
   */
  private static final String HEAP = "1g";

  private static final Duration LIMIT = Duration.ofMinutes(10);

  /**
   * The bytes the terminal received, kept to look at: {@code cat} it in a terminal to see the run
   * replayed.
   */
  private static final Path REPORT = Path.of("target", "terminal", "run-2m-events.log");

  private static final String ERASE_LINE = "\033[2K\r";
  private static final Pattern SAMPLE_FRAME =
      Pattern.compile("^2024-03 sample +\\d+% ▕[█▏▎▍▌▋▊▉ ]+▏ ([\\d,]+)/2,000,000 events");
  private static final Pattern QUERY_FRAME =
      Pattern.compile(
          "^2024-03 +\\d+% ▕[█▏▎▍▌▋▊▉ ]+▏ (\\d+)/(\\d+) splits, ([\\d,]+) rows, [\\d.]+ [KMG]?i?B read");

  @TempDir Path dir;

  @Test
  void aTwoMillionEventRunDrawsItsBarsOnTheTerminalAndEndsWithACleanTable() throws Exception {
    long start = System.nanoTime();
    Terminal terminal =
        run(
            Map.of("NO_COLOR", "1"),
            "run",
            "--month",
            "2024-03",
            "--events",
            String.valueOf(EVENTS),
            "--temp-dir",
            dir.toString());
    System.out.printf(
        "ProgressInTerminalIT: the %,d-event run took %.1f s; what the terminal received: %s%n",
        EVENTS, (System.nanoTime() - start) / 1e9, REPORT);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, terminal.log(), UTF_8);

    assertThat(terminal.exitCode()).as(terminal.log()).isZero();
    List<String> frames = terminal.frames();

    List<Long> events = counts(frames, SAMPLE_FRAME, 1);
    assertThat(events)
        .as("events written, frame by frame")
        .hasSizeGreaterThanOrEqualTo(5)
        .isSorted();
    assertThat(events.stream().distinct()).as("events written").hasSizeGreaterThanOrEqualTo(5);
    assertThat(events.getFirst()).isLessThan(EVENTS / 2);
    assertThat(events.getLast()).isGreaterThan(EVENTS * 9L / 10);
    assertThat(frames)
        .anySatisfy(
            f ->
                assertThat(f)
                    .containsPattern(
                        SAMPLE_FRAME.pattern() + ", \\d+ files, [\\d.]+ MiB, .* left$"));

    List<Long> splits = counts(frames, QUERY_FRAME, 1);
    List<Long> rows = counts(frames, QUERY_FRAME, 3);
    assertThat(splits).as("splits done, frame by frame").isSorted();
    assertThat(rows).as("rows read, frame by frame").isSorted();
    assertThat(rows.stream().distinct()).as("rows read").hasSizeGreaterThanOrEqualTo(3);
    assertThat(rows.getLast()).isLessThanOrEqualTo(ROWS);
    assertThat(counts(frames, QUERY_FRAME, 2)).allSatisfy(total -> assertThat(total).isPositive());

    // Each line as the terminal shows it once the bars are erased, and as its bytes came.
    List<String> lines = terminal.lines();
    List<String> shown = lines.stream().map(Terminal::shown).toList();
    int header = indexOfStart(shown, "month            rows  files       size");
    assertThat(shown.get(header + 1))
        .matches("2024-03 +" + String.format("%,d", ROWS) + " +\\d+ +[\\d.]+ MiB +0 .* s");
    assertThat(shown.get(header + 2))
        .startsWith("1 month: 1 built; " + String.format("%,d", ROWS) + " rows, ");
    assertThat(shown.get(header + 3))
        .startsWith("Parquet: local/warehouse/cloudtrail_monthly/2024/03/ ");
    assertThat(shown.get(header + 4)).startsWith("Query it: ./partition-builder query ");
    // The header follows the erased bar on its line; the lines after it came clean, as did the
    // sample's own lines, around its bar.
    assertThat(lines.get(header)).endsWith(ERASE_LINE + shown.get(header));
    assertThat(lines.subList(header + 1, header + 5))
        .allSatisfy(line -> assertThat(line).doesNotContain("\r", "\033"));
    assertThat(shown)
        .anySatisfy(
            line -> assertThat(line).contains("generating 2,000,000 sample CloudTrail events"));
    assertThat(shown)
        .anySatisfy(line -> assertThat(line).contains("2,000,100 lines (100 malformed"));
    assertThat(String.join("\n", shown)).doesNotContain("\033");
  }

  /**
   * Colours reach a real terminal unless NO_COLOR is set (the run above) or --no-color is given.
   */
  @Test
  void onATerminalTheBuiltMonthIsGreenAndWithNoColorItIsPlain() throws Exception {
    Terminal coloured =
        run(
            Map.of(),
            "run",
            "--month",
            "2024-03",
            "--events",
            "2000",
            "--temp-dir",
            dir.toString());
    assertThat(coloured.exitCode()).as(coloured.log()).isZero();
    assertThat(coloured.lines())
        .anySatisfy(line -> assertThat(line).startsWith("\033[32m2024-03 \033[0m "));
    assertThat(coloured.lines())
        .anySatisfy(line -> assertThat(line).startsWith("1 month: \033[32m1 built\033[0m; "));

    Terminal plain =
        run(Map.of(), "--no-color", "run", "--month", "2024-03", "--temp-dir", dir.toString());
    assertThat(plain.exitCode()).as(plain.log()).isZero();
    assertThat(plain.lines())
        .anySatisfy(line -> assertThat(line).startsWith("2024-03 "))
        .anySatisfy(line -> assertThat(line).startsWith("1 month: 1 built; "));
    assertThat(String.join("\n", plain.lines().stream().map(Terminal::shown).toList()))
        .doesNotContain("\033");
  }

  /**
   * What the terminal received: every byte {@code script} recorded, and the command's exit code.
   */
  record Terminal(String log, int exitCode) {
    /**
     * The log's lines, without the terminal's CR before each LF nor script's own first and last
     * lines.
     */
    List<String> lines() {
      List<String> lines = new ArrayList<>(Arrays.asList(log.split("\n", -1)));
      lines.removeIf(
          line -> line.startsWith("Script started on ") || line.startsWith("Script done on "));
      return lines.stream()
          .map(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
          .toList();
    }

    /**
     * Every piece drawn after a carriage return, the erases left out: the bars' frames among them.
     */
    List<String> frames() {
      return Arrays.stream(log.replace(ERASE_LINE, "\r").split("[\r\n]"))
          .filter(f -> !f.isEmpty())
          .toList();
    }

    /** What a line shows: what was written after its last carriage return. */
    static String shown(String line) {
      return line.substring(line.lastIndexOf('\r') + 1);
    }
  }

  /**
   * Runs the CLI in {@link #dir} in a pseudo-terminal 120 columns wide, with {@code env} added to
   * this process's environment.
   */
  private Terminal run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    assumeThat(SCRIPT).as("util-linux's script, to give the run a terminal").isExecutable();
    String classpath =
        Path.of("target", "cli", "classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(Path.of("target", "cli", "cli.classpath")).trim();
    List<String> java =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseParallelGC",
                "-Xmx" + HEAP,
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                classpath,
                Main.class.getName()));
    java.addAll(List.of(args));
    String command =
        "stty cols 120 rows 40; exec "
            + java.stream().map(ProgressInTerminalIT::quote).collect(Collectors.joining(" "));
    Path log = Files.createTempFile(dir, "terminal-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(SCRIPT.toString(), "-q", "-e", "-c", command, log.toString())
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("NO_COLOR");
    builder.environment().put("TERM", "xterm-256color");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(LIMIT.toMinutes(), TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the run did not end within "
              + LIMIT.toMinutes()
              + " minutes: "
              + Files.readString(log, UTF_8));
    }
    return new Terminal(Files.readString(log, UTF_8), process.exitValue());
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static List<Long> counts(List<String> frames, Pattern frame, int group) {
    List<Long> counts = new ArrayList<>();
    for (String f : frames) {
      Matcher m = frame.matcher(f);
      if (m.find()) {
        counts.add(Long.parseLong(m.group(group).replace(",", "")));
      }
    }
    assertThat(counts)
        .as(
            "frames matching %s among %s",
            frame, frames.size() > 40 ? frames.subList(0, 40) : frames)
        .isNotEmpty();
    return counts;
  }

  private static int indexOfStart(List<String> lines, String start) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start)) {
        return i;
      }
    }
    throw new AssertionError(
        "no line starts with \"" + start + "\" in:\n" + String.join("\n", lines));
  }
}
