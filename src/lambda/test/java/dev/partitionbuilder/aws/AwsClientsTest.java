package dev.partitionbuilder.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

class AwsClientsTest {
  @Test
  void takesTheContainerEndpointUnderSnapStart() {
    assertThat(
            AwsClients.credentials(
                Map.of(
                    "AWS_LAMBDA_FUNCTION_NAME",
                    "f",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://127.0.0.1:9001/2021-04-23/credentials")))
        .isInstanceOf(ContainerCredentialsProvider.class);
  }

  @Test
  void takesTheEnvironmentInALambdaWithoutSnapStart() {
    assertThat(
            AwsClients.credentials(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "AWS_ACCESS_KEY_ID", "ASIA...")))
        .isInstanceOf(EnvironmentVariableCredentialsProvider.class);
  }

  @Test
  void addressesBucketsPathStyleOnlyWhenAskedTo() {
    assertThat(AwsClients.pathStyle(Map.of())).isFalse();
    assertThat(AwsClients.pathStyle(Map.of("S3_FORCE_PATH_STYLE", "TRUE"))).isTrue();
    assertThat(AwsClients.pathStyle(Map.of("S3_FORCE_PATH_STYLE", "no"))).isFalse();
  }

  @Test
  void walksTheDefaultChainOutsideLambda() {
    assertThat(AwsClients.credentials(Map.of("AWS_ACCESS_KEY_ID", "AKIA...")))
        .isInstanceOf(DefaultCredentialsProvider.class);
  }
}
