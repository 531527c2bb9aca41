package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.sample.SampleData;
import dev.partitionbuilder.testing.KillableProcess;
import dev.partitionbuilder.testing.ParquetCheck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunKilledMidBuildIT} for a destination table without projection, whose months are
 * partitions swapped to each build's own location: real {@code run} processes killed with SIGKILL
 * at seeded random moments from the start of their query to their end. After each kill the month's
 * partition must point at a location holding one whole set of complete Parquet files with every
 * source line (the previous build's or the killed one's), and the plain rerun must build it again
 * leaving only its own location below the month (PARTITION_GRACE_SECONDS=0), with no state or lock.
 *
 * <p>{@code -Dcrash.seed=N} replays a run; {@code -Dcrash.swapKills} and {@code -Dcrash.events}
 * size it.
 */
class RunKilledMidSwapIT {
  private static final String MONTH = "2024-03";
  private static final int EVENTS = Integer.getInteger("crash.events", 30_000);
  private static final int KILLS = Integer.getInteger("crash.swapKills", 10);
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  private static final String STARTED = "started; its state is saved";
  private static final String QUERIED = "step=query took";
  private static final String RELEASED = "step=unlock";

  @TempDir static Path dir;
  private static Path source;
  private static Path warehouse;
  private static Path config;
  private static long sourceLines;
  private static long queryNanos;
  private static long swapNanos;

  @BeforeAll
  static void buildTheMonthOnce() throws Exception {
    source = dir.resolve("source");
    sourceLines = SampleData.generate(source, YearMonth.parse(MONTH), EVENTS, 42).lines();
    warehouse = dir.resolve("warehouse");
    String bundled = Files.readString(Path.of("ddl/cloudtrail_monthly.sql"));
    Path ddl = dir.resolve("glue_partitions.sql");
    Files.writeString(ddl, bundled.substring(0, bundled.indexOf("TBLPROPERTIES")));
    config = dir.resolve("local.env");
    Files.writeString(config, "DST_TABLE_DDL=" + ddl + "\nPARTITION_GRACE_SECONDS=0\n");
    KillableProcess.Ended first = run(null).await(10);
    assertThat(first.exitCode()).as(first.output()).isZero();
    queryNanos = first.nanosBetween(STARTED, QUERIED);
    swapNanos = first.nanosBetween(QUERIED, RELEASED);
    System.out.printf(
        "swap crash harness: seed=%d (replay with -Dcrash.seed=%d), %,d source lines; an unkilled run's "
            + "query took %.0f ms, then the swap to the lock's release %.0f ms%n",
        SEED, SEED, sourceLines, queryNanos / 1e6, swapNanos / 1e6);
  }

