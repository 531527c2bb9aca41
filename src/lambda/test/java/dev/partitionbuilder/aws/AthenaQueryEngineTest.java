package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryExecution;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaError;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsRequest;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatistics;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatus;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.TooManyRequestsException;

class AthenaQueryEngineTest {
  private static final String ID = "5e1f6c7a-0b7e-4d59-9a51-2f4d3b1c0e9d";
  private static final Instant SUBMITTED = Instant.parse("2024-04-02T03:04:05.678Z");

  private final AthenaClient athena = sdkMock(AthenaClient.class);
  private final AthenaQueryEngine engine = new AthenaQueryEngine(athena, "etl", "analytics");

  @Test
  void startSendsTheSqlWorkgroupTokenAndDatabaseWithResultReuseDisabled() {
    doReturn(StartQueryExecutionResponse.builder().queryExecutionId(ID).build())
        .when(athena)
        .startQueryExecution(any(StartQueryExecutionRequest.class));

    String id = engine.start("CREATE TABLE t AS SELECT 1", "msg-42-2024-03");

    assertThat(id).isEqualTo(ID);
    ArgumentCaptor<StartQueryExecutionRequest> captor =
        ArgumentCaptor.forClass(StartQueryExecutionRequest.class);
    verify(athena).startQueryExecution(captor.capture());
    StartQueryExecutionRequest request = captor.getValue();
    assertThat(request.queryString()).isEqualTo("CREATE TABLE t AS SELECT 1");
    assertThat(request.workGroup()).isEqualTo("etl");
    assertThat(request.clientRequestToken()).isEqualTo("msg-42-2024-03");
    assertThat(request.queryExecutionContext().database()).isEqualTo("analytics");
    assertThat(request.resultReuseConfiguration().resultReuseByAgeConfiguration().enabled())
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(QueryExecution.State.class)
  void getMapsEveryAthenaStateToTheSameState(QueryExecution.State state) {
    execution(status(state.name()).build(), null);

    assertThat(engine.get(ID).state()).isEqualTo(state);
  }

  @Test
  void getMapsEveryStateThisSdkKnows() {
    for (QueryExecutionState state : QueryExecutionState.knownValues()) {
      execution(status(state.toString()).build(), null);
      assertThat(engine.get(ID).state().name()).isEqualTo(state.name());
    }
  }

  @Test
  void getMapsTheTimesReasonErrorAndStatisticsOfTheExecution() {
    execution(
        status("FAILED")
            .stateChangeReason("COLUMN_NOT_FOUND: line 3:8: Column 'x' cannot be resolved")
            .athenaError(
                AthenaError.builder().errorCategory(2).errorType(1001).retryable(false).build())
            .build(),
        QueryExecutionStatistics.builder()
            .dataScannedInBytes(123_456_789_012L)
            .engineExecutionTimeInMillis(4_321L)
            .build());

    QueryExecution execution = engine.get(ID);

    assertThat(execution.id()).isEqualTo(ID);
    assertThat(execution.state()).isEqualTo(QueryExecution.State.FAILED);
    assertThat(execution.submittedAt()).isEqualTo(SUBMITTED);
    assertThat(execution.stateChangeReason())
        .contains("COLUMN_NOT_FOUND: line 3:8: Column 'x' cannot be resolved");
    assertThat(execution.errorCategory()).isEqualTo(2);
    assertThat(execution.errorType()).isEqualTo(1001);
    assertThat(execution.retryable()).isFalse();
    assertThat(execution.bytesScanned()).isEqualTo(123_456_789_012L);
    assertThat(execution.engineMillis()).isEqualTo(4_321L);
    ArgumentCaptor<GetQueryExecutionRequest> request =
        ArgumentCaptor.forClass(GetQueryExecutionRequest.class);
    verify(athena).getQueryExecution(request.capture());
    assertThat(request.getValue().queryExecutionId()).isEqualTo(ID);
  }

  @Test
  void getReportsARetryableAthenaErrorAsRetryable() {
    execution(
        status("FAILED")
            .athenaError(
                AthenaError.builder().errorCategory(1).errorType(401).retryable(true).build())
            .build(),
        null);

    assertThat(engine.get(ID).retryable()).isTrue();
  }

  @Test
  void getWithoutStatisticsOrErrorReportsZeroesAndNoError() {
    execution(status("RUNNING").build(), null);

    QueryExecution execution = engine.get(ID);

    assertThat(execution.bytesScanned()).isZero();
    assertThat(execution.engineMillis()).isZero();
    assertThat(execution.stateChangeReason()).isEmpty();
    assertThat(execution.errorCategory()).isNull();
    assertThat(execution.errorType()).isNull();
    assertThat(execution.retryable()).isFalse();
  }

  @Test
  void getWithStatisticsThatLackTheCountersReportsZeroes() {
    execution(
        status("SUCCEEDED").build(),
        QueryExecutionStatistics.builder().totalExecutionTimeInMillis(9L).build());

    QueryExecution execution = engine.get(ID);

    assertThat(execution.bytesScanned()).isZero();
    assertThat(execution.engineMillis()).isZero();
  }

  @Test
  void getRejectsAStateThisSdkDoesNotKnow() {
    execution(status("PAUSED").build(), null);

    assertThatThrownBy(() -> engine.get(ID))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(ID)
        .hasMessageContaining("PAUSED");
  }

  @Test
  void getRejectsAnExecutionWithoutStatus() {
    execution(null, null);

    assertThatThrownBy(() -> engine.get(ID))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(ID);
  }

  @Test
  void describeOfAFailedExecutionNamesTheErrorAndTheReason() {
    execution(
        status("FAILED")
            .stateChangeReason("TABLE_NOT_FOUND: line 1:15: Table 'analytics.src' does not exist")
            .athenaError(
                AthenaError.builder().errorCategory(2).errorType(1001).retryable(false).build())
            .build(),
        null);

    assertThat(engine.get(ID).describe())
        .isEqualTo(
            "FAILED (error category 2 USER, type 1001, not retryable): "
                + "TABLE_NOT_FOUND: line 1:15: Table 'analytics.src' does not exist");
  }

  @Test
  void stopStopsTheGivenQuery() {
    doReturn(StopQueryExecutionResponse.builder().build())
        .when(athena)
        .stopQueryExecution(any(StopQueryExecutionRequest.class));

    engine.stop(ID);

    ArgumentCaptor<StopQueryExecutionRequest> request =
        ArgumentCaptor.forClass(StopQueryExecutionRequest.class);
    verify(athena).stopQueryExecution(request.capture());
    assertThat(request.getValue().queryExecutionId()).isEqualTo(ID);
  }

  @Test
  void rowsWrittenIsTheUpdateCountOfTheQueryResults() {
    doReturn(GetQueryResultsResponse.builder().updateCount(1_234_567L).build())
        .when(athena)
        .getQueryResults(any(GetQueryResultsRequest.class));

    assertThat(engine.rowsWritten(ID)).isEqualTo(OptionalLong.of(1_234_567L));

    ArgumentCaptor<GetQueryResultsRequest> request =
        ArgumentCaptor.forClass(GetQueryResultsRequest.class);
    verify(athena).getQueryResults(request.capture());
    assertThat(request.getValue().queryExecutionId()).isEqualTo(ID);
    assertThat(request.getValue().maxResults()).isEqualTo(1);
  }

  @Test
  void rowsWrittenIsEmptyWhenAthenaGivesNoUpdateCount() {
    doReturn(GetQueryResultsResponse.builder().build())
        .when(athena)
        .getQueryResults(any(GetQueryResultsRequest.class));

    assertThat(engine.rowsWritten(ID)).isEmpty();
  }

  @Test
  void aFailedStartNamesTheWorkgroupAndKeepsTheCause() {
    InvalidRequestException failure =
        InvalidRequestException.builder()
            .message("WorkGroup etl is disabled.")
            .statusCode(400)
            .build();
    doThrow(failure).when(athena).startQueryExecution(any(StartQueryExecutionRequest.class));

    assertThatThrownBy(() -> engine.start("SELECT 1", "token"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("workgroup etl")
        .hasCause(failure);
  }

  @Test
  void aFailedGetNamesTheQueryAndKeepsTheCause() {
    TooManyRequestsException failure =
        TooManyRequestsException.builder().message("Rate exceeded").build();
    doThrow(failure).when(athena).getQueryExecution(any(GetQueryExecutionRequest.class));

    assertThatThrownBy(() -> engine.get(ID))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(ID)
        .hasCause(failure);
  }

  @Test
  void aFailedStopNamesTheQueryAndKeepsTheCause() {
    SdkClientException failure =
        SdkClientException.create("Unable to execute HTTP request: Read timed out");
    doThrow(failure).when(athena).stopQueryExecution(any(StopQueryExecutionRequest.class));

    assertThatThrownBy(() -> engine.stop(ID))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(ID)
        .hasCause(failure);
  }

  @Test
  void aFailedRowCountNamesTheQueryAndKeepsTheCause() {
    InvalidRequestException failure =
        InvalidRequestException.builder()
            .message("Query has not yet finished. Current state: RUNNING")
            .statusCode(400)
            .build();
    doThrow(failure).when(athena).getQueryResults(any(GetQueryResultsRequest.class));

    assertThatThrownBy(() -> engine.rowsWritten(ID))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(ID)
        .hasCause(failure);
  }

  // --- the stand-in Athena ---

  private static QueryExecutionStatus.Builder status(String state) {
    return QueryExecutionStatus.builder().state(state).submissionDateTime(SUBMITTED);
  }

  private void execution(QueryExecutionStatus status, QueryExecutionStatistics statistics) {
    doReturn(
            GetQueryExecutionResponse.builder()
                .queryExecution(q -> q.queryExecutionId(ID).status(status).statistics(statistics))
                .build())
        .when(athena)
        .getQueryExecution(any(GetQueryExecutionRequest.class));
  }
}
