package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.sample.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a real process (the classpath ./partition-builder uses), stopped by real signals in
 * the middle of a month's query: what it says, its exit code, what it leaves, and that the next run
 * of the month goes ahead at once.
 */
class CliProcessIT {
  private static final YearMonth MONTH = YearMonth.of(2024, 3);

  /** Enough events that the query runs for seconds, so the signal lands while it runs. */
  private static final int EVENTS = 60_000;

  private static final long WAIT_SECONDS = 240;

  @TempDir Path dir;
  private Path table;

  @BeforeEach
  void sampleData() {
    SampleData.generate(dir.resolve("src"), MONTH, EVENTS, 7);
    table = dir.resolve("wh/cloudtrail_monthly");
  }

  @Test
  void ctrlCStopsTheQueryReleasesTheLockSaysSoInOneLineAndExits130() throws Exception {
    Process run = startRunAndWaitForItsQuery();

    signal(run, "INT");

    assertThat(run.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(run.exitValue()).as(err).isEqualTo(130);
    assertThat(err.lines().filter(line -> line.startsWith("partition-builder: SIGINT")))
        .singleElement()
        .asString()
        .startsWith("partition-builder: SIGINT: stopped building 2024-03 (")
        .contains(
            "it was stopped, the partition is as it was", "; lock released; no saved build state")
        .endsWith("; exit 130");
    assertThat(table.resolve("_locks/2024/03")).doesNotExist();
    assertThat(staging()).isEmpty();

    Process again = start("run", "--month", "2024-03");
    assertThat(again.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
    assertThat(files()).allMatch(file -> file.startsWith("2024/03/")).hasSize(4);
  }

  @Test
  void sigtermDoesTheSameAndExits143() throws Exception {
    Process run = startRunAndWaitForItsQuery();

    signal(run, "TERM");

    assertThat(run.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(run.exitValue()).as(err).isEqualTo(143);
    assertThat(err)
        .contains("partition-builder: SIGTERM: stopped building 2024-03 (")
        .contains("lock released");
    assertThat(table.resolve("_locks/2024/03")).doesNotExist();
  }

  @Test
  void afterKillNineTheNextRunTakesTheLockAtOnceAndLeavesNothingButThePartition() throws Exception {
    Process run = startRunAndWaitForItsQuery();

    run.destroyForcibly(); // SIGKILL: nothing of the process runs any more
    assertThat(run.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).isEqualTo(137);
    assertThat(table.resolve("_locks/2024/03")).exists();
    assertThat(staging()).isNotEmpty();

    Process again = start("run", "--month", "2024-03");
    assertThat(again.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(again.exitValue()).as(err).isZero();
    assertThat(err).contains("the process that held it is gone");
    // Empty directories aside (the object store's to remove), the warehouse holds the partition
    // alone.
    assertThat(files()).allMatch(file -> file.startsWith("2024/03/")).hasSize(4);
    assertThat(staging()).isEmpty();
  }

  private Process startRunAndWaitForItsQuery() throws Exception {
    Process run = start("run", "--month", "2024-03");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (staging().isEmpty()) {
      assertThat(run.isAlive())
          .as(
              "the run ended before its query wrote anything: %s",
              Files.readString(dir.resolve("err.txt")))
          .isTrue();
      assertThat(System.nanoTime()).as("no query started").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(table.resolve("_locks/2024/03")).exists();
    return run;
  }

  private Process start(String... args) throws IOException {
    Path classes = Path.of("target/cli/classes").toAbsolutePath();
    String classpath =
        classes + ":" + Files.readString(Path.of("target/cli/cli.classpath")).strip();
    // env --default-signal: a process started in the background of a non-interactive shell (as CI
    // may start Maven) inherits SIGINT ignored, and a JVM keeps an ignored SIGINT ignored; the
    // test is about what Ctrl-C does to a run started from a terminal, where it is not ignored.
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                // The test's own temp directory: a killed run leaves its engine's metastore
                // directory there.
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp",
                classpath,
                "dev.partitionbuilder.cli.Main"));
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString()));
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
  }

  private static void signal(Process process, String name) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  /**
   * The files the month's query has written so far: Trino's Hive writer puts them straight into the
   * CTAS's external_location, "_staging/2024/03/", and removes them if the query fails or is
   * cancelled.
   */
  private List<Path> staging() throws IOException {
    Path location = table.resolve("_staging/2024/03");
    if (!Files.isDirectory(location)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.walk(location)) {
      return entries.filter(Files::isRegularFile).toList();
    }
  }

  /** Every file under the table, relative to it. */
  private List<String> files() throws IOException {
    try (Stream<Path> walk = Files.walk(table)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> table.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
