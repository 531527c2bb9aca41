package dev.partitionbuilder.core;

import static dev.partitionbuilder.core.QueryExecution.State.RUNNING;
import static dev.partitionbuilder.core.QueryExecution.State.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
 * An attempt that dies between any two steps: every call the builder makes to a port, in a clean
 * build, is made to throw once, either before it reaches the port or after it did its work (a lost
 * answer). After each such attempt the partition holds its old objects, or its old objects and a
 * complete set of new ones (the documented window), or exactly the new ones; nothing outside the
 * month is touched. The retried message then builds the month completely: exactly one query's files
 * in the partition, staging empty, no saved state, no lock, no temporary table.
 */
class PartitionBuilderCrashTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String PARTITION = "cloudtrail_monthly/2024/03/";
  private static final String STAGING = "cloudtrail_monthly/_staging/2024/03/";
  private static final String STATE = "cloudtrail_monthly/_state/2024/03.json";
  private static final String LOCK = "cloudtrail_monthly/_locks/2024/03";
  private static final Set<String> OLD = Set.of(PARTITION + "old-1", PARTITION + "old-2");
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");

  enum When {
    BEFORE,
    AFTER
  }

  /** The exception an attempt dies of. */
  static final class InjectedCrash extends RuntimeException {
    InjectedCrash(String message) {
      super(message);
    }
  }

  /** Counts the builder's calls to the ports and throws at the {@code at}th. */
  static final class Crash {
    final int at;
    final When when;
    int calls;
    volatile String where;

    Crash(int at, When when) {
      this.at = at;
      this.when = when;
    }

    <T> T around(Class<T> port, T delegate) {
      return port.cast(
          Proxy.newProxyInstance(
              port.getClassLoader(),
              new Class<?>[] {port},
              (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                  return method.invoke(delegate, args);
                }
                boolean now;
                // The builder copies on several threads: each call gets its own number.
                synchronized (this) {
                  now = ++calls == at;
                }
                String call =
                    port.getSimpleName()
                        + "."
                        + method.getName()
                        + (args == null ? "" : " " + args[0]);
                if (now && when == When.BEFORE) {
                  where = "before " + call;
                  throw new InjectedCrash("crash " + where);
                }
                Object result;
                try {
                  result = method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
                if (now) {
                  where = "after " + call;
                  throw new InjectedCrash("crash " + where);
                }
                return result;
              }));
    }
  }

  /**
   * A month with two old files, neighbours that must never change, and a leftover temporary table.
   */
  private static final class World {
    final Journal journal = new Journal();
    final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
    final FakeObjectStore store =
        new FakeObjectStore(journal)
            .put("cloudtrail_monthly/2024/02/old-feb", 10)
            .put(PARTITION + "old-1", 100)
            .put(PARTITION + "old-2", 100)
            .put("cloudtrail_monthly/2024/030/sibling", 10)
            .put("cloudtrail_monthly/_staging/2024/04/other-month", 10)
            .put("cloudtrail_monthly/2024/03", 10);
    final FakeCatalog catalog =
        new FakeCatalog(journal).add("cloudtrail", "cloudtrail_monthly_temp_202403");
    final FakeQueryEngine engine =
        new FakeQueryEngine(journal, clock)
            .willRun(RUNNING, SUCCEEDED)
            .onSuccess(
                id -> {
                  // As a CTAS does: files in its location, and the temporary table in the catalog.
                  store.put(STAGING + id + "-bucket-0", 500).put(STAGING + id + "-bucket-1", 700);
                  catalog.add("cloudtrail", "cloudtrail_monthly_temp_202403");
                });
    final Map<String, Long> before = store.objects();

    PartitionBuilder builder(Crash crash) {
      return new PartitionBuilder(
          LAYOUT,
          CtasTemplate.bundled(),
          crash.around(ObjectStore.class, store),
          crash.around(Catalog.class, catalog),
          crash.around(QueryEngine.class, engine),
          BuildSettings.defaults(new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4))),
          clock,
          clock::advance);
    }

    BuildRequest request(boolean redelivered) {
      return new BuildRequest(
          MARCH, "m-1", redelivered, clock.instant().plus(Duration.ofMinutes(14)));
    }

    Set<String> partition() {
      return store.objects().keySet().stream()
          .filter(k -> k.startsWith(PARTITION))
          .collect(Collectors.toCollection(TreeSet::new));
    }

    Map<String, Long> outside() {
      return store.objects().entrySet().stream()
          .filter(
              e ->
                  !e.getKey().startsWith(PARTITION)
                      && !e.getKey().startsWith(STAGING)
                      && !e.getKey().equals(STATE)
                      && !e.getKey().equals(LOCK))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
  }

  /** One query's complete output in the partition: its two files, named by its id. */
  private static boolean isOneQuerysFiles(Set<String> keys) {
    if (keys.size() != 2) {
      return false;
    }
    String first = keys.iterator().next().substring(PARTITION.length());
    String query = first.substring(0, first.indexOf("-bucket-"));
    return keys.equals(Set.of(PARTITION + query + "-bucket-0", PARTITION + query + "-bucket-1"));
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
  void anAttemptThatDiesAtAnyCallLeavesThePartitionWholeAndTheRetryBuildsTheMonth(
      int at, When when) {
    World world = new World();
    Crash crash = new Crash(at, when);

    boolean failed = false;
    try {
      world.builder(crash).build(world.request(false));
    } catch (RuntimeException e) {
      failed = true;
      assertThat(
              Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause)
                  .flatMap(t -> Stream.concat(Stream.of(t), Stream.of(t.getSuppressed()))))
          .as(
              "the build failed of the injected crash (%s), not of something else: %s",
              crash.where, e)
          .anyMatch(InjectedCrash.class::isInstance);
    }

    String seen = "crash " + crash.where + ": " + world.store.objects().keySet();
    assertThat(crash.where).as("call %d was made", at).isNotNull();
    assertThat(world.outside())
        .as(seen)
        .isEqualTo(
            world.before.entrySet().stream()
                .filter(e -> !e.getKey().startsWith(PARTITION))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    Set<String> partition = world.partition();
    Set<String> added = new TreeSet<>(partition);
    added.removeAll(OLD);
    boolean whole =
        partition.equals(OLD)
            || (partition.containsAll(OLD) && isOneQuerysFiles(added))
            || isOneQuerysFiles(partition);
    assertThat(whole)
        .as(
            "the partition is its old objects, old plus one complete new set, or one new set: "
                + seen)
        .isTrue();
    if (!failed) {
      assertThat(isOneQuerysFiles(partition)).as(seen).isTrue();
    }

    // The message comes back after the visibility timeout, by when any lease it left ran out.
    world.clock.advance(Duration.ofMinutes(20));
    BuildResult retried =
        world.builder(new Crash(Integer.MAX_VALUE, When.BEFORE)).build(world.request(true));

    String after =
        "after the retry of crash " + crash.where + ": " + world.store.objects().keySet();
    assertThat(isOneQuerysFiles(world.partition())).as(after).isTrue();
    assertThat(world.partition())
        .as(after)
        .allMatch(k -> k.startsWith(PARTITION + retried.queryExecutionId() + "-bucket-"));
    assertThat(world.store.objects().keySet())
        .as(after)
        .noneMatch(k -> k.startsWith(STAGING) || k.equals(STATE) || k.equals(LOCK));
    assertThat(world.catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403"))
        .as(after)
        .isFalse();
    assertThat(world.engine.startedSql()).as(after).hasSizeBetween(1, 2);
  }
}
