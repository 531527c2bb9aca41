package dev.partitionbuilder.aws;

import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static dev.partitionbuilder.testing.GlueAnswers.concurrentModification;
import static dev.partitionbuilder.testing.GlueAnswers.deleted;
import static dev.partitionbuilder.testing.GlueAnswers.entityNotFound;
import static dev.partitionbuilder.testing.GlueAnswers.internalServiceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.testing.AwsJsonStand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.glue.model.ConcurrentModificationException;

/** GlueCatalog on a production-configured GlueClient, against Glue's DeleteTable on the wire. */
class GlueOnTheWireTest {
  private static final String TABLE = "cloudtrail_monthly_temp_202403";

  @RegisterExtension static final AwsJsonStand stand = AwsJsonStand.start();
  private GlueCatalog catalog;

  @BeforeEach
  void setUp() {
    catalog = new GlueCatalog(stand.glue());
  }

  @Test
  void dropSendsTheDatabaseAndTableNameAndSaysATableWasDropped() {
    stand.answer(DELETE_TABLE, deleted());

    assertThat(catalog.dropTableIfExists("cloudtrail", TABLE)).isTrue();

    assertThat(stand.requests(DELETE_TABLE))
        .extracting(body -> body.toString())
        .containsExactly("{\"DatabaseName\":\"cloudtrail\",\"Name\":\"" + TABLE + "\"}");
  }

  @Test
  void entityNotFoundMeansThereWasNoTableToDropAndIsNotRetried() {
    stand.answer(DELETE_TABLE, entityNotFound(TABLE));

    assertThat(catalog.dropTableIfExists("cloudtrail", TABLE)).isFalse();

    assertThat(stand.requests(DELETE_TABLE)).hasSize(1);
  }

  /**
   * ConcurrentModificationException is neither a throttling nor a transient error to the SDK's
   * standard retry strategy (a 400 whose code is in neither list), so it is sent once and fails.
   */
  @Test
  void aConcurrentModificationIsNotRetriedAndFailsNamingTheTable() {
    stand.answer(
        DELETE_TABLE,
        concurrentModification("Table " + TABLE + " is being modified by another request."),
        deleted());

    assertThatThrownBy(() -> catalog.dropTableIfExists("cloudtrail", TABLE))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("cloudtrail." + TABLE)
        .hasMessageContaining("is being modified by another request")
        .hasCauseInstanceOf(ConcurrentModificationException.class);
    assertThat(stand.requests(DELETE_TABLE)).hasSize(1);
  }

  @Test
  void anInternalServiceErrorIsRetriedByTheSdkUntilTheTableIsDropped() {
    stand.answer(DELETE_TABLE, internalServiceError(), internalServiceError(), deleted());

    assertThat(catalog.dropTableIfExists("cloudtrail", TABLE)).isTrue();

    assertThat(stand.requests(DELETE_TABLE)).hasSize(3);
  }

  @Test
  void getTableGivesTheLocationPartitionKeysAndProjectionOfTheLongLivedTable() {
    stand.answer(
        dev.partitionbuilder.testing.GlueAnswers.GET_TABLE,
        dev.partitionbuilder.testing.GlueAnswers.table(
            "cloudtrail_monthly", "s3://bucket/cloudtrail_monthly/"));

    dev.partitionbuilder.core.TableDefinition table =
        catalog.table("cloudtrail", "cloudtrail_monthly").orElseThrow();

    assertThat(table.name()).isEqualTo("cloudtrail.cloudtrail_monthly");
    assertThat(table.location()).isEqualTo("s3://bucket/cloudtrail_monthly/");
    assertThat(table.partitionKeys())
        .extracting(dev.partitionbuilder.core.TableDefinition.Column::name)
        .containsExactly("year", "month");
    assertThat(table.parameters())
        .containsEntry(
            "storage.location.template", "s3://bucket/cloudtrail_monthly/${year}/${month}/");
    assertThat(stand.requests(dev.partitionbuilder.testing.GlueAnswers.GET_TABLE))
        .extracting(body -> body.toString())
        .containsExactly("{\"DatabaseName\":\"cloudtrail\",\"Name\":\"cloudtrail_monthly\"}");
  }

  @Test
  void getTableOfATableThatIsNotThereIsEmpty() {
    stand.answer(
        dev.partitionbuilder.testing.GlueAnswers.GET_TABLE, entityNotFound("cloudtrail_monthly"));

    assertThat(catalog.table("cloudtrail", "cloudtrail_monthly")).isEmpty();
  }
}
