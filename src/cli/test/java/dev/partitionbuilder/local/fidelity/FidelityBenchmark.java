package dev.partitionbuilder.local.fidelity;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.local.trino.TrinoEngine;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The local-mode fidelity benchmark (issue 12), a harness and not a test: runs every case of
 * bench/fidelity/trino-docs.tsv on the local engine, compares the printed result with the one the
 * Trino docs print, checks Hive bucket placement of a bucketed CTAS, prints a summary and writes
 * target/fidelity/report.md. Run it with bench/fidelity.sh.
 *
 * <p>A case is <em>equal</em> when the rendered result is the documented one, string for string
 * (see {@link dev.partitionbuilder.local.trino.TrinoValues} for the notation) and, where the docs give a type, the type matches;
 * when the docs say the statement fails, it is equal when the engine fails. It is <em>different</em>
 * when the engine answers something else, and an <em>error</em> when the engine fails a statement
 * the docs give a result for.
 */
public final class FidelityBenchmark {

  enum Verdict { EQUAL, DIFFERENT, ERROR }

  record Outcome(FidelityCase c, Verdict verdict, String actual, String note) {}

  private FidelityBenchmark() {}

  public static void main(String[] args) throws Exception {
    // Trino's logging takes over System.out once it starts; keep the terminal.
    PrintStream out = System.out;
    Path cases = Path.of(args.length > 0 ? args[0] : "bench/fidelity/trino-docs.tsv");
    Path reportDir = Path.of(args.length > 1 ? args[1] : "target/fidelity");
    Path warehouse = Files.createTempDirectory("fidelity-warehouse");
    // The local mode's own engine, configured as `run` configures it: the results are its results.
    try (TrinoEngine trino = TrinoEngine.start(new TrinoEngine.Settings(warehouse.resolve("metastore"),
        OptionalLong.empty(), HiveBucketPlacement.BUCKETS, false))) {
      Map<String, FidelityEngine> engines = new HashMap<>();
      List<Outcome> outcomes = run(FidelityCase.load(cases),
          zone -> engines.computeIfAbsent(zone, z -> new EmbeddedTrinoEngine(trino, z)));
      HiveBucketPlacement.Result buckets = HiveBucketPlacement.check(trino, warehouse.resolve("bucketed"));
      String report = report(outcomes, buckets, (String) trino.execute("SELECT node_version FROM system.runtime.nodes").getOnlyValue());
      Files.createDirectories(reportDir);
      Files.writeString(reportDir.resolve("report.md"), report);
      out.println(summary(outcomes, buckets));
      out.println("Report: " + reportDir.resolve("report.md"));
    }
  }

  /** Runs every case on the engine for its session time zone (UTC unless the docs assume one). */
  static List<Outcome> run(List<FidelityCase> cases, Function<String, FidelityEngine> engineForZone) {
    requireNonNull(engineForZone, "engineForZone is null");
    List<Outcome> outcomes = new ArrayList<>();
    for (FidelityCase c : cases) {
      outcomes.add(classify(c, engineForZone.apply(c.zone())));
    }
    return outcomes;
  }

  static Outcome classify(FidelityCase c, FidelityEngine engine) {
    FidelityEngine.Result result;
    try {
      result = engine.query(c.sql());
    } catch (Exception | LinkageError e) {
      String message = firstLine(e);
      return c.expected().equals(FidelityCase.ERROR)
          ? new Outcome(c, Verdict.EQUAL, "ERROR", "fails as documented: " + message)
          : new Outcome(c, Verdict.ERROR, "ERROR", message);
    }
    String actual = result.rows().stream()
        .map(row -> String.join(" | ", row))
        .collect(Collectors.joining("⏎"));
    String type = String.join(", ", result.types());
    if (c.expected().equals(FidelityCase.ERROR)) {
      return new Outcome(c, Verdict.DIFFERENT, actual, "the docs say this fails; type " + type);
    }
    boolean valueEqual = c.expected().isEmpty() || c.expected().equals(actual);
    boolean typeEqual = c.type().isEmpty()
        || (result.types().size() == 1 && typeMatches(c.type(), result.types().get(0)));
    if (valueEqual && typeEqual) {
      return new Outcome(c, Verdict.EQUAL, actual, "");
    }
    String note = (valueEqual ? "" : "value differs; ") + (typeEqual ? "" : "type " + type + ", documented " + c.type());
    return new Outcome(c, Verdict.DIFFERENT, actual, note.isEmpty() ? "type " + type : note);
  }

