package dev.partitionbuilder.aws;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Lets tests in other packages build a client exactly as production does (the url-connection HTTP
 * client and the retry strategy of {@link AwsClients}), then point it somewhere else.
 */
public final class AwsClientsTestAccess {
  private AwsClientsTestAccess() {}

  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder) {
    return AwsClients.configure(builder, AwsClients.httpClient());
  }

  /**
   * As {@link #configure}, with production's retry strategy (attempts, what is retried) but no
   * waiting between attempts: a test of a throttling storm checks what the code does once the SDK
   * gives up or gets through, not the SDK's own backoff, which would take minutes.
   */
  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>>
      B configureWithoutBackoff(B builder) {
    return configure(builder)
        .overrideConfiguration(
            o ->
                o.retryStrategy(
                    AwsClients.retryStrategy().toBuilder()
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build()));
  }
}
