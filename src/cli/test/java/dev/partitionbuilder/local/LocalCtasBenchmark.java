package dev.partitionbuilder.local;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.CtasTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A harness, not a test: times the local CTAS on generated events against DuckDB running the
 * equivalent COPY directly, each variant in a JVM of its own so that peak memory (VmHWM, which
 * counts DuckDB's native memory) is its own. Run with {@code bench/local-ctas.sh [events] [rounds]}.
 */
public final class LocalCtasBenchmark {
  private static final YearMonth MONTH = YearMonth.of(2024, 3);

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--variant")) {
      variant(args[1], Path.of(args[2]), args.length > 3 ? args[3] : null);
      return;
    }
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Path.of(args.length > 2 ? args[2] : "target/bench").toAbsolutePath();
    Path source = dir.resolve("cloudtrail_daily");
    SampleData.Summary sample;
    long start = System.nanoTime();
    sample = SampleData.generate(source, MONTH, events, 42);
    System.out.printf(Locale.ROOT, "generated %,d lines (%s gzip) in %.1f s%n", sample.lines(),
        mib(sample.bytes()), (System.nanoTime() - start) / 1e9);
    String[] variants = {"ours", "same-sql-direct", "hand-written-read-json", "ours-1GB"};
    List<List<double[]>> results = new ArrayList<>();
    for (String ignored : variants) {
      results.add(new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (int v = 0; v < variants.length; v++) {
        results.get(v).add(child(variants[v], dir));
      }
    }
    System.out.printf("%n| variant | query seconds (median of %d) | peak RSS |%n|---|---|---|%n", rounds);
    double ours = median(results.get(0), 0);
    for (int v = 0; v < variants.length; v++) {
      double seconds = median(results.get(v), 0);
      System.out.printf(Locale.ROOT, "| %s | %.2f (%.2fx ours) | %s |%n", variants[v], seconds, seconds / ours,
          mib((long) median(results.get(v), 1)));
    }
  }

  /** Runs one variant in a new JVM and reads its "seconds peakBytes" line. */
  private static double[] child(String variant, Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile("bench", ".txt");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        LocalCtasBenchmark.class.getName(), "--variant", variant, dir.toString(), out.toString())
        .inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("variant " + variant + " failed");
    }
    String[] parts = Files.readString(out).strip().split(" ");
    Files.delete(out);
    System.out.printf(Locale.ROOT, "  %-24s %6.2f s  peak %s%n", variant, Double.parseDouble(parts[0]),
        mib(Long.parseLong(parts[1])));
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  private static void variant(String variant, Path dir, String out) throws Exception {
    Path warehouse = dir.resolve("warehouse-" + variant);
    deleteTree(warehouse);
    Path source = dir.resolve("cloudtrail_daily");
    boolean capped = variant.endsWith("-1GB");
    LocalBackend.Settings settings = new LocalBackend.Settings(LocalBackend.TableNames.CLOUDTRAIL, source, warehouse,
        Optional.empty(), Optional.empty(), capped ? Optional.of("1GB") : Optional.empty(),
        capped ? Optional.of(dir.resolve("spill")) : Optional.empty());
    double seconds;
    try (LocalBackend local = LocalBackend.open(settings, Clock.systemUTC())) {
      if (variant.startsWith("ours")) {
        BuildResult result = local.builder().build(new BuildRequest(MONTH, variant, false, Instant.now().plusSeconds(3600)));
        seconds = result.steps().get(BuildResult.Step.QUERY).toMillis() / 1000.0;
      } else {
        Path target = warehouse.resolve("direct");
        String sql = variant.equals("same-sql-direct") ? sameSql(local, target) : handWritten(source, target);
        try (Connection c = local.connection(); Statement s = c.createStatement()) {
          long start = System.nanoTime();
          s.execute(sql);
          seconds = (System.nanoTime() - start) / 1e9;
        }
      }
    }
    Files.writeString(Path.of(out), seconds + " " + peakRss() + "\n");
  }

  /** The CTAS's query, translated as the engine translates it, written by one plain DuckDB COPY. */
  private static String sameSql(LocalBackend local, Path target) {
    String ctas = CtasTemplate.bundled().render(local.layout(), MONTH);
    String query = TrinoDialect.translate(Ctas.parse(ctas).query());
    return "COPY (SELECT *, hash(event_id) % 4 AS bucket FROM (" + query + ")) TO '" + target
        + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (bucket))";
  }

  /**
   * What a DuckDB user would write by hand for the same output: read_json with the keys spelled
   * as in the data (case-sensitive, which is what the local reader must not be), same columns.
   */
  private static String handWritten(Path source, Path target) {
    return "COPY (SELECT eventID AS event_id, requestID AS request_id, "
        + "CAST(CAST(CAST(eventTime AS TIMESTAMPTZ) AS TIMESTAMP) AS TIMESTAMP_MS) AS event_time, eventSource AS event_source, "
        + "eventName AS event_name, awsRegion AS aws_region, sourceIPAddress AS source_ip_address, "
        + "recipientAccountId AS recipient_account_id, to_json(userIdentity) AS user_identity, "
        + "userIdentity.invokedBy AS invoked_by, userIdentity.principalId AS principal_id, "
        + "to_json(resources) AS resources, hash(eventID) % 4 AS bucket "
        + "FROM read_json('" + source + "/2024/03/*/*.json.gz', format = 'newline_delimited', ignore_errors = true, "
        + "columns = {eventID: 'VARCHAR', requestID: 'VARCHAR', eventTime: 'VARCHAR', eventSource: 'VARCHAR', "
        + "eventName: 'VARCHAR', awsRegion: 'VARCHAR', sourceIPAddress: 'VARCHAR', recipientAccountId: 'VARCHAR', "
        + "userIdentity: 'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR, "
        + "accessKeyId VARCHAR, userName VARCHAR, sessionContext STRUCT(attributes STRUCT(mfaAuthenticated VARCHAR, "
        + "creationDate VARCHAR), sessionIssuer STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, "
        + "accountId VARCHAR, userName VARCHAR), sourceIdentity VARCHAR))', "
        + "resources: 'STRUCT(ARN VARCHAR, accountId VARCHAR, type VARCHAR)[]'})) TO '" + target
        + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (bucket))";
  }

  private static long peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return -1;
  }

  private static double median(List<double[]> values, int index) {
    double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
