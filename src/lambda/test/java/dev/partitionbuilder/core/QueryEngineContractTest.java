package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.partitionbuilder.core.QueryExecution.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QueryEngine} must do, run against each of them (Athena on the wire, local
 * DuckDB, the fake the other tests use). Kept to what a scripted Athena can honour as well as a
 * real engine: no timing, no data, only what the builder relies on.
 */
public abstract class QueryEngineContractTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  protected abstract QueryEngine engine();

  /** A CTAS that succeeds, writing {@link #rowsOfTheCtas()} rows; each call may give a new one. */
  protected abstract String aCtas();

  protected abstract long rowsOfTheCtas();

  /**
   * A query that fails; called just before it is started, so a scripted engine may arrange that
   * here.
   */
  protected abstract String aFailingQuery();

  /**
   * A {@code SELECT count(*)} that returns {@link #countOfTheQuery()}, as the builder counts a
   * partition.
   */
  protected abstract String aCountQuery();

  protected abstract long countOfTheQuery();

  /** An idempotency token as the builder makes them (64 hex digits). */
  protected static String token(String key, String sql) {
    return PartitionBuilder.token(key, sql);
  }

  @Test
  void startReturnsTheIdOfTheExecutionItStarted() {
    String sql = aCtas();

    String id = engine().start(sql, token("m-1", sql));

    assertThat(id).isNotBlank();
    assertThat(engine().get(id).id()).isEqualTo(id);
    assertThat(awaitDone(id).id()).isEqualTo(id);
  }

  @Test
  void lookingAtAQueryTheEngineNeverStartedIsQueryNotFoundSoAStaleSavedIdIsTellable() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine().get("never-started-1"))
        .isInstanceOf(QueryNotFoundException.class)
        .hasMessageContaining("never-started-1");
  }

  @Test
  void aStartedCtasReachesSucceeded() {
    String sql = aCtas();

    String id = engine().start(sql, token("m-1", sql));

    assertThat(awaitDone(id).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void startingAgainWithTheSameTokenReturnsTheFirstExecutionWhichRunsOnce() {
    String sql = aCtas();
    String id = engine().start(sql, token("m-1", sql));

    String again = engine().start(sql, token("m-1", sql));

    assertThat(again).isEqualTo(id);
    assertThat(awaitDone(id).state()).isEqualTo(State.SUCCEEDED);
    assertThat(engine().rowsWritten(id)).hasValue(rowsOfTheCtas());
  }

  @Test
  void startingWithAnotherTokenStartsAnotherExecution() {
    String sql = aCtas();
    String id = engine().start(sql, token("m-1", sql));

    String other = engine().start(sql, token("m-2", sql));

    assertThat(other).isNotEqualTo(id);
    awaitDone(id);
    awaitDone(other);
  }

  @Test
  void aFailingQueryEndsFailedWithAReason() {
    String sql = aFailingQuery();

    String id = engine().start(sql, token("m-1", sql));

    QueryExecution done = awaitDone(id);
    assertThat(done.state()).isEqualTo(State.FAILED);
    assertThat(done.stateChangeReason())
        .hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
  }

  @Test
  void aSucceededCtasTellsHowManyRowsItWrote() {
    String sql = aCtas();
    String id = engine().start(sql, token("m-1", sql));
    awaitDone(id);

    assertThat(engine().rowsWritten(id)).hasValue(rowsOfTheCtas());
  }

  @Test
  void aSucceededCountGivesItsOneNumber() {
    String sql = aCountQuery();
    String id = engine().start(sql, token("m-1", sql));

    assertThat(awaitDone(id).state()).isEqualTo(State.SUCCEEDED);
    assertThat(engine().numberResult(id)).isEqualTo(countOfTheQuery());
  }

  @Test
  void aCtasGivesNoNumberResultSoItsRowCountIsNeverTakenForACount() {
    String sql = aCtas();
    String id = engine().start(sql, token("m-1", sql));
    awaitDone(id);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine().numberResult(id))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(id);
  }

  @Test
  void stoppingAQueryThatEndedLeavesItAsItEnded() {
    String sql = aCtas();
    String id = engine().start(sql, token("m-1", sql));
    awaitDone(id);

    engine().stop(id);

    assertThat(engine().get(id).state()).isEqualTo(State.SUCCEEDED);
    assertThat(engine().rowsWritten(id)).hasValue(rowsOfTheCtas());
  }

  private QueryExecution awaitDone(String id) {
    Instant giveUp = Instant.now().plus(PATIENCE);
    while (true) {
      QueryExecution execution = engine().get(id);
      if (execution.state().isDone()) {
        return execution;
      }
      if (Instant.now().isAfter(giveUp)) {
        fail("query " + id + " was still " + execution.state() + " after " + PATIENCE);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for query " + id, e);
      }
    }
  }
}
