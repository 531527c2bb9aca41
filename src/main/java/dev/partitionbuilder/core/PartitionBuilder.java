package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.QueryExecution.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one monthly partition: drop the temporary table, delete the partition's objects, run
 * the CTAS into the partition's location and wait for it, drop the temporary table (also when the
 * query failed). Every step tolerates having already happened, so a retried message is safe.
 */
public final class PartitionBuilder {
  private static final Logger log = LoggerFactory.getLogger(PartitionBuilder.class);

  private final TableLayout layout;
  private final CtasTemplate template;
  private final ObjectStore store;
  private final Catalog catalog;
  private final QueryEngine engine;
  private final PollPolicy poll;
  private final Clock clock;
  private final Sleeper sleeper;

  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper) {
    this.layout = requireNonNull(layout, "layout is null");
    this.template = requireNonNull(template, "template is null");
    this.store = requireNonNull(store, "store is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.poll = requireNonNull(poll, "poll is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  public BuildResult build(BuildRequest request) {
    PartitionPlan plan = PartitionPlan.of(layout, request.month());
    String sql = template.render(layout, request.month());
    String context = "messageId=" + request.requestKey() + " month=" + plan.month();
    String prefix = requireInsidePartition(plan.partitionPrefix());
    Map<Step, Duration> steps = new EnumMap<>(Step.class);
    Instant attemptStart = clock.instant();

    timed(steps, Step.DROP_TEMP_TABLE, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    int deleted = timed(steps, Step.CLEAR_PARTITION, context, () -> store.deleteAll(prefix));
    log.info("{} step=clear-partition deleted {} object(s) under {}", context, deleted, plan.location());

    QueryExecution done;
    try {
      done = timed(steps, Step.QUERY, context, () -> runQuery(plan, sql, request, attemptStart, context));
    } catch (RuntimeException e) {
      dropTempTableAfterFailure(steps, plan, context, e);
      throw e;
    }
    timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));

    OptionalLong rows = engine.rowsWritten(done.id());
    List<ObjectStore.StoredObject> written = store.list(prefix);
    long bytes = written.stream().mapToLong(ObjectStore.StoredObject::size).sum();
    log.info("{} queryExecutionId={} built: {} row(s), {} file(s), {} byte(s) at {}; scanned {} byte(s)",
        context, done.id(), rows.isPresent() ? rows.getAsLong() : "unknown", written.size(), bytes, plan.location(), done.bytesScanned());
    return new BuildResult(plan.month(), done.id(), rows, done.bytesScanned(), done.engineMillis(),
        deleted, written.size(), bytes, steps);
  }

  private QueryExecution runQuery(PartitionPlan plan, String sql, BuildRequest request, Instant attemptStart, String context) {
    String id = engine.start(sql, token(request.requestKey(), sql));
    if (request.redelivered()) {
      QueryExecution first = engine.get(id);
      if (first.submittedAt().isBefore(attemptStart)) {
        // Athena handed back the query an earlier delivery of this message started. Whatever it
        // wrote was just deleted with the partition, so it cannot be this build's result: let it
        // end, clear again, and run the query once more under a token of this attempt's own.
        log.warn("{} queryExecutionId={} was started by an earlier delivery ({}), now {}; "
            + "its output was cleared, so the query runs again", context, id, first.submittedAt(), first.state());
        if (!first.state().isDone()) {
          engine.stop(id);
          await(id, plan, request.deadline(), context);
        }
        catalog.dropTableIfExists(plan.database(), plan.tempTable());
        store.deleteAll(plan.partitionPrefix());
        id = engine.start(sql, token(request.requestKey() + "@" + attemptStart, sql));
      }
    }
    log.info("{} queryExecutionId={} started", context, id);
    QueryExecution done = await(id, plan, request.deadline(), context);
    if (done.state() != State.SUCCEEDED) {
      throw new QueryFailedException("Cannot build " + plan.month() + ": query " + id + " " + done.describe(), done);
    }
    return done;
  }

  /** Polls with backoff until the query ends, or stops it when the next poll would pass the deadline. */
  private QueryExecution await(String id, PartitionPlan plan, Instant deadline, String context) {
    for (int attempt = 0; ; attempt++) {
      QueryExecution execution = engine.get(id);
      if (execution.state().isDone()) {
        return execution;
      }
      Duration delay = poll.delay(attempt);
      if (clock.instant().plus(delay).isAfter(deadline)) {
        engine.stop(id);
        throw new QueryFailedException("Cannot build " + plan.month() + ": query " + id + " was still " + execution.state()
            + " at the deadline " + deadline + "; it was stopped", execution);
      }
      log.debug("{} queryExecutionId={} {}; next look in {} ms", context, id, execution.state(), delay.toMillis());
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PartitionBuilderException("Interrupted while waiting for query " + id, e);
      }
    }
  }

  private void dropTempTableAfterFailure(Map<Step, Duration> steps, PartitionPlan plan, String context,
      RuntimeException failure) {
    try {
      timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    } catch (RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  /** The one guard between a computed prefix and a delete: below the table's root, never the root. */
  private String requireInsidePartition(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    if (!prefix.startsWith(layout.prefix()) || prefix.length() <= layout.prefix().length()) {
      throw new IllegalStateException("Refusing to delete " + prefix + ": not inside table root " + layout.prefix());
    }
    return prefix;
  }

  private <T> T timed(Map<Step, Duration> steps, Step step, String context, Supplier<T> action) {
    Instant start = clock.instant();
    try {
      return action.get();
    } finally {
      Duration took = Duration.between(start, clock.instant());
      steps.merge(step, took, Duration::plus);
      log.info("{} step={} took {} ms", context, step.label(), took.toMillis());
    }
  }

  /**
   * Athena's ClientRequestToken (32 to 128 characters): the same request and SQL always give the
   * same token, so an SDK retry or a second start for one message returns the first execution
   * instead of running a second CTAS. The SQL is part of it because Athena rejects a reused token
   * whose query text changed.
   */
  static String token(String requestKey, String sql) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(requestKey.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(sql.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
