package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_WORK_GROUP;
import static dev.partitionbuilder.testing.AthenaAnswers.invalidRequest;
import static dev.partitionbuilder.testing.AthenaAnswers.workGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.GlueAnswers;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cold-start check of ATHENA_WORKGROUP (AwsBackend, as the Lambda's Handler and {@code run
 * --engine athena} wire it), with Athena answered over HTTP by a stand-in in the GetWorkGroup
 * response shape of the API reference.
 */
class AthenaWorkgroupCheckTest {
  private static final Config CONFIG =
      Config.fromEnvironment(
          Map.of(
              Config.ATHENA_WORKGROUP, "analytics",
              Config.GLUE_DATABASE, "cloudtrail",
              Config.SRC_TABLE_NAME, "cloudtrail_daily",
              Config.DST_TABLE_NAME, "cloudtrail_monthly",
              Config.DST_BUCKET, "bucket",
              Config.DST_PREFIX, "cloudtrail_monthly/"));

  @RegisterExtension static final AwsJsonStand stand = AwsJsonStand.start();

  private final S3Client s3 = sdkMock(S3Client.class);

  private PartitionBuilder wire() {
    stand.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://bucket/cloudtrail_monthly/"));
    return AwsBackend.partitionBuilder(
        CONFIG,
        new AwsClients(s3, stand.glue(), stand.athena()),
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  @Test
  void aWorkgroupThatEnforcesItsOwnSettingsStopsTheStartWithWhatToChangeAndNoQueryIsStarted() {
    stand.answer(GET_WORK_GROUP, workGroup("analytics", true));

    assertThatThrownBy(this::wire)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "ATHENA_WORKGROUP=\"analytics\" enforces its own settings (EnforceWorkGroupConfiguration=true), "
                + "so Athena would ignore the CTAS's external_location and write the table under the workgroup's result "
                + "location: turn off \"Override client-side settings\" for this workgroup, or use a workgroup that does "
                + "not enforce them");
    assertThat(stand.calls()).containsExactly(GlueAnswers.GET_TABLE, GET_WORK_GROUP);
  }

  @Test
  void aWorkgroupThatLetsTheQueryChooseItsLocationIsAccepted() {
    stand.answer(GET_WORK_GROUP, workGroup("analytics", false));

    assertThat(wire()).isNotNull();
    assertThat(stand.requests(GET_WORK_GROUP))
        .singleElement()
        .satisfies(body -> assertThat(body.toString()).isEqualTo("{\"WorkGroup\":\"analytics\"}"));
    assertThat(stand.calls()).containsExactly(GlueAnswers.GET_TABLE, GET_WORK_GROUP);
  }

  @Test
  void anUnknownWorkgroupStopsTheStartNamingItAndAthenasError() {
    stand.answer(GET_WORK_GROUP, invalidRequest("WorkGroup analytics is not found."));

    assertThatThrownBy(this::wire)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ATHENA_WORKGROUP=\"analytics\" cannot be read from Athena: ")
        .hasMessageContaining("WorkGroup analytics is not found.")
        .message()
        .doesNotContain("\n");
    // A refused request is not retried by the SDK.
    assertThat(stand.calls()).containsExactly(GlueAnswers.GET_TABLE, GET_WORK_GROUP);
  }

  @Test
  void aDestinationTableMissingFromGlueStopsTheStartInOneLineBeforeAnythingElse() {
    stand.answer(GlueAnswers.GET_TABLE, GlueAnswers.entityNotFound("cloudtrail_monthly"));

    assertThatThrownBy(
            () ->
                AwsBackend.partitionBuilder(
                    CONFIG,
                    new AwsClients(s3, stand.glue(), stand.athena()),
                    Clock.systemUTC(),
                    Sleeper.SYSTEM))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "DST_TABLE_NAME=\"cloudtrail_monthly\": there is no such table in the Glue database cloudtrail "
                + "(create it first, e.g. from ddl/cloudtrail_monthly.sql)");
    assertThat(stand.calls()).containsExactly(GlueAnswers.GET_TABLE);
  }

  @Test
  void aDestinationTableOutsideTheFunctionsPrefixStopsTheStart() {
    stand.answer(
        GlueAnswers.GET_TABLE, GlueAnswers.table("cloudtrail_monthly", "s3://bucket/elsewhere/"));

    assertThatThrownBy(
            () ->
                AwsBackend.partitionBuilder(
                    CONFIG,
                    new AwsClients(s3, stand.glue(), stand.athena()),
                    Clock.systemUTC(),
                    Sleeper.SYSTEM))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot build monthly partitions of cloudtrail.cloudtrail_monthly: its LOCATION "
                + "\"s3://bucket/elsewhere/\" is not s3://bucket/cloudtrail_monthly/, where DST_BUCKET and DST_PREFIX let "
                + "the function write");
  }
}
