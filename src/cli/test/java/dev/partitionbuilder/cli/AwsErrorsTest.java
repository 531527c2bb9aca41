package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.testing.SavedSystemProperties;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS failures a user meets first (no credentials, no region, expired or refused credentials,
 * an endpoint out of reach), each said in one line, and the region, profile and endpoint of {@code
 * --config} applied to the clients the CLI builds.
 *
 * <p>The SDK reads system properties and the profile files besides the environment: each test runs
 * with empty profile files, no credentials or region in system properties and no EC2 metadata
 * service, and is skipped where the process environment itself names credentials or a region.
 */
class AwsErrorsTest {
  private static final List<String> SDK_PROPERTIES =
      List.of(
          "aws.accessKeyId",
          "aws.secretAccessKey",
          "aws.sessionToken",
          "aws.region",
          "aws.profile",
          "aws.sharedCredentialsFile",
          "aws.configFile",
          "aws.disableEc2Metadata");
  private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/trigger";

  @TempDir Path dir;
  private SavedSystemProperties saved;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void noCredentialsAnywhere() throws Exception {
    assumeThat(System.getenv())
        .as(
            "this process's environment names AWS credentials, a profile or a region, "
                + "which the SDK reads whatever the test does")
        .doesNotContainKeys(
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_CONFIG_FILE");
    saved = SavedSystemProperties.save(SDK_PROPERTIES);
    SDK_PROPERTIES.forEach(System::clearProperty);
    System.setProperty(
        "aws.sharedCredentialsFile", Files.writeString(dir.resolve("credentials"), "").toString());
    System.setProperty("aws.configFile", Files.writeString(dir.resolve("config"), "").toString());
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  @AfterEach
  void restore() {
    if (saved != null) {
      saved.restore();
    }
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private Path config(String... more) throws Exception {
    StringBuilder text = new StringBuilder();
    MainTest.ENV.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
    for (String line : more) {
      text.append(line).append('\n');
    }
    return Files.writeString(dir.resolve("aws.env"), text);
  }

  @Test
  void enqueueWithoutCredentialsSaysSoInOneLineToWhichVerboseAddsTheTrace() {
    int code = run("enqueue", "--from", "2024-01", "--to", "2024-03", "--queue-url", QUEUE);

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    String line =
        "partition-builder: error: Cannot send to "
            + QUEUE
            + ": no AWS credentials found (set AWS_PROFILE, "
            + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`/`aws sso login`)";
    assertThat(err.toString().lines()).containsExactly(line);

    err.getBuffer().setLength(0);
    assertThat(
            run(
                "enqueue",
                "--from",
                "2024-01",
                "--to",
                "2024-03",
                "--queue-url",
                QUEUE,
                "--verbose"))
        .isEqualTo(2);
    List<String> verbose = err.toString().lines().toList();
    assertThat(verbose.getFirst()).isEqualTo(line);
    assertThat(verbose)
        .hasSizeGreaterThan(5)
        .anyMatch(
            l -> l.startsWith("\tat dev.partitionbuilder.cli.AwsSetup.credentials(AwsSetup.java:"));
    assertThat(err.toString())
        .contains(
            "Caused by: " + SdkClientException.class.getName() + ": Unable to load credentials");
  }

  @Test
  void enqueueTakesTheRegionFromAnAwsQueueUrlAndNeedsOneForAnyOtherUrl() {
    run(
        "enqueue",
        "--from",
        "2024-01",
        "--to",
        "2024-01",
        "--queue-url",
        "http://localhost:9324/000000000000/q");

    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Cannot send to "
                + "http://localhost:9324/000000000000/q: no AWS region: set AWS_REGION or pass --config with AWS_REGION");
    assertThat(EnqueueCommand.regionOf(QUEUE)).contains(Region.US_EAST_1);
    assertThat(EnqueueCommand.regionOf("https://eu-west-1.queue.amazonaws.com/1/q"))
        .contains(Region.EU_WEST_1);
    assertThat(EnqueueCommand.regionOf("http://localhost:9324/000000000000/q")).isEmpty();
  }

  @Test
  void enqueueTakesTheRegionFromConfig(@TempDir Path other) throws Exception {
    Path config = Files.writeString(other.resolve("region.env"), "AWS_REGION=eu-central-1\n");

    int code =
        run(
            "enqueue",
            "--from",
            "2024-01",
            "--to",
            "2024-01",
            "--queue-url",
            "http://localhost:9324/0/q",
            "--config",
            config.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .endsWith(
            ": no AWS credentials found (set "
                + "AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`/`aws sso login`)");
  }

  /** 37 lines of trace before; the region of --config was not used either. */
  @Test
  void runOnAthenaWithoutCredentialsSaysSoInOneLineWithTheRegionOfConfig() throws Exception {
    int code =
        run(
            "run",
            "--engine",
            "athena",
            "--month",
            "2024-03",
            "--config",
            config("AWS_REGION=eu-west-1").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Cannot build with --engine athena: "
                + "no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                + "`aws configure`/`aws sso login`)");
  }

  @Test
  void runOnAthenaWithoutARegionSaysWhereToSetIt() throws Exception {
    int code =
        run("run", "--engine", "athena", "--month", "2024-03", "--config", config().toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Cannot build with --engine athena: "
                + "no AWS region: set AWS_REGION or pass --config with AWS_REGION");
  }

  @Test
  void unlockOnAthenaWithoutCredentialsSaysSoInOneLine() throws Exception {
    int code =
        run(
            "unlock",
            "--engine",
            "athena",
            "--month",
            "2024-03",
            "--config",
            config("AWS_REGION=eu-west-1").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith(
            "partition-builder: error: Cannot read the month's lock in S3: no AWS credentials found");
  }

  @Test
  void theClientsTakeTheRegionAndEndpointsOfTheConfiguration() {
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "secret");

    AwsClients clients =
        new AwsSetup(
                Map.of(
                    "AWS_REGION",
                    "eu-west-1",
                    "AWS_ENDPOINT_URL",
                    "http://localhost:4566",
                    "AWS_ENDPOINT_URL_S3",
                    "http://localhost:9000"),
                "Cannot test")
            .clients();

    assertThat(clients.glue().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    assertThat(clients.athena().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    assertThat(clients.glue().serviceClientConfiguration().endpointOverride())
        .contains(URI.create("http://localhost:4566"));
    assertThat(clients.s3().serviceClientConfiguration().endpointOverride())
        .contains(URI.create("http://localhost:9000"));
  }

  @Test
  void theClientsTakeTheRegionAndCredentialsOfTheConfigurationsProfile() throws Exception {
    Files.writeString(dir.resolve("config"), "[profile analytics]\nregion = ap-southeast-2\n");
    Files.writeString(
        dir.resolve("credentials"),
        "[analytics]\naws_access_key_id = AKIDEXAMPLE\n" + "aws_secret_access_key = secret\n");

    AwsClients clients = new AwsSetup(Map.of("AWS_PROFILE", "analytics"), "Cannot test").clients();

    assertThat(clients.athena().serviceClientConfiguration().region())
        .isEqualTo(Region.AP_SOUTHEAST_2);
    assertThatThrownBy(
            () ->
                new AwsSetup(
                        Map.of("AWS_PROFILE", "nope", "AWS_REGION", "eu-west-1"), "Cannot test")
                    .clients())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot test: no AWS credentials found for "
                + "AWS_PROFILE=\"nope\" (check the profile in ~/.aws/config and ~/.aws/credentials, or run "
                + "`aws sso login --profile nope`)");
  }

  @Test
  void anExpiredTokenInTheMiddleOfABuildIsSaidShortlyInPlaceOfTheSdksMessage() {
    AwsServiceException expired =
        service("ExpiredTokenException", "The security token included in the request is expired");

    assertThat(
            ErrorReport.line(
                new PartitionBuilderException(
                    "Cannot read Glue table cloudtrail.cloudtrail_monthly: " + expired.getMessage(),
                    expired)))
        .isEqualTo(
            "Cannot read Glue table cloudtrail.cloudtrail_monthly: the AWS "
                + "credentials have expired (ExpiredTokenException): renew them (such as with `aws sso login`) and run again");
  }

  @Test
  void refusedCredentialsAndAccessDeniedNameTheCodeAndWhatToDo() {
    assertThat(
            AwsErrors.describe(
                service("UnrecognizedClientException", "The security token is invalid")))
        .contains(
            "AWS rejected the credentials (UnrecognizedClientException): check AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                + "and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)");
    assertThat(
            AwsErrors.describe(
                service(
                    "AccessDeniedException",
                    "User: arn:aws:iam::1:user/x is not authorized "
                        + "to perform: glue:GetTable")))
        .contains(
            "access denied (AccessDeniedException: User: arn:aws:iam::1:user/x "
                + "is not authorized to perform: glue:GetTable): give these credentials the permissions that "
                + "`./partition-builder render --policy` lists");
    assertThat(AwsErrors.describe(service("InvalidRequestException", "no such workgroup")))
        .isEmpty();
  }

  @Test
  void anEndpointOutOfReachNamesTheHostOrTheConnection() {
    SdkClientException unknownHost =
        SdkClientException.builder()
            .message(
                "Received an UnknownHostException when "
                    + "attempting to interact with a service. See cause for the exact endpoint")
            .cause(new UnknownHostException("glue.eu-west-1.amazonaws.com"))
            .build();
    SdkClientException refused =
        SdkClientException.builder()
            .message("Unable to execute HTTP request")
            .cause(new ConnectException("Connection refused"))
            .build();

    assertThat(
            ErrorReport.line(
                new ConfigException(
                    "ATHENA_WORKGROUP cannot be read from Athena: " + unknownHost.getMessage(),
                    unknownHost)))
        .isEqualTo(
            "ATHENA_WORKGROUP cannot be read from Athena: cannot "
                + "reach AWS: unknown host \"glue.eu-west-1.amazonaws.com\": check AWS_REGION, AWS_ENDPOINT_URL and the "
                + "network");
    assertThat(ErrorReport.line(refused))
        .isEqualTo(
            "An AWS call failed: cannot connect to AWS (Connection refused): "
                + "check AWS_ENDPOINT_URL, a proxy and the network");
  }

  @Test
  void anSdkFailureOfNoKnownKindKeepsItsMessageAsAnUnexpectedOne() {
    SdkClientException odd = SdkClientException.create("Something odd");

    assertThat(AwsErrors.find(odd)).isEqualTo(Optional.empty());
    assertThat(ErrorReport.line(odd))
        .isEqualTo(
            "unexpected SdkClientException in "
                + "AwsErrorsTest.anSdkFailureOfNoKnownKindKeepsItsMessageAsAnUnexpectedOne: Something odd (--verbose shows the trace)");
  }

  private static AwsServiceException service(String code, String message) {
    return AwsServiceException.builder()
        .message(message)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName("Glue")
                .build())
        .build();
  }
}
