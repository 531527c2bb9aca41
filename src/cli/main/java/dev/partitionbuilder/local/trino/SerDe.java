package dev.partitionbuilder.local.trino;

import static dev.partitionbuilder.local.trino.HiveDdl.LAZY_SIMPLE_SERDE;
import static dev.partitionbuilder.local.trino.HiveDdl.ORC_INPUT;
import static dev.partitionbuilder.local.trino.HiveDdl.ORC_OUTPUT;
import static dev.partitionbuilder.local.trino.HiveDdl.ORC_SERDE;
import static dev.partitionbuilder.local.trino.HiveDdl.PARQUET_INPUT;
import static dev.partitionbuilder.local.trino.HiveDdl.PARQUET_OUTPUT;
import static dev.partitionbuilder.local.trino.HiveDdl.PARQUET_SERDE;
import static dev.partitionbuilder.local.trino.HiveDdl.TEXT_INPUT;
import static dev.partitionbuilder.local.trino.HiveDdl.TEXT_OUTPUT;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The SerDes Athena documents that Trino 483's Hive connector reads as Athena does, each with its
 * input and output formats (what Glue records for {@code STORED AS}) and the SerDe properties Trino
 * reads for it (trino-hive-formats: {@code TextEncodingOptions}, {@code OpenXJsonOptions}, {@code
 * CsvConstants}). A property outside that list is refused, as Trino would silently ignore what
 * Athena honours (such as {@code serialization.encoding} or {@code use.null.for.invalid.data}).
 */
enum SerDe {
  OPENX_JSON(
      "org.openx.data.jsonserde.JsonSerDe",
      TEXT_INPUT,
      TEXT_OUTPUT,
      Set.of("ignore.malformed.json", "dots.in.keys", "case.insensitive")),
  HIVE_JSON("org.apache.hive.hcatalog.data.JsonSerDe", TEXT_INPUT, TEXT_OUTPUT, Set.of()),
  OPEN_CSV(
      "org.apache.hadoop.hive.serde2.OpenCSVSerde",
      TEXT_INPUT,
      TEXT_OUTPUT,
      Set.of("separatorChar", "quoteChar", "escapeChar")),
  // colelction.delim: Hive's own misspelling, which it and Trino still read.
  LAZY_SIMPLE(
      LAZY_SIMPLE_SERDE,
      TEXT_INPUT,
      TEXT_OUTPUT,
      Set.of(
          "field.delim",
          "collection.delim",
          "colelction.delim",
          "mapkey.delim",
          "escape.delim",
          "line.delim",
          "serialization.null.format")),
  PARQUET(PARQUET_SERDE, PARQUET_INPUT, PARQUET_OUTPUT, Set.of()),
  ORC(ORC_SERDE, ORC_INPUT, ORC_OUTPUT, Set.of());

  /** Athena's CloudTrail SerDe, closed source: what it makes of a record is not known here. */
  static final String CLOUDTRAIL_SERDE = "com.amazon.emr.hive.serde.CloudTrailSerde";

  private final String className;
  private final String inputFormat;
  private final String outputFormat;
  private final Set<String> properties;

  SerDe(String className, String inputFormat, String outputFormat, Set<String> properties) {
    this.className = className;
    this.inputFormat = inputFormat;
    this.outputFormat = outputFormat;
    this.properties = properties;
  }

  String inputFormat() {
    return inputFormat;
  }

  String outputFormat() {
    return outputFormat;
  }

  /** The DDL's SerDe, or why the local engine would not read its table as Athena does. */
  static SerDe check(HiveDdl ddl) {
    if (ddl.serde().equals(CLOUDTRAIL_SERDE)) {
      throw new IllegalArgumentException(
          "not supported locally: ROW FORMAT SERDE '"
              + CLOUDTRAIL_SERDE
              + "' (Athena's"
              + " own, which the local engine cannot reproduce; Athena's CloudTrail example with partition projection reads"
              + " the same files with 'org.apache.hive.hcatalog.data.JsonSerDe')");
    }
    SerDe serde =
        Arrays.stream(values())
            .filter(s -> s.className.equals(ddl.serde()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not supported locally: ROW FORMAT SERDE '" + ddl.serde() + "'"));
    String simpleName = serde.className.substring(serde.className.lastIndexOf('.') + 1);
    ddl.inputFormat()
        .filter(input -> !input.equals(serde.inputFormat) && !readsCloudTrail(serde, input))
        .ifPresent(
            input -> {
              throw new IllegalArgumentException(
                  "not supported locally: INPUTFORMAT '"
                      + input
                      + "' with "
                      + simpleName
                      + " (the local engine reads it only from "
                      + serde.inputFormat
                      + (serde == HIVE_JSON || serde == OPENX_JSON
                          ? " or " + CloudTrailRecords.INPUT_FORMAT
                          : "")
                      + ")");
            });
    for (Map.Entry<String, String> property : ddl.serdeProperties().entrySet()) {
      String key = property.getKey();
      // serialization.format is Hive's bookkeeping copy of the field delimiter, or "1".
      boolean known =
          key.equals("serialization.format")
              || serde.properties.contains(key)
              || (serde == OPENX_JSON && key.startsWith("mapping."));
      if (!known) {
        throw new IllegalArgumentException(
            "not supported locally: SERDEPROPERTIES '"
                + key
                + "' of "
                + simpleName
                + " (the local engine would ignore it or read it otherwise than Athena)");
      }
    }
    switch (serde) {
      case LAZY_SIMPLE -> {
        String lines = ddl.serdeProperties().get("line.delim");
        // Hive itself refuses any other: "LINES TERMINATED BY only supports newline '\n' right
        // now".
        if (lines != null && !lines.equals("\n")) {
          throw new IllegalArgumentException(
              "not supported locally: LINES TERMINATED BY '" + printable(lines) + "' (only '\\n')");
        }
      }
      case OPEN_CSV -> {
        for (String key : serde.properties) {
          String value = ddl.serdeProperties().get(key);
          if (value != null && value.length() != 1) {
            throw new IllegalArgumentException(
                "not supported locally: OpenCSVSerde "
                    + key
                    + " '"
                    + printable(value)
                    + "' (one character only)");
          }
        }
        for (HiveDdl.Column column : ddl.columns()) {
          // Trino's CSV reader makes every column a varchar; Athena's OpenCSVSerde converts text to
          // the declared type by its own rules (DATE and TIMESTAMP only in some forms).
          if (!column.hiveType().equals("string")) {
            throw new IllegalArgumentException(
                "not supported locally: OpenCSVSerde column "
                    + column.name()
                    + " "
                    + column.hiveType().toUpperCase(java.util.Locale.ROOT)
                    + ": the local engine reads CSV columns"
                    + " only as STRING, where Athena converts them; declare it STRING and CAST in the template");
          }
        }
      }
      default -> {}
    }
    return serde;
  }

  /** Whether the table's rows are the records of CloudTrail's files ({@link CloudTrailRecords}). */
  static boolean readsCloudTrail(HiveDdl ddl) {
    return ddl.inputFormat().filter(CloudTrailRecords.INPUT_FORMAT::equals).isPresent();
  }

  private static boolean readsCloudTrail(SerDe serde, String input) {
    return (serde == HIVE_JSON || serde == OPENX_JSON)
        && input.equals(CloudTrailRecords.INPUT_FORMAT);
  }

  /** Control characters as Hive writes them in a DDL, such as {@code \t} and {@code \001}. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\%03o", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
