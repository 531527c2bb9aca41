package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.QueryExecution.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Rebuilds one monthly partition as a staged replace, holding the month's lock throughout:
 *
 * <ol>
 *   <li>take the month's lock ({@link MonthLock}); if another build holds it, throw {@link
 *       MonthBusyException} having touched nothing else;
 *   <li>read the month's saved state ({@link BuildCheckpoint}): an earlier attempt's query that is
 *       still queued or running, or that succeeded, is waited on (resumed) instead of run again,
 *       and an earlier replace that did not finish is finished; otherwise:
 *   <li>drop the temporary table if it exists;
 *   <li>clear the month's staging prefix ({@code <prefix>_staging/YYYY/MM/}), never the partition;
 *   <li>save the intent, start the CTAS into the staging location, save its id, and wait for it
 *       ({@link QueryPolicy}). A query still running at the deadline is left running for the next
 *       attempt ({@link QueryStillRunningException});
 *   <li>drop the temporary table, also when the query failed;
 *   <li>only if the query SUCCEEDED, wrote at least {@code minRows} rows (and, when asked, a share
 *       of the rows the partition holds now: {@link ReplaceGuard}) and left its files in staging:
 *       save the list of staged files and copy every one into the partition under its own name
 *       ({@link StagedReplace}), confirming the lease first;
 *   <li>only when every copy succeeded, delete exactly the old keys that are not among the new;
 *   <li>clear the staging prefix and delete the saved state;
 *   <li>release the lock, after a failure too, if it is still this build's.
 * </ol>
 *
 * A failed, cancelled or timed-out query, too few rows, or a replace that stops before every copy
 * is made (a failed copy, the deadline, an interrupt) leave the partition exactly as it was. What
 * remains is a window, not a loss: between the last copy and the delete of the old objects, readers
 * see old and new objects together (rows counted twice); and if that delete fails, the build fails
 * with both sets in place until the retried message (or the next rebuild) finishes the replace.
 * Every step tolerates having already happened, so a retried message is safe.
 *
 * <p>That is a month of a projected table. A table without projection keeps its months as catalog
 * partitions: there the CTAS writes a location of the build's own instead of staging (what failed
 * builds left is swept first), and instead of copying, one catalog call points the partition at it
 * ({@link PartitionSwap}). {@link #check} runs everything up to the replace and replaces nothing.
 *
 * <p>Interrupting the thread that runs a build (the CLI does on Ctrl-C) stops its query, undoes the
 * copies made so far, releases the lock and throws {@link BuildInterruptedException}.
 */
public final class PartitionBuilder {
  private static final Logger log = LoggerFactory.getLogger(PartitionBuilder.class);

  /**
   * The MDC key that holds the query execution a build waits on, from its start (or resume) to the
   * build's end, so every log line about it names it (the Lambda writes MDC entries as JSON
   * fields).
   */
  public static final String QUERY_EXECUTION_ID = "queryExecutionId";

  /**
   * The MDC keys of the build a line is about: its request (the SQS messageId, or the CLI run's own
   * id) and its month. The shells set them around each build and their log layouts print them, so
   * no line of the build repeats them in its text.
   */
  public static final String MESSAGE_ID = "messageId";

  public static final String MONTH = "month";

  /** How long a lock outlives the request's deadline: time for the replace after the query. */
  private static final Duration LEASE_MARGIN = Duration.ofMinutes(2);

  /**
   * How long an interrupted build waits for its stopped query to end before it gives up waiting.
   */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final TableLayout layout;
  private final CtasTemplate template;
  private final ObjectStore store;
  private final Catalog catalog;
  private final QueryEngine engine;
  private final Clock clock;
  private final long minRows;
  private final MonthLock lock;
  private final BuildCheckpoint checkpoints;
  private final QueryPolicy queries;
  private final ReplaceGuard previous;
  private final StagedReplace replace;
  private final PartitionSwap swap;

  public PartitionBuilder(
      TableLayout layout,
      CtasTemplate template,
      ObjectStore store,
      Catalog catalog,
      QueryEngine engine,
      BuildSettings settings,
      Clock clock,
      Sleeper sleeper) {
    this.layout = requireNonNull(layout, "layout is null");
    this.template = requireNonNull(template, "template is null");
    this.store = requireNonNull(store, "store is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.engine = requireNonNull(engine, "engine is null");
    requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    requireNonNull(sleeper, "sleeper is null");
    this.minRows = settings.minRows();
    this.lock = new MonthLock(layout, store, clock, settings.lockLease(), settings.holders());
    this.checkpoints = new BuildCheckpoint(layout, store);
    this.queries =
        new QueryPolicy(
            engine,
            settings.poll(),
            settings.queryRetries(),
            settings.maxScanBytes(),
            settings.rerun(),
            clock,
            sleeper);
    this.previous = new ReplaceGuard(layout, engine, queries, settings.minPreviousRowsPercent());
    this.replace =
        new StagedReplace(store, checkpoints, clock, settings.copyThreads(), settings.rerun());
    this.swap =
        new PartitionSwap(layout, store, catalog, checkpoints, clock, settings.partitionGrace());
  }

  /** Where this builder puts each month, and its own areas. */
  public TableLayout layout() {
    return layout;
  }

  /**
   * The lease this build holds: replaced when the fence renews it, so the release deletes the
   * latest.
   */
  private static final class Held {
    volatile MonthLock.Lease lease;

    Held(MonthLock.Lease lease) {
      this.lease = lease;
    }
  }

  public BuildResult build(BuildRequest request) {
    return build(request, true);
  }

  /**
   * Runs the month's query and every check a build makes before it replaces anything (MIN_ROWS,
   * MIN_PREVIOUS_ROWS_PERCENT, MAX_SCAN_BYTES, the output where the template should write it), then
   * deletes the output again: the partition, its catalog entry and every other month are left as
   * they were. Holds the month's lock like a build. Refused while a build of the month is
   * unfinished (its saved state is that build's to resume).
   *
   * @return what a build would have replaced the month with; no file copied, nothing deleted
   * @throws PartitionBuilderException naming the check that refused the output
   */
  public BuildResult check(BuildRequest request) {
    return build(request, false);
  }

  private BuildResult build(BuildRequest request, boolean replaceIt) {
    PartitionPlan plan = PartitionPlan.of(layout, request.month());
    // The lease outlives the request's deadline, so no other build takes the month from a build
    // that is still within its time (the CLI may wait longer than a Lambda can).
    Held held =
        new Held(
            lock.acquire(
                plan.month(), request.requestKey(), request.deadline().plus(LEASE_MARGIN)));
    StagedReplace.Fence fence = step -> held.lease = lock.confirm(plan.month(), held.lease, step);
    BuildResult result;
    try {
      result = buildHoldingLock(request, plan, fence, replaceIt);
    } catch (QueryPolicy.Interrupted e) {
      // Only where no query of this build was running: nothing to stop.
      BuildInterruptedException interrupted =
          new BuildInterruptedException(
              "Interrupted while "
                  + plan.month()
                  + " waited on query "
                  + e.queryExecutionId
                  + ": the build state stays in "
                  + plan.stateLocation()
                  + " and the next run picks it up");
      release(plan, held, interrupted);
      throw interrupted;
    } catch (RuntimeException | Error e) {
      release(plan, held, e);
      throw e;
    }
    try {
      release(plan, held, null);
    } catch (RuntimeException e) {
      // The partition is built; failing the message would only build it again. The lock stays
      // until its lease runs out, delaying the month's next build at most that long.
      log.warn(
          "the partition is built, but its lock could not be released and holds until {}: {}",
          held.lease.expiresAt(),
          e.getMessage(),
          e);
    }
    return result;
  }

  /**
   * Releases the lock with the thread's interrupt set aside, so an interrupted build still frees
   * its month; a release that fails after a failure is kept with that failure.
   */
  private void release(PartitionPlan plan, Held held, Throwable failure) {
    MDC.remove(QUERY_EXECUTION_ID);
    boolean interrupted = Thread.interrupted();
    try {
      lock.release(plan.month(), held.lease);
    } catch (RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The month's CTAS writing below {@code output}. */
  private String sql(PartitionPlan plan, String output) {
    return template.render(layout, plan.month(), output);
  }

  private BuildResult buildHoldingLock(
      BuildRequest request, PartitionPlan plan, StagedReplace.Fence fence, boolean replaceIt) {
    requireInsideTable(plan.stagingPrefix());
    requireInsideTable(plan.partitionPrefix());
    Map<Step, Duration> steps = new EnumMap<>(Step.class);
    Optional<BuildCheckpoint.State> saved = checkpoints.read(plan.month());
    if (!replaceIt && saved.isPresent()) {
      throw new PartitionBuilderException(
          "Cannot check "
              + plan.month()
              + ": a build of it is unfinished (its state is in "
              + plan.stateLocation()
              + "); run the build, which resumes it, then check");
    }
    if (saved.isPresent() && saved.get().phase() == BuildCheckpoint.Phase.REPLACE) {
      Optional<BuildResult> finished = finishReplace(saved.get(), plan, request, fence, steps);
      if (finished.isPresent()) {
        return finished.get();
      }
      saved = Optional.empty();
    }
    BuildCheckpoint.State state =
        saved.isPresent()
            ? resumable(
                saved.get(), plan, sql(plan, requireInsideTable(saved.get().output())), request)
            : null;
    if (state == null) {
      state = startFresh(plan, request, steps);
    }

    QueryExecution done = awaitQuery(plan, state, request, steps);
    timed(steps, Step.CLEANUP, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));

    OptionalLong rows = engine.rowsWritten(done.id());
    requireAcceptedOutput(plan, state, request, rows, replaceIt);
    if (!replaceIt) {
      return checked(plan, state, done, rows, steps);
    }
    BuildCheckpoint.State replacing =
        state
            .started(done.id())
            .replacing(List.of(), rows, done.bytesScanned(), done.engineMillis());
    StagedReplace.Outcome replaced;
    try {
      replaced =
          timed(
              steps,
              Step.REPLACE,
              () ->
                  plan.projected()
                      ? replace.run(plan, replacing, false, request.deadline(), fence)
                      : swap.run(plan, replacing, fence));
    } catch (StagedReplace.RejectedOutputException e) {
      forget(plan, e);
      throw e;
    }
    fence.confirm("deleting the build state");
    checkpoints.discard(plan.month());
    return new BuildResult(
        plan.month(),
        done.id(),
        rows,
        done.bytesScanned(),
        done.engineMillis(),
        replaced.copied(),
        replaced.bytes(),
        replaced.oldDeleted(),
        steps);
  }

  /**
   * The first attempt's query of a build, or a new one where no earlier query is left to resume.
   */
  private BuildCheckpoint.State startFresh(
      PartitionPlan plan, BuildRequest request, Map<Step, Duration> steps) {
    if (request.redelivered()) {
      log.info("redelivered, and no query of an earlier attempt is left to resume: starting over");
    }
    timed(
        steps,
        Step.DROP_TEMP_TABLE,
        () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    String output;
    if (plan.projected()) {
      int cleared = timed(steps, Step.CLEAR_STAGING, () -> store.deleteAll(plan.stagingPrefix()));
      log.info(
          "step=clear-staging deleted {} leftover object(s) under {}",
          cleared,
          plan.stagingLocation());
      output = plan.stagingPrefix();
    } else {
      // What failed builds left, and retired locations whose grace is over; never the partition's
      // own.
      timed(steps, Step.CLEAR_STAGING, () -> swap.sweep(plan));
      output = requireInsideTable(swap.freshOutput(plan));
    }
    String sql = sql(plan, output);
    if (Thread.interrupted()) {
      throw new BuildInterruptedException(
          "Interrupted before the query of "
              + plan.month()
              + " started: the "
              + "partition is as it was");
    }
    // A token of this attempt alone: a token an earlier attempt used would hand back its
    // query, whose output the clear above has just deleted. The SDK's own retries of the start
    // resend the same request, token included, so they never start a second query.
    return start(
        plan,
        BuildCheckpoint.State.starting(
            request.requestKey(),
            clock.instant(),
            token(request.requestKey() + "@" + UUID.randomUUID(), sql),
            sql,
            output));
  }

  /**
   * The rows guards on the query's output. Output they reject is forgotten, so the next build runs
   * the query afresh; output they could not count keeps its state, to be counted again.
   */
  private void requireAcceptedOutput(
      PartitionPlan plan,
      BuildCheckpoint.State state,
      BuildRequest request,
      OptionalLong rows,
      boolean replaceIt) {
    try {
      requireEnoughRows(plan, rows);
      previous.requireEnoughOfThePrevious(plan, rows, request.requestKey(), request.deadline());
    } catch (ReplaceGuard.CountFailedException e) {
      // No verdict on the output: the state stays, so the next attempt checks it again without a
      // new query.
      throw e;
    } catch (PartitionBuilderException e) {
      // Rejected output is not worth resuming: the next build runs the query afresh.
      forget(plan, e);
      if (!replaceIt) {
        deleteCheckedOutput(state, e);
      }
      throw e;
    }
  }

  /** A check's end: its output passed every guard, and is deleted as it is not the month's. */
  private BuildResult checked(
      PartitionPlan plan,
      BuildCheckpoint.State state,
      QueryExecution done,
      OptionalLong rows,
      Map<Step, Duration> steps) {
    // Checked and passed: the output is not this month's, and nothing is left to resume.
    List<ObjectStore.StoredObject> output = store.list(state.output());
    try {
      StagedReplace.requireOutput(
          plan,
          rows,
          output.size(),
          output.stream().mapToLong(ObjectStore.StoredObject::size).sum(),
          layout.location(state.output()));
    } catch (PartitionBuilderException e) {
      forget(plan, e);
      throw e;
    }
    store.deleteAll(requireInsideTable(state.output()));
    checkpoints.discard(plan.month());
    return new BuildResult(
        plan.month(), done.id(), rows, done.bytesScanned(), done.engineMillis(), 0, 0, 0, steps);
  }

  /**
   * Waits for the build's query to succeed. A query that failed for good is forgotten; one this
   * build lost sight of keeps its state so the next attempt waits on it rather than running a
   * second query into the same staging prefix; an interrupt stops it. The temporary table is
   * dropped on every failure.
   */
  private QueryExecution awaitQuery(
      PartitionPlan plan,
      BuildCheckpoint.State state,
      BuildRequest request,
      Map<Step, Duration> steps) {
    try {
      return timed(
          steps,
          Step.QUERY,
          () ->
              queries.run(
                  state.queryExecutionId(),
                  plan.month(),
                  request.deadline(),
                  plan.stateLocation(),
                  attempt -> restart(plan, state, attempt)));
    } catch (QueryStillRunningException e) {
      // Left running on purpose; its state stays for the next attempt, which also drops the table.
      throw e;
    } catch (QueryFailedException e) {
      // The query is over and nothing of it will be used: nothing to resume. What it wrote stays
      // in staging, outside the table; the next build clears it.
      forget(plan, e);
      dropTempTableAfterFailure(steps, plan, e);
      throw e;
    } catch (QueryPolicy.Interrupted e) {
      BuildInterruptedException interrupted = stopInterrupted(plan, e.queryExecutionId);
      dropTempTableAfterFailure(steps, plan, interrupted);
      throw interrupted;
    } catch (RuntimeException e) {
      dropTempTableAfterFailure(steps, plan, e);
      throw e;
    }
  }

  /** Stops the query of an interrupted build; forgets it once the engine says it ended. */
  private BuildInterruptedException stopInterrupted(PartitionPlan plan, String id) {
    boolean ended = false;
    RuntimeException stopping = null;
    try {
      ended = queries.stopAndWait(id, STOP_WAIT);
    } catch (RuntimeException e) {
      stopping = e;
    }
    BuildInterruptedException interrupted =
        new BuildInterruptedException(
            "Interrupted while query "
                + id
                + " of "
                + plan.month()
                + " ran: "
                + (ended
                    ? "it was stopped, the partition is as it was, and the next run starts the month over"
                    : "it was asked to stop"
                        + (stopping == null ? "" : " (" + stopping.getMessage() + ")")
                        + " but had not "
                        + "ended after "
                        + STOP_WAIT.toSeconds()
                        + " s; the partition is as it was, and the next run finds the "
                        + "query in "
                        + plan.stateLocation()));
    if (stopping != null) {
      interrupted.addSuppressed(stopping);
    }
    if (ended) {
      forget(plan, interrupted);
    }
    return interrupted;
  }

  /** Starts attempt {@code number} of a retried query after clearing what the failed one left. */
  private String restart(PartitionPlan plan, BuildCheckpoint.State first, int number) {
    // As before the first attempt: whatever the failed query left must not meet the next one.
    catalog.dropTableIfExists(plan.database(), plan.tempTable());
    store.deleteAll(requireInsideTable(first.output()));
    return start(
            plan,
            BuildCheckpoint.State.starting(
                first.owner(),
                clock.instant(),
                token(first.token() + "#" + number, first.sql()),
                first.sql(),
                first.output()))
        .queryExecutionId();
  }

  /**
   * A saved REPLACE: the query succeeded and its files were being copied when the attempt ended.
   * Finishes the replace without a new query, or, when the staged files are gone before all were
   * copied, forgets the state and returns empty so that the build starts over.
   */
  private Optional<BuildResult> finishReplace(
      BuildCheckpoint.State saved,
      PartitionPlan plan,
      BuildRequest request,
      StagedReplace.Fence fence,
      Map<Step, Duration> steps) {
    log.warn(
        "queryExecutionId={} succeeded in an earlier attempt ({}) that did not finish moving its {} file(s) "
            + "into {}: finishing that replace without a new query",
        saved.queryExecutionId(),
        saved.owner(),
        saved.staged().size(),
        plan.location());
    MDC.put(QUERY_EXECUTION_ID, saved.queryExecutionId());
    timed(steps, Step.CLEANUP, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    StagedReplace.Outcome replaced;
    try {
      replaced =
          timed(
              steps,
              Step.REPLACE,
              () ->
                  plan.projected()
                      ? replace.run(plan, saved, true, request.deadline(), fence)
                      : swap.run(plan, saved, fence));
    } catch (StagedReplace.RejectedOutputException e) {
      // Only a swap gets here: its output is gone, so there is nothing to point the partition at.
      log.warn("{}: starting the month over", e.getMessage());
      checkpoints.discard(plan.month());
      return Optional.empty();
    }
    if (replaced == null) {
      return Optional.empty();
    }
    fence.confirm("deleting the build state");
    checkpoints.discard(plan.month());
    return Optional.of(
        new BuildResult(
            plan.month(),
            saved.queryExecutionId(),
            saved.rows(),
            saved.bytesScanned(),
            saved.engineMillis(),
            replaced.copied(),
            replaced.bytes(),
            replaced.oldDeleted(),
            steps));
  }

  /**
   * What to do with a query an earlier attempt left: its state if the query is still worth waiting
   * on (queued, running or succeeded, from the same SQL), or null after it has been dealt with
   * (stopped and waited for, or found over or gone) so that the build starts over.
   */
  private BuildCheckpoint.State resumable(
      BuildCheckpoint.State saved, PartitionPlan plan, String sql, BuildRequest request) {
    BuildCheckpoint.State state = saved;
    if (state.phase() == BuildCheckpoint.Phase.STARTING) {
      // The earlier attempt ended around its start: the same token gives back the query it
      // started, if it started one, or starts it now. Either way one query writes to staging.
      state = start(plan, state);
    }
    String id = state.queryExecutionId();
    MDC.put(QUERY_EXECUTION_ID, id);
    QueryExecution execution;
    try {
      execution = engine.get(id);
    } catch (QueryNotFoundException e) {
      log.warn(
          "queryExecutionId={} of an earlier attempt ({}) is unknown to the engine ({}): starting over",
          id,
          state.owner(),
          e.getMessage());
      checkpoints.discard(plan.month());
      return null;
    }
    if (!state.runs(sql)) {
      log.warn(
          "queryExecutionId={} of an earlier attempt ({}) ran other SQL (the template changed since): "
              + "stopping it if needed and starting over",
          id,
          state.owner());
      if (!execution.state().isDone()) {
        engine.stop(id);
        queries.await(id, plan.month(), request.deadline(), plan.stateLocation());
      }
      checkpoints.discard(plan.month());
      return null;
    }
    if (execution.state() == State.FAILED || execution.state() == State.CANCELLED) {
      log.warn(
          "queryExecutionId={} of an earlier attempt ({}) ended {}: starting over",
          id,
          state.owner(),
          execution.describe());
      checkpoints.discard(plan.month());
      return null;
    }
    log.warn(
        "queryExecutionId={} of an earlier attempt ({}, started {}) is {}: resuming it instead of running the "
            + "query again",
        id,
        state.owner(),
        state.startedAt(),
        execution.state());
    return state;
  }

  /**
   * Saves the intent, starts the query, then saves its id: no query is ever started that a later
   * attempt cannot find.
   */
  private BuildCheckpoint.State start(PartitionPlan plan, BuildCheckpoint.State starting) {
    checkpoints.save(plan.month(), starting);
    String id = engine.start(starting.sql(), starting.token());
    MDC.put(QUERY_EXECUTION_ID, id);
    BuildCheckpoint.State started = starting.started(id);
    checkpoints.save(plan.month(), started);
    log.info(
        "queryExecutionId={} started; its state is saved in {}",
        id,
        checkpoints.location(plan.month()));
    return started;
  }

  /** A check's output once it was refused: never the month's, so not left behind. */
  private void deleteCheckedOutput(BuildCheckpoint.State state, RuntimeException failure) {
    try {
      store.deleteAll(requireInsideTable(state.output()));
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Deletes the month's saved state after a final failure, keeping the failure if that fails too.
   */
  private void forget(PartitionPlan plan, RuntimeException failure) {
    try {
      checkpoints.discard(plan.month());
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Fewer rows than asked for (or a count the engine did not give) leaves the partition alone. */
  private void requireEnoughRows(PartitionPlan plan, OptionalLong rows) {
    if (minRows == 0) {
      return;
    }
    if (rows.isEmpty()) {
      throw new PartitionBuilderException(
          "Cannot replace "
              + plan.month()
              + ": the query engine did not say how many rows "
              + "the query wrote (MIN_ROWS="
              + minRows
              + "): leaving the previous partition as it was");
    }
    if (rows.getAsLong() < minRows) {
      throw new PartitionBuilderException(
          "Cannot replace "
              + plan.month()
              + ": the query wrote "
              + rows.getAsLong()
              + " rows (MIN_ROWS="
              + minRows
              + "): leaving the previous partition as it was");
    }
  }

  private void dropTempTableAfterFailure(
      Map<Step, Duration> steps, PartitionPlan plan, RuntimeException failure) {
    try {
      timed(
          steps, Step.CLEANUP, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    } catch (RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  /**
   * The one guard between a computed prefix and a delete: below the table's root, never the root.
   */
  private String requireInsideTable(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    if (!prefix.startsWith(layout.prefix()) || prefix.length() <= layout.prefix().length()) {
      throw new IllegalStateException(
          "Refusing to delete " + prefix + ": not inside table root " + layout.prefix());
    }
    return prefix;
  }

  private <T> T timed(Map<Step, Duration> steps, Step step, Supplier<T> action) {
    Instant start = clock.instant();
    try {
      return action.get();
    } finally {
      Duration took = Duration.between(start, clock.instant());
      steps.merge(step, took, Duration::plus);
      log.atInfo()
          .addKeyValue("step", step.label())
          .addKeyValue("durationMs", took.toMillis())
          .log("step={} took {} ms", step.label(), took.toMillis());
    }
  }

  /**
   * Athena's ClientRequestToken (32 to 128 characters) for {@code sql} started under {@code
   * requestKey}: starting twice with one token returns the first execution instead of running a
   * second CTAS. The SQL is part of it because Athena rejects a reused token whose query text
   * changed.
   */
  static String token(String requestKey, String sql) {
    // The NUL keeps "ab" + "c" apart from "a" + "bc".
    return Sha256.hex(requestKey + '\0' + sql);
  }
}
