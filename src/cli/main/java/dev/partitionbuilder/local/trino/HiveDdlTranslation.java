package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import io.airlift.json.JsonCodec;
import io.trino.metastore.HiveType;
import io.trino.metastore.StorageFormat;
import io.trino.plugin.hive.metastore.file.Column;
import io.trino.plugin.hive.metastore.file.TableMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a Hive DDL's table into the file metastore the way Athena puts it into Glue: the same SerDe,
 * SerDe properties and table properties, so Trino's Hive connector reads it as it reads the Glue
 * table (OpenX JSON, {@code ignore.malformed.json}, partition projection with {@code
 * storage.location.template}). What Trino would read differently from Athena is refused first
 * ({@link SerDe}, {@link ProjectionCheck}). Trino's SQL cannot say this: it has no {@code ROW
 * FORMAT SERDE}, and its CREATE TABLE has no SerDe properties.
 *
 * <p>The table's S3 location is replaced by a local root, in LOCATION and in {@code
 * storage.location.template} alike.
 */
final class HiveDdlTranslation {
  private static final JsonCodec<TableMetadata> CODEC = JsonCodec.jsonCodec(TableMetadata.class);

  private HiveDdlTranslation() {}

  /**
   * @param ddl the DDL with its placeholders rendered
   * @param localRoot the local directory standing for the DDL's LOCATION
   */
  static void install(TrinoEngine engine, HiveDdl ddl, Path localRoot) {
    requireNonNull(ddl.database(), "the table DDL names no database");
    // Types first: a misspelt one is the mistake to name, whatever the SerDe would make of it.
    List<Column> columns = columns(ddl.columns());
    List<Column> partitionColumns = columns(ddl.partitionColumns());
    SerDe serde = SerDe.check(ddl);
    String s3Root =
        ddl.location()
            .orElseThrow(() -> new IllegalArgumentException("the table DDL has no LOCATION"));
    Map<String, String> parameters =
        new LinkedHashMap<>(ProjectionCheck.check(ddl, java.time.Clock.systemUTC()));
    String template = parameters.get("storage.location.template");
    if (template != null && !template.startsWith(withSlash(s3Root))) {
      throw new IllegalArgumentException(
          "not supported locally: storage.location.template "
              + template
              + " outside the table's LOCATION "
              + s3Root);
    }
    Path root = localRoot.toAbsolutePath();
    String inputFormat = ddl.inputFormat().orElse(serde.inputFormat());
    if (SerDe.readsCloudTrail(ddl)) {
      // Trino has no CloudTrailInputFormat: the table reads the records, unwrapped into NDJSON
      // files
      // of the same relative paths, with the SerDe the DDL names. The shadow goes with the engine.
      Path shadow =
          engine
              .settings()
              .metastoreDir()
              .resolve(".cloudtrail-records")
              .resolve(ddl.database())
              .resolve(ddl.table());
      CloudTrailRecords.unwrap(root, shadow, ddl.columns(), serde == SerDe.HIVE_JSON);
      root = shadow;
      inputFormat = serde.inputFormat();
    }
    // Trino's local file system lists a file:/// directory as empty; local:/// works.
    String localUri = "local://" + withSlash(root.toUri().getPath());
    if (template != null) {
      parameters.put(
          "storage.location.template", localUri + template.substring(withSlash(s3Root).length()));
    }
    parameters.put("EXTERNAL", "TRUE");

    TableMetadata table =
        new TableMetadata(
            Optional.empty(), // writer version: accepted by hive.metastore.version-compatibility
            Optional.of("partition-builder"),
            "EXTERNAL_TABLE",
            columns,
            partitionColumns,
            parameters,
            Optional.empty(),
            Optional.of(
                StorageFormat.create(
                    ddl.serde(), inputFormat, ddl.outputFormat().orElse(serde.outputFormat()))),
            Optional.empty(),
            ddl.serdeProperties(),
            Optional.of(localUri),
            Optional.empty(),
            Optional.empty(),
            Map.of());

    engine.execute(
        "CREATE SCHEMA IF NOT EXISTS " + TrinoEngine.CATALOG + "." + quote(ddl.database()));
    writeSchema(engine, ddl, table);
  }

  /**
   * Writes the table's .trinoSchema into the file metastore whole, so a reader never sees half of
   * one.
   */
  private static void writeSchema(TrinoEngine engine, HiveDdl ddl, TableMetadata table) {
    Path file =
        engine
            .settings()
            .metastoreDir()
            .resolve(ddl.database())
            .resolve(ddl.table())
            .resolve(".trinoSchema");
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(".trinoSchema.tmp");
      Files.writeString(temp, CODEC.toJson(table));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot write the table "
              + ddl.database()
              + "."
              + ddl.table()
              + " into the local metastore at "
              + file
              + ": "
              + e,
          e);
    }
  }

  private static List<Column> columns(List<HiveDdl.Column> columns) {
    return columns.stream()
        .map(c -> new Column(c.name(), hiveType(c), Optional.empty(), Map.of()))
        .toList();
  }

  private static HiveType hiveType(HiveDdl.Column column) {
    try {
      return HiveType.valueOf(column.hiveType());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "column " + column.name() + " has a type Hive does not know: " + column.hiveType(), e);
    }
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String withSlash(String uri) {
    return uri.endsWith("/") ? uri : uri + "/";
  }
}
