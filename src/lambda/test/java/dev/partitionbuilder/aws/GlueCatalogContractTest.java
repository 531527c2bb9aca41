package dev.partitionbuilder.aws;

import static dev.partitionbuilder.testing.AwsJsonStand.echo;
import static dev.partitionbuilder.testing.AwsJsonStand.ok;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static dev.partitionbuilder.testing.GlueAnswers.deleted;
import static dev.partitionbuilder.testing.GlueAnswers.entityNotFound;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.CatalogContractTest;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.GlueAnswers;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GlueCatalog on a production-configured client, against a Glue scripted on the wire. */
class GlueCatalogContractTest extends CatalogContractTest {
  @RegisterExtension static final AwsJsonStand stand = AwsJsonStand.start();
  private GlueCatalog catalog;

  @BeforeEach
  void setUp() {
    stand.answer(DELETE_TABLE, entityNotFound(echo("$.Name")));
    stand.answer(GlueAnswers.GET_PARTITION, entityNotFound("partition"));
    catalog = new GlueCatalog(stand.glue());
  }

  @Override
  protected Catalog catalog() {
    return catalog;
  }

  /**
   * Glue's partition, looked up before each pointing and after it: absent, then at each location in
   * turn.
   */
  @Override
  protected void expectPointings(String... locations) {
    List<AwsJsonStand.Answer> lookups = new ArrayList<>(List.of(entityNotFound("partition")));
    for (int i = 0; i < locations.length; i++) {
      lookups.add(GlueAnswers.partition(locations[i], "2024", "03"));
      if (i + 1 < locations.length) {
        lookups.add(GlueAnswers.partition(locations[i], "2024", "03"));
      }
    }
    stand.answer(GlueAnswers.GET_PARTITION, lookups.toArray(AwsJsonStand.Answer[]::new));
    stand.answer(
        GlueAnswers.GET_TABLE, GlueAnswers.table(TABLE, "s3://bucket/cloudtrail_monthly/"));
    stand.answer(GlueAnswers.CREATE_PARTITION, ok("{}"));
    stand.answer(GlueAnswers.UPDATE_PARTITION, ok("{}"));
  }

  /**
   * A new partition gets the table's storage descriptor with the build's location (as ALTER TABLE
   * ADD PARTITION would); a moved one keeps its own storage descriptor and parameters.
   */
  @Test
  void aPartitionIsCreatedFromTheTableAndUpdatedFromItself() {
    expectPointings(FIRST, SECOND);

    catalog.pointPartition(DATABASE, TABLE, MARCH_VALUES, FIRST);
    catalog.partitionLocation(DATABASE, TABLE, MARCH_VALUES);
    catalog.pointPartition(DATABASE, TABLE, MARCH_VALUES, SECOND);

    JsonNode create = stand.requests(GlueAnswers.CREATE_PARTITION).get(0);
    assertThat(create.at("/PartitionInput/Values").toString()).isEqualTo("[\"2024\",\"03\"]");
    assertThat(create.at("/PartitionInput/StorageDescriptor/Location").asText()).isEqualTo(FIRST);
    JsonNode update = stand.requests(GlueAnswers.UPDATE_PARTITION).get(0);
    assertThat(update.at("/PartitionValueList").toString()).isEqualTo("[\"2024\",\"03\"]");
    assertThat(update.at("/PartitionInput/StorageDescriptor/Location").asText()).isEqualTo(SECOND);
    assertThat(
            update.at("/PartitionInput/StorageDescriptor/SerdeInfo/SerializationLibrary").asText())
        .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    assertThat(update.at("/PartitionInput/Parameters/note").asText()).isEqualTo("kept");
  }

  /** Glue deletes the table once; from then on it is not found. */
  @Override
  protected void createTable(String table) {
    stand.answerWhen(
        DELETE_TABLE, "$.Name", Pattern.quote(table), deleted(), entityNotFound(table));
  }
}
