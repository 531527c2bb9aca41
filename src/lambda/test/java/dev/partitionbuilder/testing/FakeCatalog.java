package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory catalog of "db.table" names. */
public final class FakeCatalog implements Catalog {
  private final Journal journal;
  private final Set<String> tables = new HashSet<>();
  private final Map<String, String> partitions = new HashMap<>();
  private int failPointsFrom = Integer.MAX_VALUE;
  private int points;
  private int failDropsFrom = Integer.MAX_VALUE;
  private int drops;

  public FakeCatalog(Journal journal) {
    this.journal = journal;
  }

  public FakeCatalog add(String database, String table) {
    tables.add(database + "." + table);
    return this;
  }

  /** Drops fail from the {@code n}th call on (1 is the first). */
  public FakeCatalog failDropsFrom(int n) {
    this.failDropsFrom = n;
    return this;
  }

  public boolean has(String database, String table) {
    return tables.contains(database + "." + table);
  }

  @Override
  public boolean dropTableIfExists(String database, String table) {
    journal.add("drop " + database + "." + table);
    if (++drops >= failDropsFrom) {
      throw new PartitionBuilderException(
          "Cannot drop Glue table " + database + "." + table + ": AccessDenied");
    }
    return tables.remove(database + "." + table);
  }

  /** Pointing a partition fails from the {@code n}th call on (1 is the first). */
  public FakeCatalog failPointsFrom(int n) {
    this.failPointsFrom = n;
    return this;
  }

  @Override
  public Optional<String> partitionLocation(String database, String table, List<String> values) {
    return Optional.ofNullable(partitions.get(database + "." + table + values));
  }

  @Override
  public void pointPartition(String database, String table, List<String> values, String location) {
    journal.add("point " + database + "." + table + values + " " + location);
    if (++points >= failPointsFrom) {
      throw new PartitionBuilderException(
          "Cannot point Glue partition " + database + "." + table + values + ": AccessDenied");
    }
    partitions.put(database + "." + table + values, location);
  }
}
