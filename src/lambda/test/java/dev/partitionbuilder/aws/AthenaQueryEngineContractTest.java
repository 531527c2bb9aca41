package dev.partitionbuilder.aws;

import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_RESULTS;
import static dev.partitionbuilder.testing.AthenaAnswers.START_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.STOP_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.execution;
import static dev.partitionbuilder.testing.AthenaAnswers.invalidRequest;
import static dev.partitionbuilder.testing.AthenaAnswers.results;
import static dev.partitionbuilder.testing.AthenaAnswers.selectResults;
import static dev.partitionbuilder.testing.AthenaAnswers.started;
import static dev.partitionbuilder.testing.AthenaAnswers.stopped;
import static dev.partitionbuilder.testing.AwsJsonStand.echo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryEngineContractTest;
import dev.partitionbuilder.core.QueryNotFoundException;
import dev.partitionbuilder.testing.AwsJsonStand;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AthenaQueryEngine on a production-configured client, against an Athena scripted on the wire: one
 * execution per ClientRequestToken (its id carries the token), a CTAS that is queued, runs and
 * succeeds, a query on a missing table that fails.
 */
class AthenaQueryEngineContractTest extends QueryEngineContractTest {
  private static final long ROWS = 4_096;
  private static final String CTAS =
      "CREATE TABLE \"cloudtrail\".\"cloudtrail_monthly_temp_202403\" "
          + "WITH (format = 'PARQUET', external_location = 's3://bucket/cloudtrail_monthly/2024/03/') "
          + "AS SELECT * FROM \"cloudtrail\".\"cloudtrail_daily\" WHERE year = '2024' AND month = '03'";
  private static final String FAILING = "SELECT * FROM \"cloudtrail\".\"no_such_table\"";
  private static final String COUNT =
      "SELECT count(*) FROM \"cloudtrail\".\"cloudtrail_monthly\" "
          + "WHERE \"year\" = '2024' AND \"month\" = '03'";
  private static final long COUNTED = 1_234_567;

  @RegisterExtension static final AwsJsonStand stand = AwsJsonStand.start();
  private AthenaQueryEngine engine;

  @BeforeEach
  void scriptAthena() {
    String token = echo("$.ClientRequestToken");
    stand.answerWhen(
        START_QUERY_EXECUTION, "$.QueryString", Pattern.quote(CTAS), started("ctas-" + token));
    stand.answerWhen(
        START_QUERY_EXECUTION,
        "$.QueryString",
        Pattern.quote(FAILING),
        started("failing-" + token));
    stand.answerWhen(
        START_QUERY_EXECUTION, "$.QueryString", Pattern.quote(COUNT), started("count-" + token));
    String id = echo("$.QueryExecutionId");
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "ctas-.*",
        execution(id, "QUEUED").answer(),
        execution(id, "RUNNING").answer(),
        execution(id, "SUCCEEDED").statistics(52_428_800, 3_100).answer());
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "count-.*",
        execution(id, "RUNNING").answer(),
        execution(id, "SUCCEEDED").statistics(1_024, 400).answer());
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "failing-.*",
        execution(id, "RUNNING").answer(),
        execution(id, "FAILED")
            .reason(
                "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.cloudtrail.no_such_table' does not exist")
            .error(2, 1000, false, "User error")
            .answer());
    // Athena's answer to an id it does not know, such as one past its 45 days of history.
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "never-started.*",
        invalidRequest("QueryExecution never-started-1 was not found"));
    stand.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        "malformed.*",
        invalidRequest(
            "1 validation error detected: Value at 'queryExecutionId' failed to satisfy constraint"));
    stand.answerWhen(GET_QUERY_RESULTS, "$.QueryExecutionId", "ctas-.*", results(ROWS));
    stand.answerWhen(
        GET_QUERY_RESULTS,
        "$.QueryExecutionId",
        "count-.*",
        selectResults("_col0", "bigint", String.valueOf(COUNTED)));
    stand.answer(STOP_QUERY_EXECUTION, stopped());
    engine = new AthenaQueryEngine(stand.athena(), "etl", "cloudtrail");
  }

  @Override
  protected QueryEngine engine() {
    return engine;
  }

  @Override
  protected String aCtas() {
    return CTAS;
  }

  @Override
  protected long rowsOfTheCtas() {
    return ROWS;
  }

  @Override
  protected String aFailingQuery() {
    return FAILING;
  }

  @Override
  protected String aCountQuery() {
    return COUNT;
  }

  @Override
  protected long countOfTheQuery() {
    return COUNTED;
  }

  @Test
  void anInvalidRequestThatIsNotANotFoundStaysAnErrorRatherThanAnUnknownQuery() {
    assertThatThrownBy(() -> engine.get("malformed id"))
        .isInstanceOf(PartitionBuilderException.class)
        .isNotInstanceOf(QueryNotFoundException.class)
        .hasMessageContaining("Cannot get Athena query malformed id");
  }
}