  @Test
  void aRunKilledAtAnyMomentLeavesThePartitionOnAWholeLocationAndTheRerunBuildsItOnce()
      throws Exception {
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> landed = new TreeMap<>();
    int kills = 0;
    int attempts = 0;
    try (ParquetCheck parquet = ParquetCheck.open()) {
      while (kills < KILLS && attempts++ < 3 * KILLS) {
        String before = location().toString();
        // In turn: a kill during the query; one once the partition has been seen to move (in the
        // retire, the sweep or the release); one at random after the query, a little past the
        // unkilled run's end too.
        int aim = attempts % 3;
        String marker = aim == 1 ? STARTED : QUERIED;
        long delay =
            (long)
                (random.nextDouble()
                    * (aim == 1 ? queryNanos : aim == 2 ? swapNanos / 2 : swapNanos * 1.2));
        java.util.function.BooleanSupplier trigger =
            aim == 2 ? () -> !before.equals(locationOrNone()) : () -> true;
        KillableProcess.Ended killed =
            run(new KillableProcess.Aim(marker, trigger, delay)).await(10);
        CliProcesses.removeMetastoresOfDeadRuns(dir.resolve("jvm-tmp"));
        String label =
            String.format(
                "kill %d (%.0f ms after \"%s\"%s)",
                kills + 1, delay / 1e6, marker, aim == 2 ? " and the partition moved" : "");
        if (!killed.killed()) {
          assertWhole(parquet, label + ": ended before the kill", failures);
          continue;
        }
        kills++;
        String where =
            location().toString().equals(before)
                ? "the previous location"
                : "the killed run's location";
        landed.merge(where, 1, Integer::sum);
        assertWhole(parquet, label + ", partition on " + where, failures);

        KillableProcess.Ended rerun = run(null).await(10);
        if (rerun.exitCode() != 0) {
          failures.add(
              label + ": the plain rerun exited " + rerun.exitCode() + ":\n" + rerun.tail(3));
          continue;
        }
        assertWhole(parquet, "rerun after " + label, failures);
        List<Path> builds = builds();
        if (builds.size() != 1 || !location().equals(builds.get(0))) {
          failures.add(
              "rerun after "
                  + label
                  + ": below the month are "
                  + builds
                  + ", not only the partition's "
                  + location());
        }
        Path internal = warehouse.resolve("cloudtrail_monthly");
        for (String left : List.of("_state/2024/03.json", "_locks/2024/03")) {
          if (Files.exists(internal.resolve(left))) {
            failures.add("rerun after " + label + ": " + left + " was left");
          }
        }
        System.out.printf("swap crash harness: %s: partition on %s; rerun built%n", label, where);
      }
    }
    System.out.printf(
        "swap crash harness: %d kills (%s), %d failure(s)%n", kills, landed, failures.size());
    assertThat(kills)
        .as("kills that landed before the run ended (%d attempts)", attempts)
        .isEqualTo(KILLS);
    assertThat(failures).as("seed %d", SEED).isEmpty();
  }

  /**
   * The partition's location holds complete Parquet files with every source line, and nothing else.
   */
  private static void assertWhole(ParquetCheck parquet, String label, List<String> failures)
      throws IOException {
    Path location = location();
    if (!Files.isDirectory(location)) {
      failures.add(label + ": the partition points at " + location + ", which does not exist");
      return;
    }
    long rows = 0;
    try (Stream<Path> files = Files.list(location)) {
      for (Path file : files.sorted().toList()) {
        ParquetCheck.Verdict verdict = parquet.check(file);
        if (!verdict.complete()) {
          failures.add(
              label
                  + ": "
                  + file.getFileName()
                  + " is not a complete Parquet file: "
                  + verdict.problem());
        }
        rows += verdict.rows();
      }
    }
    if (rows != sourceLines) {
      failures.add(
          label
              + ": the partition's location holds "
              + rows
              + " rows, not the "
              + sourceLines
              + " source lines");
    }
  }

  /** Where the month's partition points, as the local catalog keeps it. */
  private static Path location() throws IOException {
    String uri =
        Files.readString(
                warehouse.resolve("_catalog/cloudtrail/cloudtrail_monthly/2024/03/location"))
            .strip();
    return Path.of(URI.create(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri));
  }

  /**
   * {@link #location()} as text, or "" while the catalog file cannot be read, for a trigger polled
   * from outside.
   */
  private static String locationOrNone() {
    try {
      return location().toString();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static List<Path> builds() throws IOException {
    try (Stream<Path> builds =
        Files.list(warehouse.resolve("cloudtrail_monthly/year=2024/month=03"))) {
      return builds.sorted().toList();
    }
  }

  /** Starts {@code run} for the month in a JVM of its own, as ./partition-builder does. */
  private static KillableProcess run(KillableProcess.Aim aim) throws IOException {
    return CliProcesses.start(
        dir.resolve("jvm-tmp"),
        aim,
        "run",
        "--month",
        MONTH,
        "--source",
        source.toString(),
        "--warehouse",
        warehouse.toString(),
        "--config",
        config.toString(),
        "--verbose");
  }
}
