package dev.partitionbuilder.local;

import static io.trino.testing.TestingSession.testSessionBuilder;
import static org.assertj.core.api.Assertions.assertThat;

import io.trino.plugin.hive.HivePlugin;
import io.trino.testing.StandaloneQueryRunner;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's check that embedded Trino runs here (issue 12): the module's dependencies, the
 * BOM and the exclusions in src/cli/pom.xml, the JDK 25 toolchain and surefire's
 * --add-modules=jdk.incubator.vector. It says nothing about local mode, which still runs DuckDB.
 */
class EmbeddedTrinoTest {

  @TempDir static Path warehouse;

  private static StandaloneQueryRunner trino;

  @BeforeAll
  static void startTrino() {
    trino = new StandaloneQueryRunner(testSessionBuilder().build());
    trino.installPlugin(new HivePlugin());
    trino.createCatalog("hive", "hive", Map.of(
        "hive.metastore", "file",
        "hive.metastore.catalog.dir", "local:///metastore",
        "fs.native-local.enabled", "true",
        "local.location", warehouse.toString()));
  }

  @AfterAll
  static void stopTrino() {
    if (trino != null) {
      trino.close();
    }
  }

  @Test
  void divides_integers_as_trino_does_whenAskedForSevenByTwo() {
    assertThat(trino.execute("SELECT 7 / 2").getOnlyValue()).isEqualTo(3);
  }

  @Test
  void hiveConnector_writesAndReadsATable_onTheLocalFileSystem() {
    trino.execute("CREATE SCHEMA hive.build_check");
    trino.execute("CREATE TABLE hive.build_check.t WITH (format = 'PARQUET') AS SELECT 7 / 2 AS x");

    assertThat(trino.execute("SELECT x FROM hive.build_check.t").getOnlyValue()).isEqualTo(3);
    assertThat(warehouse.resolve("metastore/build_check/t")).isDirectory();
  }
}
