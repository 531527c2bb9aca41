package dev.partitionbuilder.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of a command that starts the local engine on a warehouse: {@code run} and {@code query}. */
final class LocalEngineOptions {
  static final Path DEFAULT_WAREHOUSE = Path.of("local", "warehouse");

  @Option(names = "--warehouse", paramLabel = "DIR", description = "where the destination table is (run writes it "
      + "there; default: local/warehouse)")
  Path warehouse = DEFAULT_WAREHOUSE;

  @Option(names = "--source-ddl", paramLabel = "FILE", description = "the source table's DDL (default: the bundled "
      + "ddl/cloudtrail_daily.sql)")
  Path sourceDdl;

  @Option(names = "--memory-limit", paramLabel = "SIZE", description = "the local engine's query memory (Trino's "
      + "query.max-memory), such as 1GB; ./partition-builder gives the JVM the heap it needs")
  String memoryLimit;

  @Option(names = "--temp-dir", paramLabel = "DIR", description = "where the local engine keeps its metastore while "
      + "it runs (default: the system's temp directory)")
  Path tempDir;
}
