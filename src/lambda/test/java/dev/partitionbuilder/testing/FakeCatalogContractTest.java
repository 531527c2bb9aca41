package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.CatalogContractTest;

/** The fake the pipeline tests rely on keeps the same contract as Glue and the local catalog. */
class FakeCatalogContractTest extends CatalogContractTest {
  private final FakeCatalog catalog = new FakeCatalog(new Journal());

  @Override
  protected Catalog catalog() {
    return catalog;
  }

  @Override
  protected void createTable(String table) {
    catalog.add(DATABASE, table);
  }
}
