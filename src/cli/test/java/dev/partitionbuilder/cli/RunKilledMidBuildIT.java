package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.sample.SampleData;
import dev.partitionbuilder.testing.KillableProcess;
import dev.partitionbuilder.testing.ParquetCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise that an interrupted rebuild never loses the previous partition, tried as a
 * skeptical user tries it: a real {@code partition-builder run} (a JVM of its own on
 * target/cli/classes and target/cli/cli.classpath, as the launcher starts it) is killed with
 * SIGKILL at a seeded random moment of a chosen step (the query, the copies into the partition, the
 * delete of the old objects and of staging, the end: state and lock). No undo runs, unlike
 * PartitionBuilderCrashTest's exceptions.
 *
 * <p>After every kill, the month must be readable: every file in the partition a complete Parquet
 * file (its bytes and DuckDB agree), and the partition the old set, the new set, or both (every
 * file of one set and whole files of the other). Then a plain {@code run} of the same month must
 * exit 0 at once and leave exactly one complete new set with every source line as a row, and
 * nothing else anywhere in the warehouse. Every kill runs to the end; the test fails afterwards
 * with every failure, and writes the tally to target/crash-harness/.
 *
 * <p>{@code -Dcrash.seed=N} replays a run, {@code -Dcrash.kills} and {@code -Dcrash.events} size
 * it.
 */
class RunKilledMidBuildIT {
  private static final String MONTH = "2024-03";
  private static final String PREFIX = "cloudtrail_monthly/";
  private static final int EVENTS = Integer.getInteger("crash.events", 30_000);
  private static final int KILLS = Integer.getInteger("crash.kills", 30);
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  private static final Path REPORT = Path.of("target", "crash-harness", "local-run-kills.txt");

  /**
   * Where a kill is aimed: a delay after a step starts, drawn from how long the step took in an
   * unkilled run. A step starts with its --verbose log line, or for the copies and the delete,
   * which take milliseconds, when the warehouse shows it: the first new entry in the partition, the
   * first old file gone.
   */
  enum Aim {
    QUERY("started; its state is saved", "step=query took", Trigger.NONE),
    COPY("step=cleanup took", "step=replace copied", Trigger.NEW_ENTRY),
    DELETE("step=replace copied", "step=replace took", Trigger.OLD_GONE),
    FINISH("step=replace took", "step=unlock", Trigger.NONE);

    final String from;
    final String to;
    final Trigger trigger;

    Aim(String from, String to, Trigger trigger) {
      this.from = from;
      this.to = to;
      this.trigger = trigger;
    }
  }

  /** What the partition shows when a step has begun, seen from outside the process. */
  enum Trigger {
    NONE,
    /** Any entry not of the old set: a copy (or a copy's temporary file) has begun. */
    NEW_ENTRY,
    /** An old file is gone: the delete has begun. */
    OLD_GONE;

    BooleanSupplier in(Path partition, Set<String> oldNames) {
      return switch (this) {
        case NONE -> () -> true;
        case NEW_ENTRY ->
            () -> {
              try (Stream<Path> entries = Files.list(partition)) {
                return entries.anyMatch(
                    entry -> !oldNames.contains(entry.getFileName().toString()));
              } catch (IOException e) {
                return false;
              }
            };
        case OLD_GONE ->
            () -> oldNames.stream().anyMatch(name -> !Files.exists(partition.resolve(name)));
      };
    }
  }

  /**
   * The order kills are aimed in, repeated: most at the copies, where a kill used to cost the
   * month.
   */
  private static final List<Aim> ROTATION =
      List.of(
          Aim.QUERY, Aim.COPY, Aim.DELETE, Aim.COPY, Aim.QUERY, Aim.COPY, Aim.DELETE, Aim.FINISH);

  @TempDir static Path dir;
  private static Path source;
  private static Path pristine;
  private static Warehouse warehouse;
  private static long sourceLines;
  private static Map<String, Warehouse.PartitionFile> oldSet;
  private static final Map<Aim, Long> stepNanos = new EnumMap<>(Aim.class);

