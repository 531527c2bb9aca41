package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.partitionbuilder.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class AwsBackendTest {
  private static final String SQL =
      "CREATE TABLE {{table}} WITH (external_location = '{{location}}') AS\n"
          + "SELECT * FROM src WHERE city = 'Zürich' -- ✓\n";

  private final S3Client s3 = sdkMock(S3Client.class);

  @Test
  void readTemplateReadsTheObjectNamedByTheUriAsUtf8() {
    serves(SQL);

    String text = AwsBackend.readTemplate(s3, "s3://bucket/path/to/t.sql");

    assertThat(text).isEqualTo(SQL);
    GetObjectRequest request = requested();
    assertThat(request.bucket()).isEqualTo("bucket");
    assertThat(request.key()).isEqualTo("path/to/t.sql");
  }

  /** S3 URIs, as the console, the CLI and Athena's LOCATION write them, are not percent-encoded. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "s3://bucket/ctas templates/t.sql | ctas templates/t.sql",
        "s3://bucket/100%.sql             | 100%.sql",
        "s3://bucket/a+b.sql              | a+b.sql",
        "s3://bucket/größe/t.sql          | größe/t.sql",
        "s3://bucket/t#1.sql              | t#1.sql"
      })
  void readTemplateTakesTheKeyExactlyAsWritten(String uri, String key) {
    serves(SQL);

    AwsBackend.readTemplate(s3, uri);

    assertThat(requested().key()).isEqualTo(key);
  }

  @Test
  void aMissingTemplateIsAConfigErrorNamingTheSettingAndTheUri() {
    NoSuchKeyException missing =
        NoSuchKeyException.builder()
            .statusCode(404)
            .message("The specified key does not exist.")
            .build();
    doThrow(missing).when(s3).getObjectAsBytes(any(GetObjectRequest.class));

    assertThatThrownBy(() -> AwsBackend.readTemplate(s3, "s3://bucket/path/to/t.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CTAS_TEMPLATE")
        .hasMessageContaining("s3://bucket/path/to/t.sql")
        .hasCause(missing);
  }

  @Test
  void anUnreadableTemplateIsAConfigErrorNamingTheSettingAndTheUri() {
    S3Exception denied =
        (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied").build();
    doThrow(denied).when(s3).getObjectAsBytes(any(GetObjectRequest.class));

    assertThatThrownBy(() -> AwsBackend.readTemplate(s3, "s3://bucket/path/to/t.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CTAS_TEMPLATE")
        .hasMessageContaining("s3://bucket/path/to/t.sql")
        .hasCause(denied);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"s3://bucket", "s3://bucket/", "s3:///t.sql", "s3://", "https://bucket/t.sql"})
  void aUriWithoutBucketOrKeyIsAConfigErrorAndNothingIsRead(String uri) {
    assertThatThrownBy(() -> AwsBackend.readTemplate(s3, uri))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CTAS_TEMPLATE")
        .hasMessageContaining(uri);
    verifyNoInteractions(s3);
  }

  private void serves(String text) {
    doReturn(ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), text.getBytes(UTF_8)))
        .when(s3)
        .getObjectAsBytes(any(GetObjectRequest.class));
  }

  private GetObjectRequest requested() {
    ArgumentCaptor<GetObjectRequest> captor = ArgumentCaptor.forClass(GetObjectRequest.class);
    verify(s3).getObjectAsBytes(captor.capture());
    return captor.getValue();
  }
}
