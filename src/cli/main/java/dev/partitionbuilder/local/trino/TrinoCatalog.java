package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import io.trino.testing.MaterializedResult;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Catalog port on embedded Trino's file metastore. Trino's DROP TABLE keeps an external table's
 * files, as Glue DeleteTable does; a managed table (whose files DROP would delete) is refused.
 *
 * <p>The engine's metastore lasts one process, so a table's partitions are kept where they outlive
 * it: one file per partition below {@code partitions}, {@code <db>/<table>/<value>/.../location},
 * holding the location. Pointing a partition replaces that file by an atomic rename, so a process
 * killed at any instant leaves the old location or the new one, as Glue's UpdatePartition does.
 * {@link #registerPartitions} hands them to the engine for reading.
 */
public final class TrinoCatalog implements Catalog {
  private static final String LOCATION_FILE = "location";

  private final TrinoEngine engine;
  private final Path partitions;

  public TrinoCatalog(TrinoEngine engine, Path partitions) {
    this.engine = requireNonNull(engine, "engine is null");
    this.partitions = requireNonNull(partitions, "partitions is null");
  }

  @Override
  public Optional<String> partitionLocation(String database, String table, List<String> values) {
    Path file = partitionFile(database, table, values);
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot read the local partition "
              + database
              + "."
              + table
              + " "
              + values
              + " at "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void pointPartition(
      String database, String table, List<String> values, String location) {
    Path file = partitionFile(database, table, values);
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), ".location-", ".tmp");
      try {
        Files.writeString(temp, location, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot point the local partition "
              + database
              + "."
              + table
              + " "
              + values
              + " at "
              + location
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Registers every kept partition of the table, already defined in the engine with partition keys
   * {@code keys}, so queries read each month where its partition points.
   *
   * @return how many partitions were registered
   */
  public int registerPartitions(String database, String table, List<String> keys) {
    Path dir = partitions.resolve(encode(database)).resolve(encode(table));
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.getFileName().toString().equals(LOCATION_FILE)).sorted().toList();
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot list the local partitions of "
              + database
              + "."
              + table
              + " in "
              + dir
              + ": "
              + e.getMessage(),
          e);
    }
    for (Path file : files) {
      List<String> values = new ArrayList<>();
      dir.relativize(file.getParent())
          .forEach(part -> values.add(URLDecoder.decode(part.toString(), StandardCharsets.UTF_8)));
      if (values.size() != keys.size()) {
        continue;
      }
      String location = partitionLocation(database, table, values).orElseThrow();
      engine.execute(
          "CALL "
              + TrinoEngine.CATALOG
              + ".system.register_partition("
              + literal(database)
              + ", "
              + literal(table)
              + ", "
              + array(keys)
              + ", "
              + array(values)
              + ", "
              + literal(CtasTranslation.localUri(location))
              + ")");
    }
    return files.size();
  }

  private Path partitionFile(String database, String table, List<String> values) {
    Path file = partitions.resolve(encode(database)).resolve(encode(table));
    for (String value : values) {
      file = file.resolve(encode(value));
    }
    return file.resolve(LOCATION_FILE);
  }

  /** A value as one path segment: '/' and every other special character escaped. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("*", "%2A").replace(".", "%2E");
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String array(List<String> values) {
    return "ARRAY[" + String.join(", ", values.stream().map(TrinoCatalog::literal).toList()) + "]";
  }

  @Override
  public synchronized boolean dropTableIfExists(String database, String table) {
    try {
      return drop(database, table);
    } catch (PartitionBuilderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PartitionBuilderException(
          "Cannot drop "
              + database
              + "."
              + table
              + " from the local catalog: "
              + TrinoEngine.message(e),
          e);
    }
  }

  private boolean drop(String database, String table) {
    String name =
        TrinoEngine.CATALOG
            + "."
            + HiveDdlTranslation.quote(database)
            + "."
            + HiveDdlTranslation.quote(table);
    MaterializedResult exists =
        engine.execute(
            "SELECT count(*) FROM "
                + TrinoEngine.CATALOG
                + ".information_schema.tables WHERE table_schema = '"
                + database.replace("'", "''")
                + "' AND table_name = '"
                + table.replace("'", "''")
                + "'");
    if (((Number) exists.getOnlyValue()).longValue() == 0) {
      return false;
    }
    // "$properties" has one column per table parameter; Hive marks external tables EXTERNAL=TRUE.
    MaterializedResult properties =
        engine.execute(
            "SELECT * FROM "
                + TrinoEngine.CATALOG
                + "."
                + HiveDdlTranslation.quote(database)
                + "."
                + HiveDdlTranslation.quote(table + "$properties"));
    int column =
        properties.getColumnNames().stream().map(String::toLowerCase).toList().indexOf("external");
    if (column < 0
        || !"TRUE"
            .equalsIgnoreCase(
                String.valueOf(properties.getMaterializedRows().get(0).getField(column)))) {
      throw new PartitionBuilderException(
          "Cannot drop "
              + database
              + "."
              + table
              + " from the local catalog: it is not an external table, and dropping it would delete its files");
    }
    engine.execute("DROP TABLE " + name);
    return true;
  }
}
