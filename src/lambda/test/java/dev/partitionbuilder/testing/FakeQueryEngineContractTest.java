package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryEngineContractTest;
import dev.partitionbuilder.core.QueryExecution.State;
import java.time.Clock;

/** The fake the pipeline tests rely on keeps the same contract as Athena and the local engine. */
class FakeQueryEngineContractTest extends QueryEngineContractTest {
  private static final long ROWS = 1_234;

  private final FakeQueryEngine engine =
      new FakeQueryEngine(new Journal(), Clock.systemUTC()).rows(ROWS);

  @Override
  protected QueryEngine engine() {
    return engine;
  }

  @Override
  protected String aCtas() {
    engine.willRun(State.QUEUED, State.RUNNING, State.SUCCEEDED);
    return "CREATE TABLE cloudtrail_monthly_temp_202403 AS SELECT 1";
  }

  @Override
  protected long rowsOfTheCtas() {
    return ROWS;
  }

  @Override
  protected String aFailingQuery() {
    engine.willRun(State.RUNNING, State.FAILED);
    return "SELECT * FROM no_such_table";
  }

  @Override
  protected String aCountQuery() {
    engine.previousRows(77).willRun(State.RUNNING, State.SUCCEEDED);
    return "SELECT count(*) FROM \"cloudtrail\".\"cloudtrail_monthly\" WHERE \"year\" = '2024' AND \"month\" = '03'";
  }

  @Override
  protected long countOfTheQuery() {
    return 77;
  }
}
