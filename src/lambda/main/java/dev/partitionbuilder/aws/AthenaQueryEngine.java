package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryExecution;
import dev.partitionbuilder.core.QueryNotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaError;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatistics;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatus;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.athena.model.WorkGroup;

/** Athena, in one workgroup. */
public final class AthenaQueryEngine implements QueryEngine {
  private final AthenaClient athena;
  private final String workgroup;
  private final String database;

  public AthenaQueryEngine(AthenaClient athena, String workgroup, String database) {
    this.athena = requireNonNull(athena, "athena is null");
    this.workgroup = requireNonNull(workgroup, "workgroup is null");
    this.database = requireNonNull(database, "database is null");
  }

  /**
   * Fails unless the workgroup lets the query choose where a CTAS writes. A workgroup with
   * "Override client-side settings" (EnforceWorkGroupConfiguration) writes CTAS tables under its
   * own result location instead of {@code external_location}, so the staging prefix would stay
   * empty. https://docs.aws.amazon.com/athena/latest/ug/considerations-ctas.html
   */
  public void requireClientSideLocation() {
    String variable = Config.ATHENA_WORKGROUP + "=\"" + workgroup + "\"";
    WorkGroup found;
    try {
      found = athena.getWorkGroup(b -> b.workGroup(workgroup)).workGroup();
    } catch (SdkException e) {
      throw new ConfigException(variable + " cannot be read from Athena: " + e.getMessage(), e);
    }
    if (found != null
        && found.configuration() != null
        && Boolean.TRUE.equals(found.configuration().enforceWorkGroupConfiguration())) {
      // Such a workgroup ignores external_location and writes the table under its own result
      // location (https://docs.aws.amazon.com/athena/latest/ug/considerations-ctas.html), so the
      // staged files would never appear where the builder moves them from.
      throw new ConfigException(
          variable
              + " enforces its own settings (EnforceWorkGroupConfiguration=true), so Athena "
              + "would ignore the CTAS's external_location and write the table under the workgroup's result location: "
              + "turn off \"Override client-side settings\" for this workgroup, or use a workgroup that does not enforce them");
    }
  }

  @Override
  public String start(String sql, String idempotencyToken) {
    try {
      return athena
          .startQueryExecution(
              b ->
                  b.queryString(sql)
                      .workGroup(workgroup)
                      .clientRequestToken(idempotencyToken)
                      .queryExecutionContext(c -> c.database(database))
                      // A rebuild must read the source as it is now, never a cached result.
                      .resultReuseConfiguration(
                          r -> r.resultReuseByAgeConfiguration(a -> a.enabled(false))))
          .queryExecutionId();
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot start the CTAS in Athena workgroup " + workgroup + ": " + e.getMessage(), e);
    }
  }

  @Override
  public QueryExecution get(String queryExecutionId) {
    software.amazon.awssdk.services.athena.model.QueryExecution execution;
    try {
      execution =
          athena.getQueryExecution(b -> b.queryExecutionId(queryExecutionId)).queryExecution();
    } catch (InvalidRequestException e) {
      // Athena answers an id it does not know (never started, or older than its 45 days of
      // history) with InvalidRequestException "QueryExecution <id> was not found"; the same
      // exception class also carries other request errors, which stay errors.
      String message =
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      if (message != null && message.toLowerCase(Locale.ROOT).contains("not found")) {
        throw new QueryNotFoundException(
            "Athena has no query " + queryExecutionId + ": " + message, e);
      }
      throw new PartitionBuilderException(
          "Cannot get Athena query " + queryExecutionId + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot get Athena query " + queryExecutionId + ": " + e.getMessage(), e);
    }
    if (execution == null) {
      throw new PartitionBuilderException(
          "Athena returned no QueryExecution for query " + queryExecutionId);
    }
    QueryExecutionStatus status = execution.status();
    if (status == null
        || status.state() == null
        || status.state() == QueryExecutionState.UNKNOWN_TO_SDK_VERSION) {
      throw new PartitionBuilderException(
          "Athena query "
              + queryExecutionId
              + " has an unknown state "
              + (status == null ? null : status.stateAsString()));
    }
    AthenaError error = status.athenaError();
    QueryExecutionStatistics stats = execution.statistics();
    // Without a submission time the execution counts as an earlier one: on a redelivery the
    // builder then reruns the query rather than trust output it has just deleted.
    Instant submitted =
        status.submissionDateTime() == null ? Instant.EPOCH : status.submissionDateTime();
    return new QueryExecution(
        execution.queryExecutionId() == null ? queryExecutionId : execution.queryExecutionId(),
        QueryExecution.State.valueOf(status.state().name()),
        submitted,
        Optional.ofNullable(status.stateChangeReason()),
        error == null ? null : error.errorCategory(),
        error == null ? null : error.errorType(),
        error != null && Boolean.TRUE.equals(error.retryable()),
        stats == null || stats.dataScannedInBytes() == null ? 0 : stats.dataScannedInBytes(),
        stats == null || stats.engineExecutionTimeInMillis() == null
            ? 0
            : stats.engineExecutionTimeInMillis());
  }

  @Override
  public void stop(String queryExecutionId) {
    try {
      athena.stopQueryExecution(b -> b.queryExecutionId(queryExecutionId));
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot stop Athena query " + queryExecutionId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public OptionalLong rowsWritten(String queryExecutionId) {
    try {
      // UpdateCount: "the number of rows inserted with a CREATE TABLE AS SELECT statement".
      GetQueryResultsResponse results =
          athena.getQueryResults(b -> b.queryExecutionId(queryExecutionId).maxResults(1));
      return results.updateCount() == null
          ? OptionalLong.empty()
          : OptionalLong.of(results.updateCount());
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot read the row count of Athena query " + queryExecutionId + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public long numberResult(String queryExecutionId) {
    GetQueryResultsResponse results;
    try {
      // A SELECT's result starts with a row of column names; its one value is in the second row.
      // https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
      results = athena.getQueryResults(b -> b.queryExecutionId(queryExecutionId).maxResults(2));
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot read the result of Athena query " + queryExecutionId + ": " + e.getMessage(), e);
    }
    List<Row> rows = results.resultSet() == null ? List.of() : results.resultSet().rows();
    if (rows.size() != 2 || results.nextToken() != null || rows.get(1).data().size() != 1) {
      throw new PartitionBuilderException(
          "Athena query "
              + queryExecutionId
              + " returned "
              + describe(rows, results.nextToken() != null)
              + ", not one row of one whole number");
    }
    String value = rows.get(1).data().get(0).varCharValue();
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new PartitionBuilderException(
          "Athena query "
              + queryExecutionId
              + " returned "
              + (value == null ? "NULL" : "\"" + value + "\"")
              + ", not a whole number",
          e);
    }
  }

  private static String describe(List<Row> rows, boolean more) {
    if (rows.size() < 2) {
      return "no row";
    }
    return (more ? "more than " + (rows.size() - 1) : String.valueOf(rows.size() - 1))
        + " row(s) of "
        + rows.get(1).data().size()
        + " column(s)";
  }
}
