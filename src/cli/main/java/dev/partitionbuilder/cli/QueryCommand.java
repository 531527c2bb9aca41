package dev.partitionbuilder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.local.LocalBackend;
import dev.partitionbuilder.local.trino.QueryFailedException;
import dev.partitionbuilder.local.trino.QueryRows;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs any SQL on the local warehouse with the engine {@code run} uses, the tables defined as
 * Athena defines them: the long-lived table from its DDL (partition projection included) over the
 * warehouse, and the source table from its DDL over the source directory.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    header = "Runs SQL on the local warehouse, as Athena would see it.",
    description =
        "Runs SQL on embedded Trino (Athena engine v3's engine) over the local warehouse, in the "
            + "Glue database of the configuration (default cloudtrail), with the destination table defined by its DDL "
            + "(partition projection included) and the source table by its own. Prints a table, or --json or --csv.")
final class QueryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;
  @Mixin LocalEngineOptions local;

  @Parameters(
      index = "0",
      paramLabel = "SQL",
      description =
          "one statement, such as \"SELECT count(*) FROM "
              + "cloudtrail_monthly WHERE year = '2024' AND month = '03'\"")
  String sql;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      description = "the source table's files (default: local/cloudtrail_daily)")
  Path source = RunCommand.DEFAULT_SOURCE;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  static final class Format {
    @Option(
        names = "--json",
        description =
            "one JSON object per row (numbers and booleans as JSON, decimals, "
                + "dates and timestamps as text)")
    boolean json;

    @Option(
        names = "--csv",
        description =
            "CSV as Athena writes query results: a header, every value quoted, "
                + "NULL as an empty field")
    boolean csv;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NUMERIC =
      Set.of("tinyint", "smallint", "integer", "bigint", "real", "double");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LocalBackend.Settings settings =
        new LocalBackend.Settings(
            config.local(),
            source,
            local.warehouse,
            local.sourceDdl(),
            Optional.empty(),
            Optional.ofNullable(local.memoryLimit),
            Optional.ofNullable(local.tempDir),
            spec.root().userObject() instanceof Main main && main.verbose,
            local.destinationDdl(config.values()));
    Path table = settings.warehouse().resolve(settings.names().prefix());
    if (!Files.isDirectory(table)) {
      err.println(
          "partition-builder: note: "
              + table
              + " does not exist: the destination table is empty until run "
              + "builds a month there"
              + (local.warehouse.equals(LocalEngineOptions.DEFAULT_WAREHOUSE)
                  ? ""
                  : " (or give the --warehouse run wrote)"));
    }
    QueryRows rows;
    try (LocalBackend backend = LocalBackend.open(settings, Clock.systemUTC())) {
      backend.defineDestinationTable();
      rows = backend.query(sql);
    } catch (QueryFailedException e) {
      err.println("partition-builder: query failed: " + e.getMessage());
      return Main.REJECTED;
    }
    if (format.json) {
      printJson(out, rows);
    } else if (format.csv) {
      printCsv(out, rows);
    } else {
      printTable(out, rows);
    }
    out.flush();
    return 0;
  }

  static void printJson(PrintWriter out, QueryRows rows) {
    for (int r = 0; r < rows.size(); r++) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int i = 0; i < rows.columns().size(); i++) {
        object.put(rows.columns().get(i), rows.json(r, i));
      }
      try {
        out.println(JSON.writeValueAsString(object));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot write a row as JSON: " + e.getOriginalMessage(), e);
      }
    }
  }

  /**
   * As Athena's result files: every field in double quotes (a quote doubled), SQL NULL an empty
   * field.
   */
  static void printCsv(PrintWriter out, QueryRows rows) {
    out.print(csvLine(rows.columns()));
    for (int r = 0; r < rows.size(); r++) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < rows.columns().size(); i++) {
        fields.add(rows.isNull(r, i) ? null : rows.text(r, i));
      }
      out.print(csvLine(fields));
    }
  }

  private static String csvLine(List<String> fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      if (fields.get(i) != null) {
        line.append('"').append(fields.get(i).replace("\"", "\"\"")).append('"');
      }
    }
    return line.append("\r\n").toString();
  }

  private static boolean numeric(String type) {
    return NUMERIC.contains(type) || type.startsWith("decimal");
  }

  /**
   * As the Trino CLI's aligned table: headers centred, numbers to the right, then the row count.
   */
  static void printTable(PrintWriter out, QueryRows rows) {
    int n = rows.columns().size();
    // Every value's text, once: the widths need all of them before the first line is printed.
    List<List<String>> text = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        row.add(rows.text(r, i));
      }
      text.add(row);
    }
    int[] width = new int[n];
    for (int i = 0; i < n; i++) {
      width[i] = rows.columns().get(i).length();
      for (List<String> row : text) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder header = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String name = rows.columns().get(i);
      int left = (width[i] - name.length()) / 2;
      header
          .append(i == 0 ? " " : " | ")
          .append(" ".repeat(left))
          .append(name)
          .append(" ".repeat(width[i] - name.length() - left));
      rule.append(i == 0 ? "-" : "-+-").append("-".repeat(width[i]));
    }
    out.println(header.toString().stripTrailing());
    out.println(rule.append('-'));
    for (List<String> row : text) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String value = row.get(i);
        String pad = " ".repeat(width[i] - value.length());
        line.append(i == 0 ? " " : " | ")
            .append(numeric(rows.typeName(i)) ? pad + value : value + pad);
      }
      out.println(line.toString().stripTrailing());
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }
}
