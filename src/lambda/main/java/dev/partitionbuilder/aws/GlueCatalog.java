package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;

/** The Glue Data Catalog. */
public final class GlueCatalog implements Catalog {
  private final GlueClient glue;

  public GlueCatalog(GlueClient glue) {
    this.glue = requireNonNull(glue, "glue is null");
  }

  @Override
  public boolean dropTableIfExists(String database, String table) {
    try {
      // DeleteTable removes the catalog entry only; the CTAS output in S3 stays.
      glue.deleteTable(b -> b.databaseName(database).name(table));
      return true;
    } catch (EntityNotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot drop Glue table " + database + "." + table + ": " + e.getMessage(), e);
    }
  }
}