  /**
   * The docs write some types in a shorter form than Trino prints them; only these two spellings
   * are taken as the same type: {@code decimal(p)} is {@code decimal(p, 0)} (SQL's default scale),
   * and a bare {@code varchar} in a signature stands for any {@code varchar(n)}.
   */
  static boolean typeMatches(String documented, String actual) {
    String doc = documented.toLowerCase().replaceAll(",\\s+", ",").replace("\"", "")
        .replaceAll("decimal\\((\\d+)\\)", "decimal($1,0)");
    String act = actual.toLowerCase().replaceAll(",\\s+", ",").replace("\"", "");
    if (!doc.contains("varchar(")) {
      act = act.replaceAll("varchar\\(\\d+\\)", "varchar");
    }
    return doc.equals(act);
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  static String summary(List<Outcome> outcomes, HiveBucketPlacement.Result buckets) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("%-12s %6s %6s %9s %6s%n", "category", "cases", "equal", "different", "error"));
    Map<String, List<Outcome>> byCategory = outcomes.stream()
        .collect(Collectors.groupingBy(o -> o.c().category(), LinkedHashMap::new, Collectors.toList()));
    byCategory.forEach((category, list) -> s.append(line(category, list)));
    s.append(line("documented", outcomes.stream().filter(o -> o.c().documentedResult()).toList()));
    s.append(line("derived", outcomes.stream().filter(o -> !o.c().documentedResult()).toList()));
    s.append(line("all", outcomes));
    s.append(String.format("bucket placement: %d rows in %d files, %d misplaced%n",
        buckets.rows(), buckets.files(), buckets.misplaced().size()));
    return s.toString();
  }

  private static String line(String label, List<Outcome> list) {
    return String.format("%-12s %6d %6d %9d %6d%n", label, list.size(),
        count(list, Verdict.EQUAL), count(list, Verdict.DIFFERENT), count(list, Verdict.ERROR));
  }

  private static long count(List<Outcome> list, Verdict verdict) {
    return list.stream().filter(o -> o.verdict() == verdict).count();
  }

  static String report(List<Outcome> outcomes, HiveBucketPlacement.Result buckets, String version) {
    StringBuilder r = new StringBuilder();
    r.append("# Local mode fidelity: ").append(outcomes.size()).append(" Trino-documented results\n\n");
    r.append("Engine: embedded Trino ").append(version)
        .append(". Cases: bench/fidelity/trino-docs.tsv. Documented = printed in the docs; derived = ")
        .append("follows from a rule the docs state.\n\n```\n").append(summary(outcomes, buckets)).append("```\n\n");
    for (Verdict v : List.of(Verdict.DIFFERENT, Verdict.ERROR)) {
      r.append("## ").append(v == Verdict.DIFFERENT ? "Different" : "Errors").append("\n\n");
      r.append("| id | sql | documented | expected | actual | note |\n|---|---|---|---|---|---|\n");
      outcomes.stream().filter(o -> o.verdict() == v).forEach(o -> r.append("| ")
          .append(String.join(" | ", o.c().id() + (o.c().documentedResult() ? "" : " (derived)"),
              cell(o.c().sql()), cell(o.c().documented()), cell(o.c().expected()), cell(o.actual()),
              cell(o.note())))
          .append(" |\n"));
      r.append('\n');
    }
    r.append("## Bucket placement\n\n").append(buckets.rows()).append(" rows, ").append(buckets.files())
        .append(" files, rows per Hive v1 bucket ").append(buckets.rowsPerBucket()).append(", ")
        .append(buckets.misplaced().size()).append(" misplaced.\n");
    buckets.misplaced().forEach(m -> r.append("- ").append(m).append('\n'));
    return r.toString();
  }

  private static String cell(String s) {
    return "`" + s.replace("|", "\\|").replace("`", "'") + "`";
  }
}
