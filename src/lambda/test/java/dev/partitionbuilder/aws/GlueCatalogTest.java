package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AccessDeniedException;
import software.amazon.awssdk.services.glue.model.DeleteTableRequest;
import software.amazon.awssdk.services.glue.model.DeleteTableResponse;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GlueException;

class GlueCatalogTest {
  private final GlueClient glue = sdkMock(GlueClient.class);
  private final GlueCatalog catalog = new GlueCatalog(glue);

  @Test
  void dropTableIfExistsDeletesTheTableInTheDatabaseAndSaysItDid() {
    doReturn(DeleteTableResponse.builder().build())
        .when(glue)
        .deleteTable(any(DeleteTableRequest.class));

    assertThat(catalog.dropTableIfExists("analytics", "events_tmp_2024_03")).isTrue();

    ArgumentCaptor<DeleteTableRequest> request = ArgumentCaptor.forClass(DeleteTableRequest.class);
    verify(glue).deleteTable(request.capture());
    assertThat(request.getValue().databaseName()).isEqualTo("analytics");
    assertThat(request.getValue().name()).isEqualTo("events_tmp_2024_03");
  }

  @Test
  void dropTableIfExistsOnAMissingTableReturnsFalseInsteadOfFailing() {
    doThrow(
            EntityNotFoundException.builder()
                .message("Table events_tmp_2024_03 not found.")
                .build())
        .when(glue)
        .deleteTable(any(DeleteTableRequest.class));

    assertThat(catalog.dropTableIfExists("analytics", "events_tmp_2024_03")).isFalse();
  }

  static Stream<SdkException> otherFailures() {
    return Stream.of(
        AccessDeniedException.builder()
            .message("User is not authorized to perform glue:DeleteTable")
            .build(),
        GlueException.builder().statusCode(500).message("Internal service error").build(),
        SdkClientException.create("Unable to execute HTTP request: connect timed out"));
  }

  @ParameterizedTest
  @MethodSource("otherFailures")
  void anyOtherFailureNamesTheQualifiedTableAndKeepsTheCause(SdkException failure) {
    doThrow(failure).when(glue).deleteTable(any(DeleteTableRequest.class));

    assertThatThrownBy(() -> catalog.dropTableIfExists("analytics", "events_tmp_2024_03"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("analytics.events_tmp_2024_03")
        .hasCause(failure);
  }
}
