package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryExecution;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.QueryNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A query engine that plays a script: each started query goes through the states given to {@link
 * #willRun} (or {@link #willFailRetryably}), one per {@code get}, and stays in the last. A token
 * seen before returns the query it started, as Athena's ClientRequestToken does. A FAILED query
 * fails as a user error (not retryable) unless its script says otherwise. A {@code SELECT} (the
 * builder's count of the rows a partition holds) returns {@link #previousRows}, and its success
 * writes nothing.
 */
public final class FakeQueryEngine implements QueryEngine {
  private final Journal journal;
  private final Clock clock;
  private final Deque<Script> scripts = new ArrayDeque<>();
  private final Map<String, String> idByToken = new HashMap<>();
  private final Map<String, Run> runs = new HashMap<>();
  private final List<String> startedSql = new ArrayList<>();
  private final List<String> tokens = new ArrayList<>();
  private Consumer<String> onSuccess = id -> {};
  private OptionalLong rows = OptionalLong.of(42);
  private long previousRows;
  private long bytesScanned = 1_000_000;
  private int next = 1;

  private record Script(List<State> states, boolean retryable) {}

  private static final class Run {
    final Instant submittedAt;
    final Deque<State> states;
    final boolean retryable;
    final String sql;
    State state;
    boolean stopped;

    Run(Instant submittedAt, Script script, String sql) {
      this.submittedAt = submittedAt;
      this.sql = sql;
      this.states = new ArrayDeque<>(script.states());
      this.retryable = script.retryable();
      this.state = State.QUEUED;
    }
  }

  public FakeQueryEngine(Journal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  /**
   * The next started query goes through these states. Without a script, a query succeeds at once.
   */
  public FakeQueryEngine willRun(State... states) {
    scripts.add(new Script(List.of(states), false));
    return this;
  }

  /**
   * The next started query goes through {@code before}, then ends FAILED with an error the engine
   * marks retryable (as Athena marks some of its system errors).
   */
  public FakeQueryEngine willFailRetryably(State... before) {
    List<State> states = new ArrayList<>(List.of(before));
    states.add(State.FAILED);
    scripts.add(new Script(states, true));
    return this;
  }

  /**
   * Called with the query id when a query reaches SUCCEEDED: a test writes the CTAS output here.
   */
  public FakeQueryEngine onSuccess(Consumer<String> action) {
    this.onSuccess = action;
    return this;
  }

  /**
   * A succeeded query writes one file, {@code <id>-bucket-0} of 1,000 bytes, into {@code store}
   * under the key its CTAS names in {@code external_location = 's3://<bucket>/<key prefix>'}, as
   * Athena does.
   */
  public FakeQueryEngine writesInto(FakeObjectStore store) {
    return onSuccess(
        id -> {
          Matcher location = EXTERNAL_LOCATION.matcher(runs.get(id).sql);
          if (!location.find()) {
            throw new IllegalStateException("The CTAS of " + id + " names no external_location");
          }
          store.put(location.group(1) + id + "-bucket-0", 1_000);
        });
  }

  private static final Pattern EXTERNAL_LOCATION =
      Pattern.compile("external_location\\s*=\\s*'[a-z0-9]+://[^/]+/([^']*)'");

  public FakeQueryEngine rows(long rows) {
    this.rows = OptionalLong.of(rows);
    return this;
  }

  /** What a {@code SELECT count(*)} returns: the rows the partition holds now. */
  public FakeQueryEngine previousRows(long previousRows) {
    this.previousRows = previousRows;
    return this;
  }

  /** What every look at a query says it has scanned so far. */
  public FakeQueryEngine bytesScanned(long bytesScanned) {
    this.bytesScanned = bytesScanned;
    return this;
  }

  /** The engine does not say how many rows a query wrote. */
  public FakeQueryEngine rowsUnknown() {
    this.rows = OptionalLong.empty();
    return this;
  }

  /** A query an earlier attempt started under {@code token}, submitted at {@code when}. */
  public String startedEarlier(String token, Instant when, State state) {
    String id = "q" + next++;
    idByToken.put(token, id);
    Run run = new Run(when, new Script(List.of(state), false), "");
    run.state = state;
    run.states.clear();
    runs.put(id, run);
    return id;
  }

  public List<String> startedSql() {
    return List.copyOf(startedSql);
  }

  public List<String> tokens() {
    return List.copyOf(tokens);
  }

  public boolean wasStopped(String id) {
    return runs.get(id).stopped;
  }

  @Override
  public String start(String sql, String idempotencyToken) {
    tokens.add(idempotencyToken);
    String existing = idByToken.get(idempotencyToken);
    if (existing != null) {
      journal.add("start (token reused) " + existing);
      return existing;
    }
    String id = "q" + next++;
    idByToken.put(idempotencyToken, id);
    Script script =
        scripts.isEmpty() ? new Script(List.of(State.SUCCEEDED), false) : scripts.poll();
    runs.put(id, new Run(clock.instant(), script, sql));
    startedSql.add(sql);
    journal.add("start " + id);
    return id;
  }

  @Override
  public QueryExecution get(String id) {
    Run run = runs.get(id);
    if (run == null) {
      journal.add("get " + id + " not found");
      throw new QueryNotFoundException("No fake query " + id, null);
    }
    if (!run.state.isDone() && !run.states.isEmpty()) {
      run.state = run.states.size() > 1 ? run.states.poll() : run.states.peek();
      if (run.state == State.SUCCEEDED && !isSelect(run.sql)) {
        onSuccess.accept(id);
      }
    }
    journal.add("get " + id + " " + run.state);
    if (run.state != State.FAILED) {
      return new QueryExecution(
          id, run.state, run.submittedAt, Optional.empty(), null, null, false, bytesScanned, 2_000);
    }
    if (run.retryable) {
      return new QueryExecution(
          id,
          run.state,
          run.submittedAt,
          Optional.of("GENERIC_INTERNAL_ERROR: worker lost"),
          1,
          401,
          true,
          bytesScanned,
          2_000);
    }
    return new QueryExecution(
        id,
        run.state,
        run.submittedAt,
        Optional.of("HIVE_BAD_DATA: malformed"),
        2,
        1001,
        false,
        bytesScanned,
        2_000);
  }

  @Override
  public void stop(String id) {
    journal.add("stop " + id);
    Run run = runs.get(id);
    run.stopped = true;
    if (!run.state.isDone()) {
      run.states.clear();
      run.state = State.CANCELLED;
    }
  }

  @Override
  public OptionalLong rowsWritten(String id) {
    return rows;
  }

  @Override
  public long numberResult(String id) {
    Run run = runs.get(id);
    if (run == null || run.state != State.SUCCEEDED || !isSelect(run.sql)) {
      throw new PartitionBuilderException("Fake query " + id + " returned no number");
    }
    journal.add("result " + id + " " + previousRows);
    return previousRows;
  }

  private static boolean isSelect(String sql) {
    return sql.stripLeading().regionMatches(true, 0, "SELECT", 0, "SELECT".length());
  }
}
