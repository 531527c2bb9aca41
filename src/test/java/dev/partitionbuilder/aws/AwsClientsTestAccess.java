package dev.partitionbuilder.aws;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;

/**
 * Lets tests in other packages build a client exactly as production does (the url-connection HTTP
 * client and the retry strategy of {@link AwsClients}), then point it somewhere else.
 */
public final class AwsClientsTestAccess {
  private AwsClientsTestAccess() {}

  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
    return AwsClients.configure(builder, AwsClients.httpClient());
  }

}
