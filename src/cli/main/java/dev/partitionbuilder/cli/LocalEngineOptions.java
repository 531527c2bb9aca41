package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.local.FileProblem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of a command that starts the local engine on a warehouse: {@code run} and {@code
 * query}.
 */
final class LocalEngineOptions {
  static final Path DEFAULT_WAREHOUSE = Path.of("local", "warehouse");

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description =
          "where the destination table is (run writes it " + "there; default: local/warehouse)")
  Path warehouse = DEFAULT_WAREHOUSE;

  @Option(
      names = "--source-ddl",
      paramLabel = "FILE",
      description = "the source table's DDL (default: the bundled " + "ddl/cloudtrail_daily.sql)")
  Path sourceDdl;

  /**
   * The configuration's name for the destination table's DDL file, which --destination-ddl
   * overrides.
   */
  static final String DST_TABLE_DDL = "DST_TABLE_DDL";

  @Option(
      names = "--destination-ddl",
      paramLabel = "FILE",
      description =
          "the long-lived table's DDL, which says "
              + "where each month lives (default: "
              + DST_TABLE_DDL
              + " from --config, else the bundled ddl/cloudtrail_monthly.sql)")
  Path destinationDdl;

  /** --source-ddl, once it is known to be a file that can be read. */
  Optional<Path> sourceDdl() {
    return Optional.ofNullable(sourceDdl).map(file -> readable(file, "--source-ddl " + file));
  }

  /** --destination-ddl, else the configuration's {@value #DST_TABLE_DDL}. */
  Optional<Path> destinationDdl(Map<String, String> config) {
    return readableDestinationDdl(destinationDdl, config);
  }

  /**
   * {@code flag} (a command's --destination-ddl, or null), else the configuration's {@value
   * #DST_TABLE_DDL}.
   */
  static Optional<Path> destinationDdl(Path flag, Map<String, String> config) {
    String configured = config.get(DST_TABLE_DDL);
    return Optional.ofNullable(flag)
        .or(
            () ->
                configured == null || configured.isBlank()
                    ? Optional.empty()
                    : Optional.of(Path.of(configured.strip())));
  }

  /**
   * {@link #destinationDdl(Path, Map)}, once it is known to be a file that can be read: else a
   * one-line error naming the flag or the variable that gave it.
   */
  static Optional<Path> readableDestinationDdl(Path flag, Map<String, String> config) {
    return destinationDdl(flag, config)
        .map(
            file ->
                readable(
                    file, flag != null ? "--destination-ddl " + flag : DST_TABLE_DDL + "=" + file));
  }

  /**
   * {@code file}, or a one-line error naming it as {@code what} and saying why it cannot be read.
   */
  static Path readable(Path file, String what) {
    FileProblem.unreadable(file, what)
        .ifPresent(
            problem -> {
              throw new ConfigException(problem);
            });
    return file;
  }

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      description =
          "the local engine's query memory (Trino's "
              + "query.max-memory), such as 1GB; ./partition-builder gives the JVM the heap it needs")
  String memoryLimit;

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description =
          "where the local engine keeps its metastore while "
              + "it runs (default: the system's temp directory)")
  Path tempDir;
}
