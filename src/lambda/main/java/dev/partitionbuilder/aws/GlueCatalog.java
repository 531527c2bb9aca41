package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.TableDefinition;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Table;

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

  /**
   * The table as Glue's GetTable describes it: LOCATION, partition keys and parameters (partition
   * projection's included); empty when the table (or its database) does not exist.
   */
  public Optional<TableDefinition> table(String database, String table) {
    Table found;
    try {
      found = glue.getTable(b -> b.databaseName(database).name(table)).table();
    } catch (EntityNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot read Glue table " + database + "." + table + ": " + e.getMessage(), e);
    }
    String location = found.storageDescriptor() == null || found.storageDescriptor().location() == null
        ? "" : found.storageDescriptor().location();
    return Optional.of(new TableDefinition(database + "." + table, location,
        found.partitionKeys().stream().map(c -> new TableDefinition.Column(c.name(), c.type())).toList(),
        found.parameters()));
  }
}
