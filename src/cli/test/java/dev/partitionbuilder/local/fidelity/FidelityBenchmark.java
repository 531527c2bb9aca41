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
import java.util.Locale;
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
 * (see {@link dev.partitionbuilder.local.trino.TrinoValues} for the notation) and, where the docs
 * give a type, the type matches; when the docs say the statement fails, it is equal when the engine
 * fails. Rows of a query without ORDER BY are compared in any order, as SQL gives them none. It is
 * <em>different</em> when the engine answers something else, and an <em>error</em> when the engine
 * fails a statement the docs give a result for.
 *
 * <p>A different or failing case listed in bench/fidelity/docs-vs-trino-483.tsv, with the reason,
 * is <em>known</em>: the docs print what Trino 483 itself does not give (an erratum, or behaviour
 * newer than 483), so it says nothing about local mode against the engine. Known cases are shown
 * apart and left out of the rate; a listed case that comes out equal is flagged, to be removed.
 */
public final class FidelityBenchmark {

  enum Verdict {
    EQUAL,
    KNOWN,
    DIFFERENT,
    ERROR
  }

  record Outcome(FidelityCase c, Verdict verdict, String actual, String note) {}

  private FidelityBenchmark() {}

  public static void main(String[] args) throws Exception {
    // Trino's logging takes over System.out once it starts; keep the terminal.
    PrintStream out = System.out;
    Path cases = Path.of(args.length > 0 ? args[0] : "bench/fidelity/trino-docs.tsv");
    Path reportDir = Path.of(args.length > 1 ? args[1] : "target/fidelity");
    Map<String, String> known =
        loadKnown(Path.of(args.length > 2 ? args[2] : "bench/fidelity/docs-vs-trino-483.tsv"));
    Path warehouse = Files.createTempDirectory("fidelity-warehouse");
    // The local mode's own engine, configured as `run` configures it: the results are its results.
    try (TrinoEngine trino =
        TrinoEngine.start(
            new TrinoEngine.Settings(
                warehouse.resolve("metastore"),
                OptionalLong.empty(),
                HiveBucketPlacement.BUCKETS,
                false))) {
      Map<String, FidelityEngine> engines = new HashMap<>();
      List<Outcome> outcomes =
          withKnown(
              run(
                  FidelityCase.load(cases),
                  zone -> engines.computeIfAbsent(zone, z -> new EmbeddedTrinoEngine(trino, z))),
              known);
      HiveBucketPlacement.Result buckets =
          HiveBucketPlacement.check(trino, warehouse.resolve("bucketed"));
      String report =
          report(
              outcomes,
              buckets,
              (String)
                  trino.execute("SELECT node_version FROM system.runtime.nodes").getOnlyValue());
      Files.createDirectories(reportDir);
      Files.writeString(reportDir.resolve("report.md"), report);
      out.println(summary(outcomes, buckets));
      out.println("Report: " + reportDir.resolve("report.md"));
    }
  }

