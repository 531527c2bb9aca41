package dev.partitionbuilder.cli;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.core.MonthLocks;
import dev.partitionbuilder.local.LocalBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Removes a month's lock that no build holds any more (its process crashed or was killed), so the
 * month need not wait for the lease to run out. The saved build state is kept: the next run resumes
 * or starts over from it.
 */
@Command(
    name = "unlock",
    mixinStandardHelpOptions = true,
    header = "Removes a month's lock that a crashed or killed build left.",
    description = {
      "Removes a month's lock that a crashed or killed build left. Refuses a lock whose lease has not run "
          + "out and whose process is not known to be gone (locally: not running on this host), unless --force.",
      "The month's saved build state, if any, is kept: the next run resumes or starts over from it."
    })
final class UnlockCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(
      names = "--month",
      required = true,
      paramLabel = "YYYY-MM",
      description = "the month whose lock to remove")
  String month;

  @Option(
      names = "--engine",
      defaultValue = "local",
      description = "local (default: the lock in --warehouse) or athena (the lock in DST_BUCKET)")
  RunCommand.Engine engine;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description = "the local warehouse (default: local/warehouse)")
  Path warehouse = LocalEngineOptions.DEFAULT_WAREHOUSE;

  @Option(
      names = "--force",
      description =
          "remove the lock even if a build may still hold it: two builds of the "
              + "month may then run at once")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    YearMonth target = MonthRange.month(month);
    Clock clock = Clock.systemUTC();
    MonthLocks locks =
        engine == RunCommand.Engine.athena
            ? AwsBackend.monthLocks(
                config.load(),
                new AwsSetup(config.values(), "Cannot read the month's lock in S3").clients(),
                clock)
            : LocalBackend.locks(config.tableNames(), warehouse, clock);
    String state =
        locks
            .savedState(target)
            .map(
                s ->
                    "its saved build state "
                        + s
                        + " is kept: the next run resumes "
                        + "or starts over from it")
            .orElse("no saved build state");
    Optional<MonthLocks.Found> found = locks.find(target);
    if (found.isEmpty()) {
      out.println(
          target + " is not locked (" + locks.location(target) + " does not exist); " + state);
      return 0;
    }
    MonthLocks.Found lock = found.get();
    out.println("Found " + lock.location() + ": " + lock.describe());
    if (lock.live() && !force) {
      return refuse(
          "Cannot unlock "
              + target
              + ": "
              + lock.location()
              + " may be held by a build "
              + "still running ("
              + lock.describe()
              + "); stop that build, wait for its lease to run out, or pass --force "
              + "if it is surely not running");
    }
    if (!locks.remove(target, lock)) {
      return refuse(
          "Cannot unlock "
              + target
              + ": "
              + lock.location()
              + " changed or went after it "
              + "was read (a build may have taken the month): run unlock again to see it");
    }
    out.println("Removed " + lock.location() + (lock.live() ? " (--force)" : "") + "; " + state);
    return 0;
  }

  /** A lock left in place is not bad usage: exit 1, as a month that failed to build. */
  private int refuse(String why) {
    spec.commandLine().getErr().println("partition-builder: error: " + why);
    return Main.REJECTED;
  }
}
