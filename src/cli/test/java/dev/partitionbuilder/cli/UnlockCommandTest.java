package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.sample.SampleData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlockCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private Path lock() {
    return dir.resolve("wh/cloudtrail_monthly/_locks/2024/03");
  }

  /** A lease as local mode writes it, held by {@code process} on this host until {@code until}. */
  private void lease(ProcessHandle process, Instant until) throws Exception {
    Files.createDirectories(lock().getParent());
    Files.writeString(
        lock(),
        "{\"owner\":\"cli-1\",\"attempt\":\"a\",\"expiresAt\":\""
            + until
            + "\",\"holder\":{"
            + "\"host\":\""
            + InetAddress.getLocalHost().getHostName()
            + "\",\"pid\":"
            + process.pid()
            + ",\"startedAt\":\""
            + process.info().startInstant().orElseThrow().truncatedTo(ChronoUnit.MILLIS)
            + "\"}}");
  }

  private String[] unlock(String... more) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(
                "unlock", "--month", "2024-03", "--warehouse", dir.resolve("wh").toString()),
            java.util.stream.Stream.of(more))
        .toArray(String[]::new);
  }

  @Test
  void aMonthWithoutALockIsSaidSoAndExitsZero() {
    assertThat(run(unlock())).isZero();
    assertThat(out.toString())
        .startsWith("2024-03 is not locked (")
        .contains("no saved build state");
  }

  @Test
  void aLockWhoseProcessRunsIsRefusedWithoutForceAndRemovedWithIt() throws Exception {
    lease(ProcessHandle.current(), Instant.now().plusSeconds(600));

    assertThat(run(unlock())).isEqualTo(1);
    assertThat(err.toString())
        .contains("Cannot unlock 2024-03: ")
        .contains("may be held by a build still running")
        .contains("pass --force");
    assertThat(lock()).exists();

    assertThat(run(unlock("--force"))).isZero();
    assertThat(out.toString())
        .contains("Found ")
        .contains("owner cli-1, pid " + ProcessHandle.current().pid())
        .contains("Removed ")
        .contains("(--force)");
    assertThat(lock()).doesNotExist();
  }

  @Test
  void aLockWhoseProcessIsGoneIsRemovedAndTheSavedStateKept() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ProcessHandle handle = ended.toHandle();
    // Its start instant, read while it may still run; after it ends the OS forgets it.
    Instant started = handle.info().startInstant().orElse(Instant.now());
    ended.waitFor();
    Files.createDirectories(lock().getParent());
    Files.writeString(
        lock(),
        "{\"owner\":\"cli-1\",\"attempt\":\"a\",\"expiresAt\":\""
            + Instant.now().plusSeconds(600)
            + "\",\"holder\":{\"host\":\""
            + InetAddress.getLocalHost().getHostName()
            + "\",\"pid\":"
            + handle.pid()
            + ",\"startedAt\":\""
            + started.truncatedTo(ChronoUnit.MILLIS)
            + "\"}}");
    Path state = dir.resolve("wh/cloudtrail_monthly/_state/2024/03.json");
    Files.createDirectories(state.getParent());
    Files.writeString(state, "{}");

    assertThat(run(unlock())).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains("(its process is gone)")
        .contains("Removed ")
        .contains("its saved build state file://")
        .contains("/wh/cloudtrail_monthly/_state/2024/03.json is kept");
    assertThat(lock()).doesNotExist();
    assertThat(state).exists();
  }

  @Test
  void anEmptyLockFileIsNoLeaseAndIsRemoved() throws Exception {
    Files.createDirectories(lock().getParent());
    Files.write(lock(), new byte[0]);

    assertThat(run(unlock())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("not a lease (empty)");
    assertThat(lock()).doesNotExist();
  }

  @Test
  void aRunRefusedByALiveLockNamesTheUnlockCommandWithItsWarehouseAndNoMessage() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 3), 50, 1);
    lease(ProcessHandle.current(), Instant.now().plusSeconds(600));

    int code =
        run(
            "run",
            "--month",
            "2024-03",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("\n2024-03  busy: Cannot build 2024-03: another build holds the lock ")
        .contains(
            "; if no build of 2024-03 is running, remove it with: partition-builder unlock --month 2024-03 "
                + "--warehouse "
                + dir.resolve("wh"))
        .doesNotContain("message");
  }
}