  /** {@code id<TAB>why} lines, comments ({@code #}) and blank lines skipped. */
  static Map<String, String> loadKnown(Path tsv) throws java.io.IOException {
    Map<String, String> known = new LinkedHashMap<>();
    for (String line : Files.readAllLines(tsv)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 2 || f[1].isBlank()) {
        throw new IllegalArgumentException(
            "Cannot read " + tsv + ": expected id<TAB>why, got: " + line);
      }
      if (known.put(f[0], f[1]) != null) {
        throw new IllegalArgumentException("Cannot read " + tsv + ": " + f[0] + " is listed twice");
      }
    }
    return known;
  }

  /**
   * Marks a different or failing case that {@code known} lists as KNOWN, with its reason; a listed
   * case that is equal stays EQUAL with a note to remove it from the list. A listed id that names
   * no case is refused, so the list cannot drift from the cases.
   */
  static List<Outcome> withKnown(List<Outcome> outcomes, Map<String, String> known) {
    java.util.Set<String> ids = outcomes.stream().map(o -> o.c().id()).collect(Collectors.toSet());
    known.keySet().stream()
        .filter(id -> !ids.contains(id))
        .findFirst()
        .ifPresent(
            id -> {
              throw new IllegalArgumentException(
                  "The known differences list " + id + ", which is not a case");
            });
    return outcomes.stream()
        .map(
            o -> {
              String why = known.get(o.c().id());
              if (why == null) {
                return o;
              }
              return o.verdict() == Verdict.EQUAL
                  ? new Outcome(
                      o.c(),
                      Verdict.EQUAL,
                      o.actual(),
                      "listed as a known difference but equal: remove it from the list")
                  : new Outcome(o.c(), Verdict.KNOWN, o.actual(), why + " (" + o.note() + ")");
            })
        .toList();
  }

  /** Runs every case on the engine for its session time zone (UTC unless the docs assume one). */
  static List<Outcome> run(
      List<FidelityCase> cases, Function<String, FidelityEngine> engineForZone) {
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
    String actual =
        result.rows().stream().map(row -> String.join(" | ", row)).collect(Collectors.joining("⏎"));
    String type = String.join(", ", result.types());
    if (c.expected().equals(FidelityCase.ERROR)) {
      return new Outcome(c, Verdict.DIFFERENT, actual, "the docs say this fails; type " + type);
    }
    boolean valueEqual =
        c.expected().isEmpty()
            || c.expected().equals(actual)
            || (!ORDERED.matcher(c.sql()).find()
                && sortedRows(c.expected()).equals(sortedRows(actual)));
    boolean typeEqual =
        c.type().isEmpty()
            || (result.types().size() == 1 && typeMatches(c.type(), result.types().get(0)));
    if (valueEqual && typeEqual) {
      return new Outcome(c, Verdict.EQUAL, actual, "");
    }
    String note =
        (valueEqual ? "" : "value differs; ")
            + (typeEqual ? "" : "type " + type + ", documented " + c.type());
    return new Outcome(c, Verdict.DIFFERENT, actual, note.isEmpty() ? "type " + type : note);
  }

  /** A query that fixes its rows' order; without one, rows in another order are the same result. */
  private static final java.util.regex.Pattern ORDERED =
      java.util.regex.Pattern.compile(
          "\\border\\s+by\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

  private static List<String> sortedRows(String rows) {
    return java.util.Arrays.stream(rows.split("⏎", -1)).sorted().toList();
  }

  /**
   * The docs write some types in a shorter form than Trino prints them; only these two spellings
   * are taken as the same type: {@code decimal(p)} is {@code decimal(p, 0)} (SQL's default scale),
   * and a bare {@code varchar} in a signature stands for any {@code varchar(n)}.
   */
  static boolean typeMatches(String documented, String actual) {
    String doc =
        documented
            .toLowerCase(Locale.ROOT)
            .replaceAll(",\\s+", ",")
            .replace("\"", "")
            .replaceAll("decimal\\((\\d+)\\)", "decimal($1,0)");
    String act = actual.toLowerCase(Locale.ROOT).replaceAll(",\\s+", ",").replace("\"", "");
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
    s.append(
        String.format(
            "%-12s %6s %6s %6s %9s %6s %8s%n",
            "category", "cases", "equal", "known", "different", "error", "rate"));
    Map<String, List<Outcome>> byCategory =
        outcomes.stream()
            .collect(
                Collectors.groupingBy(
                    o -> o.c().category(), LinkedHashMap::new, Collectors.toList()));
    byCategory.forEach((category, list) -> s.append(line(category, list)));
    s.append(line("documented", outcomes.stream().filter(o -> o.c().documentedResult()).toList()));
    s.append(line("derived", outcomes.stream().filter(o -> !o.c().documentedResult()).toList()));
    s.append(line("all", outcomes));
    outcomes.stream()
        .filter(o -> o.note().startsWith("listed as a known difference but equal"))
        .forEach(
            o ->
                s.append("known but equal (remove from the list): ")
                    .append(o.c().id())
                    .append('\n'));
    s.append(
        String.format(
            "bucket placement: %d rows in %d files, %d misplaced%n",
            buckets.rows(), buckets.files(), buckets.misplaced().size()));
    return s.toString();
  }

  /** rate: equal cases of those not known to be docs-vs-483 differences. */
  private static String line(String label, List<Outcome> list) {
    long equal = count(list, Verdict.EQUAL);
    long known = count(list, Verdict.KNOWN);
    long scored = list.size() - known;
    return String.format(
        "%-12s %6d %6d %6d %9d %6d %7s%n",
        label,
        list.size(),
        equal,
        known,
        count(list, Verdict.DIFFERENT),
        count(list, Verdict.ERROR),
        scored == 0 ? "-" : String.format("%.1f%%", 100.0 * equal / scored));
  }

  private static long count(List<Outcome> list, Verdict verdict) {
    return list.stream().filter(o -> o.verdict() == verdict).count();
  }

  static String report(List<Outcome> outcomes, HiveBucketPlacement.Result buckets, String version) {
    StringBuilder r = new StringBuilder();
    r.append("# Local mode fidelity: ")
        .append(outcomes.size())
        .append(" Trino-documented results\n\n");
    r.append("Engine: embedded Trino ")
        .append(version)
        .append(
            ". Cases: bench/fidelity/trino-docs.tsv. Documented = printed in the docs; derived = ")
        .append(
            "follows from a rule the docs state; known = the docs print what Trino 483 itself does not ")
        .append("give (bench/fidelity/docs-vs-trino-483.tsv), left out of the rate.\n\n```\n")
        .append(summary(outcomes, buckets))
        .append("```\n\n");
    for (Verdict v : List.of(Verdict.DIFFERENT, Verdict.ERROR, Verdict.KNOWN)) {
      r.append("## ")
          .append(
              switch (v) {
                case DIFFERENT -> "Different";
                case ERROR -> "Errors";
                default -> "Known differences between the docs and Trino 483";
              })
          .append("\n\n");
      r.append("| id | sql | documented | expected | actual | note |\n|---|---|---|---|---|---|\n");
      outcomes.stream()
          .filter(o -> o.verdict() == v)
          .forEach(
              o ->
                  r.append("| ")
                      .append(
                          String.join(
                              " | ",
                              o.c().id() + (o.c().documentedResult() ? "" : " (derived)"),
                              cell(o.c().sql()),
                              cell(o.c().documented()),
                              cell(o.c().expected()),
                              cell(o.actual()),
                              cell(o.note())))
                      .append(" |\n"));
      r.append('\n');
    }
    r.append("## Bucket placement\n\n")
        .append(buckets.rows())
        .append(" rows, ")
        .append(buckets.files())
        .append(" files, rows per Hive v1 bucket ")
        .append(buckets.rowsPerBucket())
        .append(", ")
        .append(buckets.misplaced().size())
        .append(" misplaced.\n");
    buckets.misplaced().forEach(m -> r.append("- ").append(m).append('\n'));
    return r.toString();
  }

  private static String cell(String s) {
    return "`" + s.replace("|", "\\|").replace("`", "'") + "`";
  }
}
