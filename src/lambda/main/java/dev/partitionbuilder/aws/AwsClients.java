package dev.partitionbuilder.aws;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The three SDK clients, built once (per Lambda container, or per CLI run) and handed to the
 * adapters. Everything that makes a cold start slow is avoided here: the url-connection HTTP client
 * instead of Apache or Netty, and in Lambda the credentials straight from the environment instead
 * of a walk through the whole provider chain.
 */
public final class AwsClients {
  /** Throttling (Athena's TooManyRequestsException included) is retried here, by the SDK. */
  static final int MAX_ATTEMPTS = 8;

  /** Environment variable: address S3 buckets path-style (for S3-compatible endpoints). */
  public static final String S3_FORCE_PATH_STYLE = "S3_FORCE_PATH_STYLE";

  private final S3Client s3;
  private final GlueClient glue;
  private final AthenaClient athena;

  public AwsClients(S3Client s3, GlueClient glue, AthenaClient athena) {
    this.s3 = s3;
    this.glue = glue;
    this.athena = athena;
  }

  public static AwsClients create() {
    SdkHttpClient http = httpClient();
    return new AwsClients(
        configure(S3Client.builder(), http).forcePathStyle(pathStyle(System.getenv())).build(),
        configure(GlueClient.builder(), http).build(),
        configure(AthenaClient.builder(), http).build());
  }

  public S3Client s3() {
    return s3;
  }

  public GlueClient glue() {
    return glue;
  }

  public AthenaClient athena() {
    return athena;
  }

  /**
   * Public, as {@link #configure} and {@link #pathStyle}, for the CLI's own clients (its --config
   * names a region).
   */
  public static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(60))
        .build();
  }

  /** The SDK's standard strategy (throttling included), with {@value #MAX_ATTEMPTS} attempts. */
  static StandardRetryStrategy retryStrategy() {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build();
  }

  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, SdkHttpClient http) {
    builder
        .httpClient(http)
        .credentialsProvider(credentials())
        .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
    String region = System.getenv("AWS_REGION");
    if (region != null && !region.isBlank()) {
      builder.region(Region.of(region));
    }
    return builder;
  }

  private static AwsCredentialsProvider credentials() {
    return credentials(System.getenv());
  }

  /**
   * {@value #S3_FORCE_PATH_STYLE}=true addresses buckets as {@code endpoint/bucket} instead of
   * {@code bucket.endpoint}: for S3-compatible endpoints given by {@code AWS_ENDPOINT_URL_S3}
   * (stand-ins, LocalStack); AWS itself needs nothing.
   */
  public static boolean pathStyle(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.getOrDefault(S3_FORCE_PATH_STYLE, "false").strip());
  }

  /**
   * The one provider that applies, instead of a walk through the whole chain at every cold start.
   * With SnapStart, Lambda serves the role's credentials from a container endpoint, not from
   * environment variables, which a snapshot would freeze:
   * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials
   */
  static AwsCredentialsProvider credentials(Map<String, String> env) {
    if (env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null) {
      return ContainerCredentialsProvider.builder().build();
    }
    if (env.get("AWS_LAMBDA_FUNCTION_NAME") != null && env.get("AWS_ACCESS_KEY_ID") != null) {
      return EnvironmentVariableCredentialsProvider.create();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
