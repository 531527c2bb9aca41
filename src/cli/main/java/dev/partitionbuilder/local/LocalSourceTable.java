package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A source table read from a local directory as Athena reads it from S3: the DDL's columns through
 * the OpenX JSON reader, partition values taken from the directory names. Each partition directory
 * is one branch of a UNION ALL with its values as constants, so that DuckDB drops the branches a
 * {@code WHERE year = '2024' AND month = '03'} rules out without reading their files.
 */
final class LocalSourceTable {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-zA-Z0-9_]+)}");
  // Hadoop and Athena skip files whose names start with '_' or '.'.
  private static final Pattern HIDDEN = Pattern.compile("^[_.].*");

  private LocalSourceTable() {}

  /** The statements that define {@code "database"."table"} over {@code root}, macros first. */
  static List<String> statements(String database, String table, HiveDdl ddl, Path root) {
    requireNonNull(database, "database is null");
    requireNonNull(table, "table is null");
    if (!ddl.serde().equals(HiveDdl.OPENX_JSON_SERDE)) {
      throw new ConfigException("not supported locally: table " + table + " uses SerDe "
          + ddl.serde() + "; the local engine reads " + HiveDdl.OPENX_JSON_SERDE + " tables");
    }
    String prefix = "__ox_" + database + "_" + table;
    Map<Path, List<Path>> filesByPartition = new LinkedHashMap<>();
    Map<Path, Map<String, String>> partitions = partitions(ddl, root);
    for (Path partition : partitions.keySet()) {
      filesByPartition.put(partition, files(partition));
    }
    KeySample sample = KeySample.of(filesByPartition.values().stream().flatMap(List::stream).toList(),
        ddl.columns().stream().map(HiveType.Field::name).collect(Collectors.toSet()),
        ddl.columns().stream().filter(c -> c.type() instanceof HiveType.Primitive p && p.duckDbType().equals("VARCHAR"))
            .map(HiveType.Field::name).collect(Collectors.toSet()));
    OpenXJsonSource.Reader reader = OpenXJsonSource.reader(prefix, ddl, sample);
    List<String> statements = new ArrayList<>(OpenXJsonSource.commonMacros());
    statements.addAll(reader.macros());
    List<String> branches = new ArrayList<>();
    for (Map.Entry<Path, Map<String, String>> partition : partitions.entrySet()) {
      List<Path> files = filesByPartition.get(partition.getKey());
      if (files.isEmpty()) {
        continue;
      }
      String fileList = files.stream().map(f -> SqlToken.quote(f.toString()))
          .collect(Collectors.joining(", ", "[", "]"));
      String values = OpenXJsonSource.partitionValues(ddl, partition.getValue());
      branches.add("SELECT line" + (values.isEmpty() ? "" : ", " + values)
          + " FROM read_csv(" + fileList + ", columns = {'line': 'VARCHAR'}, delim = E'\\x1c\\x1d\\x1e\\x1f', "
          + "quote = '', escape = '', header = false, auto_detect = false, strict_mode = false)");
    }
    String partitionColumns = ddl.partitionColumns().stream().map(c -> ", \"" + c.name() + '"')
        .collect(Collectors.joining());
    String body = branches.isEmpty()
        ? "SELECT NULL::VARCHAR AS line" + ddl.partitionColumns().stream()
            .map(c -> ", NULL::VARCHAR AS \"" + c.name() + '"').collect(Collectors.joining()) + " WHERE false"
        : String.join("\nUNION ALL ", branches);
    statements.add("CREATE SCHEMA IF NOT EXISTS \"" + database + '"');
    statements.add("CREATE OR REPLACE VIEW \"" + database + "\".\"" + table + "\" AS SELECT "
        + reader.columns() + partitionColumns
        + " FROM (SELECT line, " + reader.fastRow() + " AS f, " + reader.guard() + " AS g" + partitionColumns
        + " FROM (" + body + "))");
    return statements;
  }

  /** Partition directories below {@code root} and their values, in path order. */
  static Map<Path, Map<String, String>> partitions(HiveDdl ddl, Path root) {
    String layout = ddl.partitionLayout();
    List<String> names = new ArrayList<>();
    Matcher m = VARIABLE.matcher(layout);
    StringBuilder regex = new StringBuilder();
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(layout.substring(last, m.start()))).append("([^/]+)");
      names.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
      last = m.end();
    }
    regex.append(Pattern.quote(layout.substring(last)));
    Pattern pattern = Pattern.compile(regex.toString());
    int depth = (int) layout.chars().filter(c -> c == '/').count();
    Map<Path, Map<String, String>> partitions = new LinkedHashMap<>();
    if (!Files.isDirectory(root)) {
      return partitions;
    }
    try (Stream<Path> dirs = Files.walk(root, depth)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String relative = root.relativize(dir).toString().replace('\\', '/') + "/";
        Matcher match = pattern.matcher(relative);
        if (match.matches()) {
          Map<String, String> values = new LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) {
            values.put(names.get(i), match.group(i + 1));
          }
          partitions.put(dir, values);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the source directory " + root, e);
    }
    return partitions;
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> !HIDDEN.matcher(f.getFileName().toString()).matches())
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }
}
