package dev.partitionbuilder.testing;

import static dev.partitionbuilder.testing.AwsJsonStand.epochSeconds;
import static dev.partitionbuilder.testing.AwsJsonStand.error;
import static dev.partitionbuilder.testing.AwsJsonStand.object;
import static dev.partitionbuilder.testing.AwsJsonStand.ok;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.partitionbuilder.testing.AwsJsonStand.Answer;
import java.time.Instant;

/**
 * Athena's operations and answers as the API reference gives them
 * (https://docs.aws.amazon.com/athena/latest/APIReference/), for {@link AwsJsonStand}.
 */
public final class AthenaAnswers {
  public static final String START_QUERY_EXECUTION = "AmazonAthena.StartQueryExecution";
  public static final String GET_QUERY_EXECUTION = "AmazonAthena.GetQueryExecution";
  public static final String GET_QUERY_RESULTS = "AmazonAthena.GetQueryResults";
  public static final String STOP_QUERY_EXECUTION = "AmazonAthena.StopQueryExecution";
  public static final String GET_WORK_GROUP = "AmazonAthena.GetWorkGroup";

  private AthenaAnswers() {}

  /** StartQueryExecution: {@code {"QueryExecutionId": id}}. */
  public static Answer started(String id) {
    return ok(object().put("QueryExecutionId", id).toString());
  }

  /** GetQueryExecution of a query in {@code state}, submitted now unless told otherwise. */
  public static Execution execution(String id, String state) {
    return new Execution(id, state);
  }

  /** GetQueryResults of a CTAS: the rows it inserted, and an empty result set. */
  public static Answer results(long updateCount) {
    ObjectNode body = object().put("UpdateCount", updateCount);
    ObjectNode resultSet = body.putObject("ResultSet");
    resultSet.putArray("Rows");
    resultSet.putObject("ResultSetMetadata").putArray("ColumnInfo");
    return ok(body.toString());
  }

  /**
   * GetQueryResults of a SELECT of one column: a first row of its name, as Athena gives a SELECT's
   * results, then one row per value.
   */
  public static Answer selectResults(String column, String type, String... values) {
    ObjectNode body = object();
    ObjectNode resultSet = body.putObject("ResultSet");
    com.fasterxml.jackson.databind.node.ArrayNode rows = resultSet.putArray("Rows");
    rows.addObject().putArray("Data").addObject().put("VarCharValue", column);
    for (String value : values) {
      ObjectNode datum = rows.addObject().putArray("Data").addObject();
      if (value != null) {
        datum.put("VarCharValue", value);
      }
    }
    resultSet
        .putObject("ResultSetMetadata")
        .putArray("ColumnInfo")
        .addObject()
        .put("CatalogName", "hive")
        .put("SchemaName", "")
        .put("TableName", "")
        .put("Name", column)
        .put("Label", column)
        .put("Type", type)
        .put("Precision", 19)
        .put("Scale", 0)
        .put("Nullable", "UNKNOWN")
        .put("CaseSensitive", false);
    return ok(body.toString());
  }

  /**
   * GetWorkGroup of an enabled workgroup with a result location, which does or does not enforce its
   * settings ("Override client-side settings").
   */
  public static Answer workGroup(String name, boolean enforceWorkGroupConfiguration) {
    ObjectNode body = object();
    ObjectNode workGroup = body.putObject("WorkGroup").put("Name", name).put("State", "ENABLED");
    ObjectNode configuration =
        workGroup
            .putObject("Configuration")
            .put("EnforceWorkGroupConfiguration", enforceWorkGroupConfiguration)
            .put("PublishCloudWatchMetricsEnabled", true);
    configuration
        .putObject("ResultConfiguration")
        .put("OutputLocation", "s3://example-athena-results/" + name + "/");
    configuration
        .putObject("EngineVersion")
        .put("SelectedEngineVersion", "AUTO")
        .put("EffectiveEngineVersion", "Athena engine version 3");
    workGroup.put("CreationTime", epochSeconds(Instant.parse("2024-01-02T03:04:05Z")));
    return ok(body.toString());
  }

  /** StopQueryExecution: HTTP 200 and no members, also for a query that already ended. */
  public static Answer stopped() {
    return ok("{}");
  }

  /** Athena's own throttling error (StartQueryExecution, GetQueryResults): HTTP 400. */
  public static Answer tooManyRequests() {
    return error(400, "TooManyRequestsException", "Rate exceeded");
  }

  /** The throttling error common to all AWS APIs (Athena's "Common Errors"): HTTP 400. */
  public static Answer throttling() {
    return error(400, "ThrottlingException", "Rate exceeded");
  }

  /** A request Athena refuses, such as an unknown QueryExecutionId: HTTP 400. */
  public static Answer invalidRequest(String message) {
    return error(400, "InvalidRequestException", message);
  }

  /** A GetQueryExecution answer under construction. */
  public static final class Execution {
    private final ObjectNode body = object();
    private final ObjectNode execution;
    private final ObjectNode status;

    private Execution(String id, String state) {
      execution = body.putObject("QueryExecution").put("QueryExecutionId", id);
      status = execution.putObject("Status").put("State", state);
      submittedAt(Instant.now());
    }

    public Execution submittedAt(Instant when) {
      status.put("SubmissionDateTime", epochSeconds(when));
      return this;
    }

    public Execution completedAt(Instant when) {
      status.put("CompletionDateTime", epochSeconds(when));
      return this;
    }

    public Execution reason(String stateChangeReason) {
      status.put("StateChangeReason", stateChangeReason);
      return this;
    }

    /**
     * Status.AthenaError: category 1 system, 2 user, 3 other; types from Athena's error catalog.
     */
    public Execution error(int category, int type, boolean retryable, String message) {
      status
          .putObject("AthenaError")
          .put("ErrorCategory", category)
          .put("ErrorType", type)
          .put("Retryable", retryable)
          .put("ErrorMessage", message);
      return this;
    }

    public Execution statistics(long dataScannedInBytes, long engineExecutionTimeInMillis) {
      execution
          .putObject("Statistics")
          .put("DataScannedInBytes", dataScannedInBytes)
          .put("EngineExecutionTimeInMillis", engineExecutionTimeInMillis)
          .put("TotalExecutionTimeInMillis", engineExecutionTimeInMillis + 150);
      return this;
    }

    public Answer answer() {
      return ok(body.toString());
    }
  }
}
