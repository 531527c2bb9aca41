package dev.partitionbuilder.local.fidelity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One line of bench/fidelity/trino-docs.tsv; the file's header comment explains the columns. */
record FidelityCase(
    String id,
    String page,
    String source,
    String zone,
    String sql,
    String documented,
    String expected,
    String type) {

  static final String ERROR = "ERROR";

  static List<FidelityCase> load(Path tsv) throws IOException {
    return Files.readAllLines(tsv).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("id\t"))
        .map(FidelityCase::parse)
        .toList();
  }

  private static FidelityCase parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException(
          "Cannot read case: expected 8 tab-separated fields, got " + f.length + " in: " + line);
    }
    return new FidelityCase(
        f[0], f[1], f[2], f[3].isEmpty() ? "UTC" : f[3], f[4], f[5], f[6], f[7]);
  }

  /** Printed in the docs (an example, a results table or prose), not derived from a rule. */
  boolean documentedResult() {
    return !source.equals("derived");
  }

  String category() {
    return id.substring(0, id.indexOf('-'));
  }
}
