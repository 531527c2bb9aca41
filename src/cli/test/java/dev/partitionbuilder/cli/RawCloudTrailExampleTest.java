package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/raw-cloudtrail end to end, as its README section runs it: sample files as CloudTrail
 * delivers them, run the example's config, source DDL and template, and read the month back through
 * query. What was written is read from the files themselves.
 */
class RawCloudTrailExampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ENV = "examples/raw-cloudtrail/raw-cloudtrail.env";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  /** A record as the test reads it back from a delivered file. */
  private record Written(String day, JsonNode record) {
    String month() {
      return record.get("eventTime").asText().substring(0, 7);
    }
  }

  private static List<Written> written(Path regionDir) throws IOException {
    List<Written> records = new ArrayList<>();
    try (Stream<Path> files = Files.walk(regionDir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
          String day = regionDir.relativize(file.getParent()).toString();
          JSON.readTree(in).get("Records").forEach(r -> records.add(new Written(day, r)));
        }
      }
    }
    return records;
  }

  @Test
  void theMonthIsItsOwnEventsFromItsDaysAndTheNextMonthsFirstDaysWithTheirValues()
      throws Exception {
    Path root = dir.resolve("bucket");
    Path regionDir = root.resolve("AWSLogs/123456789012/CloudTrail/us-east-1");
    assertThat(
            run(
                "sample",
                "--layout",
                "raw-cloudtrail",
                "--month",
                "2024-02",
                "--events",
                "20000",
                "--source",
                root.toString()))
        .as(err.toString())
        .isZero();
    assertThat(
            run(
                "sample",
                "--layout",
                "raw-cloudtrail",
                "--month",
                "2024-03",
                "--events",
                "20000",
                "--source",
                root.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).startsWith("2024-03: 20,000 events (").endsWith(regionDir + "\n");

    List<Written> all = written(regionDir);
    List<Written> march = all.stream().filter(w -> w.month().equals("2024-03")).toList();
    List<Written> lateMarch = march.stream().filter(w -> w.day().startsWith("2024/04/")).toList();
    List<Written> februaryInMarch =
        all.stream()
            .filter(w -> w.month().equals("2024-02") && w.day().startsWith("2024/03/"))
            .toList();
    assertThat(march).hasSize(20_000);
    // Both sides of the month's edge are in its directories: the template must read the one and
    // drop the other.
    assertThat(lateMarch).isNotEmpty().allSatisfy(w -> assertThat(w.day()).isEqualTo("2024/04/01"));
    assertThat(februaryInMarch)
        .isNotEmpty()
        .allSatisfy(w -> assertThat(w.day()).isEqualTo("2024/03/01"));

    Path warehouse = dir.resolve("warehouse");
    int code =
        run(
            "run",
            "--month",
            "2024-03",
            "--config",
            ENV,
            "--source-ddl",
            "examples/raw-cloudtrail/cloudtrail_raw.sql",
            "--source",
            regionDir.toString(),
            "--warehouse",
            warehouse.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("2024-03")))
        .singleElement()
        .asString()
        .contains(" 20,000 ");

    JsonNode late = lateMarch.get(0).record();
    String february = februaryInMarch.get(0).record().get("eventID").asText();
    // The raw table through the regions variant, beside the built month, in one query.
    code =
        run(
            "query",
            "--json",
            "--config",
            ENV,
            "--warehouse",
            warehouse.toString(),
            "--source-ddl",
            "examples/raw-cloudtrail/cloudtrail_raw_regions.sql",
            "--source",
            regionDir.getParent().toString(),
            """
            SELECT count(*) AS n, count(DISTINCT event_id) AS ids,
                   count(*) FILTER (WHERE event_id = '%s') AS february,
                   max(CASE WHEN event_id = '%s' THEN event_name || '|' || event_source || '|' || aws_region || '|'
                       || source_ip_address || '|' || recipient_account_id || '|' || CAST(event_time AS varchar)
                       || '|' || coalesce(json_extract_scalar(user_identity, '$.arn'), '-') END) AS late,
                   (SELECT count(*) FROM cloudtrail_raw WHERE region = 'us-east-1'
                      AND "timestamp" BETWEEN '2024/03/01' AND '2024/04/02') AS raw_rows
            FROM cloudtrail_monthly WHERE year = '2024' AND month = '03'
            """
                .formatted(february, late.get("eventID").asText()));
    assertThat(code).as(err.toString()).isZero();
    JsonNode row = JSON.readTree(out.toString());
    assertThat(row.get("n").asLong()).isEqualTo(20_000);
    assertThat(row.get("ids").asLong()).isEqualTo(20_000);
    assertThat(row.get("february").asLong()).isZero();
    assertThat(row.get("late").asText())
        .isEqualTo(
            String.join(
                "|",
                late.get("eventName").asText(),
                late.get("eventSource").asText(),
                late.get("awsRegion").asText(),
                late.get("sourceIPAddress").asText(),
                late.get("recipientAccountId").asText(),
                late.get("eventTime").asText().replace('T', ' ').replace("Z", ".000"),
                late.path("userIdentity").path("arn").asText("-")));
    assertThat(row.get("raw_rows").asLong())
        .isEqualTo(
            all.stream()
                .filter(
                    w ->
                        w.day().compareTo("2024/03/01") >= 0
                            && w.day().compareTo("2024/04/02") <= 0)
                .count());
  }
}
