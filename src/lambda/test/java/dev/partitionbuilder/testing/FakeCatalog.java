package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.HashSet;
import java.util.Set;

/** An in-memory catalog of "db.table" names. */
public final class FakeCatalog implements Catalog {
  private final Journal journal;
  private final Set<String> tables = new HashSet<>();
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
      throw new PartitionBuilderException("Cannot drop Glue table " + database + "." + table + ": AccessDenied");
    }
    return tables.remove(database + "." + table);
  }
}
