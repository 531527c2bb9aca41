package dev.partitionbuilder.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The SQS client of the CLI's {@code enqueue}, set up as {@link AwsClients} sets up the others.
 * A class of its own because the Lambda needs none (SQS invokes it) and its zip carries no SQS
 * module: no class the Lambda loads may name an SQS type.
 */
public final class SqsClients {
  private SqsClients() {}

  /**
   * The SDK honours {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_SQS} by itself;
   * {@code endpointOverride} is for callers that name an endpoint explicitly.
   */
  public static SqsClient create(Optional<URI> endpointOverride) {
    SqsClientBuilder builder = AwsClients.configure(SqsClient.builder(), AwsClients.httpClient());
    endpointOverride.ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