  @BeforeAll
  static void buildTheOldSet() throws Exception {
    long start = System.nanoTime();
    source = dir.resolve("source");
    SampleData.Summary sample = SampleData.generate(source, YearMonth.parse(MONTH), EVENTS, 42);
    sourceLines = sample.lines();
    System.out.printf(
        "crash harness: seed=%d (replay with -Dcrash.seed=%d), %,d source lines generated in %.1f s%n",
        SEED, SEED, sourceLines, (System.nanoTime() - start) / 1e9);
    warehouse = new Warehouse(dir.resolve("warehouse"), PREFIX, MONTH);
    KillableProcess.Ended first = run(null).await(10);
    assertThat(first.exitCode()).as(first.output()).isZero();
    // Two more builds replace the one before as every later one will: they time the steps the
    // kills are aimed at, one watching the copies begin, one the delete.
    for (Aim watched : List.of(Aim.COPY, Aim.DELETE)) {
      KillableProcess.Ended timed =
          run(KillableProcess.Aim.watch(
                  watched.from,
                  watched.trigger.in(warehouse.partition(), warehouse.read().partition().keySet())))
              .await(10);
      assertThat(timed.exitCode()).as(timed.output()).isZero();
      for (Aim aim : Aim.values()) {
        long nanos =
            aim == watched
                ? lineAt(timed, aim.to) - timed.triggeredAt()
                : aim.trigger == Trigger.NONE ? timed.nanosBetween(aim.from, aim.to) : -1;
        if (nanos >= 0) {
          stepNanos.merge(aim, Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos), Math::max);
        }
      }
    }
    Warehouse.Month built = warehouse.read();
    assertThat(built.elsewhere()).as(built.tree()).isEmpty();
    oldSet = built.partition();
    assertThat(oldSet).hasSizeGreaterThan(1);
    pristine = dir.resolve("pristine");
    Warehouse.copy(warehouse.root(), pristine);
    System.out.printf(
        "crash harness: old set %d files, %,d bytes; steps of an unkilled run (ms): %s; set up in %.1f s%n",
        oldSet.size(),
        oldSet.values().stream().mapToLong(Warehouse.PartitionFile::size).sum(),
        millis(stepNanos),
        (System.nanoTime() - start) / 1e9);
  }

  @Test
  void aRunKilledWithSigkillAtAnyStepLeavesAReadableMonthAndThePlainRerunBuildsItOnce()
      throws Exception {
    Random random = new Random(SEED);
    Tally tally = new Tally();
    List<String> failures = new ArrayList<>();
    try (ParquetCheck parquet = ParquetCheck.open()) {
      int attempt = 0;
      while (tally.kills < KILLS && attempt < 2 * KILLS) {
        Aim aim = ROTATION.get(attempt++ % ROTATION.size());
        long delay = (long) (random.nextDouble() * stepNanos.get(aim));
        warehouse.restore(pristine);
        KillableProcess.Ended killed =
            run(new KillableProcess.Aim(
                    aim.from, aim.trigger.in(warehouse.partition(), oldSet.keySet()), delay))
                .await(10);
        CliProcesses.removeMetastoresOfDeadRuns(dir.resolve("jvm-tmp"));
        String label =
            String.format(
                "kill %d (aimed at %s, %.2f ms after %s)",
                tally.kills + 1,
                aim,
                delay / 1e6,
                aim.trigger == Trigger.NONE
                    ? "\"" + aim.from + "\""
                    : "the partition showed " + aim.trigger);
        if (!killed.killed()) {
          // It ended first: then it is a plain run, and must have built the month.
          tally.missed++;
          finished(killed, "unkilled run, " + label, parquet, failures);
          continue;
        }
        tally.kills++;
        Warehouse.Month after = warehouse.read();
        String phase = phase(killed, after);
        String month = afterKill(after, parquet, label + ", landed in " + phase, killed, failures);
        tally.add(aim, phase, month);

        KillableProcess.Ended rerun = run(null).await(10);
        String outcome;
        if (rerun.exitCode() != 0 && rerun.output().contains("another build holds the lock")) {
          outcome = "refused as busy";
          failures.add(
              label
                  + ", landed in "
                  + phase
                  + ": the plain rerun was refused as busy (exit "
                  + rerun.exitCode()
                  + ") although no build is running:\n"
                  + rerun.tail(3));
          // See what the month would become once the lock is out of the way (its lease run out, or
          // removed by hand), so the report says everything that is wrong, not only the first
          // thing.
          Files.deleteIfExists(
              warehouse.root().resolve(PREFIX + "_locks/" + MONTH.replace('-', '/')));
          rerun = run(null).await(10);
        } else {
          outcome = "";
        }
        int before = failures.size();
        finished(
            rerun,
            (outcome.isEmpty()
                    ? "rerun after "
                    : "rerun, once its lock was removed by hand, after ")
                + label,
            parquet,
            failures);
        String result =
            rerun.exitCode() != 0
                ? "failed, exit " + rerun.exitCode()
                : failures.size() > before ? "built, but wrong" : "built";
        outcome =
            outcome.equals("refused as busy")
                ? outcome + "; once the lock was removed: " + result
                : result;
        tally.reruns.merge(outcome, 1, Integer::sum);
        System.out.printf(
            "crash harness: %s: landed in %s; month %s; rerun %s%s%n",
            label,
            phase,
            month,
            outcome,
            failures.size() > before ? " (" + (failures.size() - before) + " failure(s))" : "");
      }
    }
    String report = tally.report(failures);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, report);
    System.out.println(report);
    assertThat(tally.kills)
        .as("kills that landed before the run ended (%d attempts)", tally.kills + tally.missed)
        .isEqualTo(KILLS);
    assertThat(failures).as("seed %d; tally in %s", SEED, REPORT).isEmpty();
  }

  /**
   * Checks the month right after a kill and names its state: "old", "old + part of new", "old +
   * new", "new + part of old" or "new". Adds a failure for a file that is incomplete or of neither
   * set, or a month that holds neither set whole.
   */
  private static String afterKill(
      Warehouse.Month month,
      ParquetCheck parquet,
      String label,
      KillableProcess.Ended run,
      List<String> failures) {
    List<String> problems = new ArrayList<>();
    Map<String, ParquetCheck.Verdict> verdicts = warehouse.check(parquet, month);
    int oldFiles = 0;
    Set<String> newQueries = new HashSet<>();
    int newFiles = 0;
    long newRows = 0;
    for (Warehouse.PartitionFile file : month.partition().values()) {
      ParquetCheck.Verdict verdict = verdicts.get(file.name());
      if (!verdict.complete()) {
        problems.add(
            file.name()
                + " ("
                + file.size()
                + " bytes) is not a complete Parquet file: "
                + verdict.problem());
      }
      Warehouse.PartitionFile old = oldSet.get(file.name());
      if (old != null) {
        oldFiles++;
        if (!old.sha256().equals(file.sha256())) {
          problems.add(
              file.name()
                  + " has the old set's name but other bytes ("
                  + file.size()
                  + " bytes, was "
                  + old.size()
                  + ")");
        }
      } else {
        newFiles++;
        newQueries.add(file.queryId());
        newRows += Math.max(0, verdict.rows());
      }
    }
    if (newQueries.size() > 1) {
      problems.add("files of " + newQueries.size() + " new queries: " + newQueries);
    }
    boolean oldWhole = oldFiles == oldSet.size();
    boolean newWhole =
        newFiles == oldSet.size() && newRows == sourceLines && newQueries.size() == 1;
    if (!oldWhole && !newWhole) {
      problems.add(
          "neither set is whole: "
              + oldFiles
              + " of "
              + oldSet.size()
              + " old file(s), "
              + newFiles
              + " new file(s) with "
              + newRows
              + " of "
              + sourceLines
              + " rows");
    }
    if (!problems.isEmpty()) {
      failures.add(
          label
              + ": the month is not readable as the old set, the new set or both:\n    - "
              + String.join("\n    - ", problems)
              + "\n  warehouse:\n"
              + month.tree()
              + "  last output:\n"
              + run.tail(4));
      return "BROKEN";
    }
    if (oldWhole && newFiles == 0) {
      return "old";
    }
    if (oldWhole) {
      return newWhole ? "old + new" : "old + part of new";
    }
    return oldFiles == 0 ? "new" : "new + part of old";
  }

  /** A run that should have built the month: exit 0, one complete new set, nothing else left. */
  private static void finished(
      KillableProcess.Ended run, String label, ParquetCheck parquet, List<String> failures)
      throws IOException {
    Warehouse.Month month = warehouse.read();
    List<String> problems = new ArrayList<>();
    if (run.exitCode() != 0) {
      problems.add("exit " + run.exitCode());
    }
    Map<String, ParquetCheck.Verdict> verdicts = warehouse.check(parquet, month);
    Set<String> queries = new HashSet<>();
    long rows = 0;
    for (Warehouse.PartitionFile file : month.partition().values()) {
      ParquetCheck.Verdict verdict = verdicts.get(file.name());
      if (!verdict.complete()) {
        problems.add(
            file.name()
                + " ("
                + file.size()
                + " bytes) is not a complete Parquet file: "
                + verdict.problem());
      }
      if (oldSet.containsKey(file.name())) {
        problems.add("an old file is left: " + file.name());
      } else {
        queries.add(file.queryId());
        rows += Math.max(0, verdict.rows());
      }
    }
    if (queries.size() != 1 || month.partition().size() != oldSet.size() || rows != sourceLines) {
      problems.add(
          "not exactly one complete new set: "
              + month.partition().size()
              + " file(s) of "
              + queries.size()
              + " new query(ies), "
              + rows
              + " rows readable of "
              + sourceLines
              + " ("
              + oldSet.size()
              + " files expected)");
    }
    if (!month.elsewhere().isEmpty() || !month.hiddenInPartition().isEmpty()) {
      List<String> left = new ArrayList<>(month.elsewhere());
      left.addAll(month.hiddenInPartition());
      problems.add("left behind: " + left);
    }
    if (!problems.isEmpty()) {
      failures.add(
          label
              + ":\n    - "
              + String.join("\n    - ", problems)
              + "\n  warehouse:\n"
              + month.tree()
              + "  last output:\n"
              + run.tail(4));
    }
  }

  /**
   * The step a kill landed in, as far as it can be seen from outside: before the query ended, the
   * last step line the run printed; after it, what the warehouse holds (how many of the new files
   * are in the partition, how many old ones are left, whether staging, state or lock remain).
   */
  private static String phase(KillableProcess.Ended run, Warehouse.Month after) {
    String phase = "start (before the lock)";
    for (KillableProcess.Line line : run.lines()) {
      if (line.text().contains("step=lock")) {
        phase = "before the query (temp table, staging)";
      } else if (line.text().contains("started; its state is saved")) {
        phase = "query";
      } else if (line.text().contains("step=query took")) {
        phase = "replace";
      }
    }
    if (!phase.equals("replace")) {
      return phase;
    }
    long oldLeft = after.partition().keySet().stream().filter(oldSet::containsKey).count();
    long copies = after.partition().size() - oldLeft;
    if (copies < oldSet.size()) {
      return copies == 0 ? "copy (no copy in the partition yet)" : "copy";
    }
    if (oldLeft == oldSet.size()) {
      return "after the copies, before the delete";
    }
    if (oldLeft > 0) {
      return "delete of the old files";
    }
    if (after.elsewhere().stream()
        .anyMatch(key -> key.startsWith(PREFIX + "_staging/") && !key.endsWith("/"))) {
      return "clear staging";
    }
    return after.elsewhere().isEmpty() ? "after the lock's release" : "state and lock release";
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
        warehouse.root().toString(),
        "--verbose");
  }

  /** When the first line containing {@code text} was read. */
  private static long lineAt(KillableProcess.Ended run, String text) {
    return run.lines().stream()
        .filter(line -> line.text().contains(text))
        .mapToLong(KillableProcess.Line::nanos)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("No \"" + text + "\" in the run's output:\n" + run.output()));
  }

  private static String millis(Map<Aim, Long> nanos) {
    Map<Aim, String> shown = new EnumMap<>(Aim.class);
    nanos.forEach((aim, n) -> shown.put(aim, String.format("%.1f", n / 1e6)));
    return shown.toString();
  }

  /**
   * Kills per aim and per step they landed in, what the month was after each, how the reruns went.
   */
  private static final class Tally {
    int kills;
    int missed;
    final Map<String, Map<String, Integer>> byPhase = new TreeMap<>();
    final Map<Aim, Integer> byAim = new EnumMap<>(Aim.class);
    final Map<String, Integer> reruns = new TreeMap<>();

    void add(Aim aim, String phase, String month) {
      byAim.merge(aim, 1, Integer::sum);
      byPhase.computeIfAbsent(phase, p -> new TreeMap<>()).merge(month, 1, Integer::sum);
    }

    String report(List<String> failures) {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "Local run killed with SIGKILL: seed %d, %,d source lines, old set of %d files%n",
              SEED, sourceLines, oldSet.size()));
      out.append(
          String.format(
              "%d kills landed (%d more runs ended before their kill); aimed at %s%n",
              kills, missed, byAim));
      out.append("landed in (month right after the kill):\n");
      byPhase.forEach(
          (phase, months) ->
              out.append(
                  String.format(
                      "  %-42s %3d  %s%n",
                      phase, months.values().stream().mapToInt(Integer::intValue).sum(), months)));
      out.append("plain reruns: ").append(reruns).append('\n');
      out.append(failures.size()).append(" failure(s)").append(failures.isEmpty() ? "\n" : ":\n");
      failures.forEach(f -> out.append("- ").append(f).append('\n'));
      return out.toString();
    }
  }
}
