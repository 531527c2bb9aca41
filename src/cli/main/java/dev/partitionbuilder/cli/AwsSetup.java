package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.SafeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients a command builds: set up as the Lambda's ({@link AwsClients#configure}: HTTP
 * client, retries), with {@code AWS_REGION}, {@code AWS_PROFILE} and {@code AWS_ENDPOINT_URL} (or
 * {@code AWS_ENDPOINT_URL_<SERVICE>}) taken from the command's variables, which are those of {@code
 * --config} overridden by the environment's. The SDK alone would read the environment only.
 *
 * <p>The region and the credentials are resolved here, before the first call, so that a missing one
 * stops the command with one line saying what to set instead of a failure in the middle of it.
 * Where the variables name neither, the SDK's own chains decide (system properties, the profile
 * files, a container or instance role).
 */
final class AwsSetup {
  static final String AWS_REGION = "AWS_REGION";

  /** The AWS CLI's name for the region; the SDK reads only AWS_REGION. */
  static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";

  static final String AWS_PROFILE = "AWS_PROFILE";
  static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";

  private final Map<String, String> values;
  private final String doing;

  /**
   * @param values the command's variables ({@link ConfigOptions#values})
   * @param doing what the clients are for, as an error would start: "Cannot build with --engine
   *     athena"
   */
  AwsSetup(Map<String, String> values, String doing) {
    this.values = requireNonNull(values, "values is null");
    this.doing = requireNonNull(doing, "doing is null");
  }

  /** S3, Glue and Athena, for the builder and the month locks. */
  AwsClients clients() {
    Region region = region(Optional.empty());
    AwsCredentialsProvider credentials = credentials();
    SdkHttpClient http = AwsClients.httpClient();
    return new AwsClients(
        configure(S3Client.builder(), http, "S3", region, credentials)
            .forcePathStyle(AwsClients.pathStyle(values))
            .build(),
        configure(GlueClient.builder(), http, "GLUE", region, credentials).build(),
        configure(AthenaClient.builder(), http, "ATHENA", region, credentials).build());
  }

  /**
   * The client of {@code enqueue}.
   *
   * @param endpoint an endpoint named on the command line, over any the variables name
   * @param fallback the region when nothing else names one: the queue URL's
   */
  SqsClient sqs(Optional<URI> endpoint, Optional<Region> fallback) {
    Region region = region(fallback);
    AwsCredentialsProvider credentials = credentials();
    var builder =
        configure(SqsClient.builder(), AwsClients.httpClient(), "SQS", region, credentials);
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder,
      SdkHttpClient http,
      String service,
      Region region,
      AwsCredentialsProvider credentials) {
    AwsClients.configure(builder, http).region(region).credentialsProvider(credentials);
    endpoint(service).ifPresent(builder::endpointOverride);
    return builder;
  }

  Region region(Optional<Region> fallback) {
    for (String name : new String[] {AWS_REGION, AWS_DEFAULT_REGION}) {
      String named = values.get(name);
      if (named != null && !named.isBlank()) {
        return Region.of(named.strip());
      }
    }
    try {
      return profile()
          .map(p -> DefaultAwsRegionProviderChain.builder().profileName(p).build())
          .orElseGet(DefaultAwsRegionProviderChain::new)
          .getRegion();
    } catch (SdkException e) {
      if (fallback.isPresent()) {
        return fallback.get();
      }
      throw new ConfigException(doing + ": " + AwsErrors.NO_REGION, e);
    }
  }

  AwsCredentialsProvider credentials() {
    DefaultCredentialsProvider.Builder chain = DefaultCredentialsProvider.builder();
    profile().ifPresent(chain::profileName);
    DefaultCredentialsProvider provider = chain.build();
    try {
      provider.resolveCredentials();
    } catch (SdkException e) {
      Optional<String> known = AwsErrors.describe(e);
      if (profile().isPresent() && known.equals(Optional.of(AwsErrors.NO_CREDENTIALS))) {
        String name = profile().get();
        known =
            Optional.of(
                "no AWS credentials found for AWS_PROFILE="
                    + SafeText.quote(name)
                    + " (check the profile "
                    + "in ~/.aws/config and ~/.aws/credentials, or run `aws sso login --profile "
                    + SafeText.escape(name)
                    + "`)");
      }
      throw new ConfigException(
          doing
              + ": "
              + known.orElse(AwsErrors.NO_CREDENTIALS + ": " + SafeText.of(e.getMessage())),
          e);
    }
    return provider;
  }

  private Optional<String> profile() {
    return Optional.ofNullable(values.get(AWS_PROFILE))
        .map(String::strip)
        .filter(p -> !p.isEmpty());
  }

  /** {@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}: the SDK's own order. */
  private Optional<URI> endpoint(String service) {
    for (String name :
        new String[] {
          AWS_ENDPOINT_URL + "_" + service.toUpperCase(Locale.ROOT), AWS_ENDPOINT_URL
        }) {
      String url = values.get(name);
      if (url != null && !url.isBlank()) {
        try {
          return Optional.of(new URI(url.strip()));
        } catch (URISyntaxException e) {
          throw new ConfigException(
              name
                  + "="
                  + SafeText.quote(url)
                  + " is not a URL ("
                  + e.getReason()
                  + "): expected such as https://s3.eu-west-1.amazonaws.com or http://localhost:4566",
              e);
        }
      }
    }
    return Optional.empty();
  }
}
