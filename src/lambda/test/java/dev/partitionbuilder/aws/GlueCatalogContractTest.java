package dev.partitionbuilder.aws;

import static dev.partitionbuilder.testing.AwsJsonStand.echo;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static dev.partitionbuilder.testing.GlueAnswers.deleted;
import static dev.partitionbuilder.testing.GlueAnswers.entityNotFound;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.CatalogContractTest;
import dev.partitionbuilder.testing.AwsJsonStand;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GlueCatalog on a production-configured client, against a Glue scripted on the wire. */
class GlueCatalogContractTest extends CatalogContractTest {
  @RegisterExtension
  static final AwsJsonStand stand = AwsJsonStand.start();
  private GlueCatalog catalog;


  @BeforeEach
  void setUp() {
    stand.answer(DELETE_TABLE, entityNotFound(echo("$.Name")));
    catalog = new GlueCatalog(stand.glue());
  }

  @Override
  protected Catalog catalog() {
    return catalog;
  }

  /** Glue deletes the table once; from then on it is not found. */
  @Override
  protected void createTable(String table) {
    stand.answerWhen(DELETE_TABLE, "$.Name", Pattern.quote(table), deleted(), entityNotFound(table));
  }
}
