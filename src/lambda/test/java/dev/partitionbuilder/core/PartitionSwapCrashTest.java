package dev.partitionbuilder.core;

import static dev.partitionbuilder.core.QueryExecution.State.RUNNING;
import static dev.partitionbuilder.core.QueryExecution.State.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.PartitionBuilderCrashTest.Crash;
import dev.partitionbuilder.core.PartitionBuilderCrashTest.InjectedCrash;
import dev.partitionbuilder.core.PartitionBuilderCrashTest.When;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PartitionBuilderCrashTest} for a table without projection: an attempt that dies before or
 * after any port call of a clean build leaves the month's Glue partition pointing at a location
 * that holds a whole set of files (the old one, or one query's complete output), never at a missing
 * or partial one; and the retried message points it at exactly one query's output, with no state,
 * lock or failed build's location left behind.
 */
class PartitionSwapCrashTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String BASE = "cloudtrail_monthly/year=2024/month=03/";
  private static final String OLD = BASE + "build-20240301T000000Z-00000000/";
  private static final List<String> VALUES = List.of("2024", "03");
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/",
          MonthPartitioning.of(
              new TableDefinition(
                  "cloudtrail.cloudtrail_monthly",
                  "s3://bucket/cloudtrail_monthly/",
                  List.of(
                      new TableDefinition.Column("year", "string"),
                      new TableDefinition.Column("month", "string")),
                  Map.of())));

  /**
   * A month whose partition points at an earlier build's two files, and neighbours that must never
   * change.
   */
  private static final class World {
    final Journal journal = new Journal();
    final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
    final FakeObjectStore store =
        new FakeObjectStore(journal)
            .put("cloudtrail_monthly/year=2024/month=02/build-x/f", 10)
            .put(OLD + "old-1", 100)
            .put(OLD + "old-2", 100)
            .put("cloudtrail_monthly/year=2024/month=030/sibling", 10);
    final FakeCatalog catalog = new FakeCatalog(journal);
    final FakeQueryEngine engine =
        new FakeQueryEngine(journal, clock).willRun(RUNNING, SUCCEEDED).writesInto(store);
    final Map<String, Long> before;

    World() {
      catalog.pointPartition("cloudtrail", "cloudtrail_monthly", VALUES, "s3://bucket/" + OLD);
      before = store.objects();
    }

    PartitionBuilder builder(Crash crash) {
      return new PartitionBuilder(
          LAYOUT,
          CtasTemplate.bundled(),
          crash.around(ObjectStore.class, store),
          crash.around(Catalog.class, catalog),
          crash.around(QueryEngine.class, engine),
          BuildSettings.defaults(new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4)))
              .withPartitionGrace(Duration.ofMinutes(10)),
          clock,
          clock::advance);
    }

    BuildRequest request(boolean redelivered) {
      return new BuildRequest(
          MARCH, "m-1", redelivered, clock.instant().plus(Duration.ofMinutes(14)));
    }

    /** The files below the location the partition points at: what a reader of the month reads. */
    Set<String> read() {
      String location =
          catalog
              .partitionLocation("cloudtrail", "cloudtrail_monthly", VALUES)
              .orElseThrow()
              .substring("s3://bucket/".length());
      return store.objects().keySet().stream()
          .filter(k -> k.startsWith(location))
          .map(k -> k.substring(location.length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }

    Map<String, Long> outsideTheMonth() {
      return store.objects().entrySet().stream()
          .filter(
              e -> !e.getKey().startsWith(BASE) && !e.getKey().startsWith("cloudtrail_monthly/_"))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
  }

  private static boolean oneQuerysOutput(Set<String> files) {
    return files.size() == 1 && files.iterator().next().matches("q\\d+-bucket-0");
  }

  static Stream<Arguments> everyCallOfACleanBuild() {
    World clean = new World();
    Crash counting = new Crash(Integer.MAX_VALUE, When.BEFORE);
    clean.builder(counting).build(clean.request(false));
    List<Arguments> cases = new ArrayList<>();
    for (int at = 1; at <= counting.calls; at++) {
      for (When when : When.values()) {
        cases.add(Arguments.of(at, when));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "crash {1} call {0}")
  @MethodSource("everyCallOfACleanBuild")
  void anAttemptThatDiesAtAnyCallLeavesThePartitionReadableAndTheRetrySwapsInOneQuerysOutput(
      int at, When when) {
    World world = new World();
    Crash crash = new Crash(at, when);
    try {
      world.builder(crash).build(world.request(false));
    } catch (RuntimeException e) {
      assertThat(
              Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause)
                  .flatMap(t -> Stream.concat(Stream.of(t), Stream.of(t.getSuppressed()))))
          .as("the build failed of the injected crash (%s): %s", crash.where, e)
          .anyMatch(InjectedCrash.class::isInstance);
    }

    String seen = "crash " + crash.where + ": " + world.store.objects().keySet();
    assertThat(crash.where).as("call %d was made", at).isNotNull();
    Set<String> read = world.read();
    assertThat(read.equals(Set.of("old-1", "old-2")) || oneQuerysOutput(read))
        .as("readers see the old files or one query's whole output: " + read + "; " + seen)
        .isTrue();
    assertThat(world.outsideTheMonth())
        .as(seen)
        .isEqualTo(
            world.before.entrySet().stream()
                .filter(e -> !e.getKey().startsWith(BASE))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

    world.clock.advance(Duration.ofMinutes(20));
    BuildResult retried =
        world.builder(new Crash(Integer.MAX_VALUE, When.BEFORE)).build(world.request(true));

    String after =
        "after the retry of crash " + crash.where + ": " + world.store.objects().keySet();
    assertThat(world.read()).as(after).containsExactly(retried.queryExecutionId() + "-bucket-0");
    assertThat(world.store.objects().keySet())
        .as(after)
        .noneMatch(
            k ->
                k.startsWith("cloudtrail_monthly/_locks/")
                    || k.equals("cloudtrail_monthly/_state/2024/03.json"));
    // Below the month: the partition's location and retired ones within their grace, no failed
    // build's.
    String retired = world.store.read(LAYOUT.retiredKey(MARCH)).map(String::new).orElse("");
    String location =
        world.catalog.partitionLocation("cloudtrail", "cloudtrail_monthly", VALUES).orElseThrow();
    Set<String> builds =
        world.store.objects().keySet().stream()
            .filter(k -> k.startsWith(BASE))
            .map(k -> k.substring(0, k.indexOf('/', BASE.length()) + 1))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(builds)
        .as(after + " retired: " + retired)
        .allMatch(b -> location.equals("s3://bucket/" + b) || retired.contains("\"" + b + "\""))
        .hasSizeLessThanOrEqualTo(3);
  }
}
