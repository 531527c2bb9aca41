package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.TableDefinition;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
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
      throw new PartitionBuilderException(
          "Cannot drop Glue table " + database + "." + table + ": " + e.getMessage(), e);
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
      throw new PartitionBuilderException(
          "Cannot read Glue table " + database + "." + table + ": " + e.getMessage(), e);
    }
    String location =
        found.storageDescriptor() == null || found.storageDescriptor().location() == null
            ? ""
            : found.storageDescriptor().location();
    return Optional.of(
        new TableDefinition(
            database + "." + table,
            location,
            found.partitionKeys().stream()
                .map(c -> new TableDefinition.Column(c.name(), c.type()))
                .toList(),
            found.parameters()));
  }

  @Override
  public Optional<String> partitionLocation(String database, String table, List<String> values) {
    return partition(database, table, values)
        .map(p -> p.storageDescriptor() == null ? "" : p.storageDescriptor().location());
  }

  /**
   * UpdatePartition of an existing partition, keeping its storage descriptor (columns, SerDe,
   * formats) but for the location; else CreatePartition with the table's storage descriptor, as
   * Athena's ALTER TABLE ADD PARTITION does. Each is one Glue call, atomic to readers.
   */
  @Override
  public void pointPartition(String database, String table, List<String> values, String location) {
    String name = database + "." + table + " " + values;
    try {
      Optional<Partition> existing = partition(database, table, values);
      if (existing.isPresent()) {
        update(database, table, values, existing.get(), location);
        return;
      }
      StorageDescriptor sd =
          glue.getTable(b -> b.databaseName(database).name(table)).table().storageDescriptor();
      try {
        glue.createPartition(
            b ->
                b.databaseName(database)
                    .tableName(table)
                    .partitionInput(
                        PartitionInput.builder()
                            .values(values)
                            .storageDescriptor(sd.toBuilder().location(location).build())
                            .build()));
      } catch (AlreadyExistsException e) {
        // Created between our look and our create: point the one that is there.
        update(
            database,
            table,
            values,
            partition(database, table, values).orElseThrow(() -> e),
            location);
      }
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot point Glue partition " + name + " at " + location + ": " + e.getMessage(), e);
    }
  }

  private void update(
      String database, String table, List<String> values, Partition existing, String location) {
    glue.updatePartition(
        b ->
            b.databaseName(database)
                .tableName(table)
                .partitionValueList(values)
                .partitionInput(
                    PartitionInput.builder()
                        .values(values)
                        .parameters(existing.parameters())
                        .storageDescriptor(
                            existing.storageDescriptor().toBuilder().location(location).build())
                        .build()));
  }

  private Optional<Partition> partition(String database, String table, List<String> values) {
    try {
      return Optional.of(
          glue.getPartition(b -> b.databaseName(database).tableName(table).partitionValues(values))
              .partition());
    } catch (EntityNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot read Glue partition "
              + database
              + "."
              + table
              + " "
              + values
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
