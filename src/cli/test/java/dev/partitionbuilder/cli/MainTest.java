package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.testing.AthenaTemplates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static final Map<String, String> ENV =
      Map.of(
          "ATHENA_WORKGROUP", "primary",
          "GLUE_DATABASE", "cloudtrail",
          "SRC_TABLE_NAME", "cloudtrail_daily",
          "DST_TABLE_NAME", "cloudtrail_monthly",
          "DST_BUCKET", "my-bucket",
          "DST_PREFIX", "cloudtrail_monthly/");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
  }

  private static String resource(String name) {
    return Path.of("src/lambda/test/resources", name).toString();
  }

  private static final List<String> MARCH_STEPS =
      List.of(
          "  partition  s3://my-bucket/cloudtrail_monthly/2024/03/",
          "  staging    s3://my-bucket/cloudtrail_monthly/_staging/2024/03/",
          "  lock       s3://my-bucket/cloudtrail_monthly/_locks/2024/03",
          "  state      s3://my-bucket/cloudtrail_monthly/_state/2024/03.json",
          "  temp table \"cloudtrail\".\"cloudtrail_monthly_temp_202403\"",
          "  steps:",
          "    1. take the lock",
          "    2. if the state holds an unfinished build, finish that build; otherwise:",
          "    3. drop the temp table if it exists",
          "    4. delete every object under staging",
          "    5. run the CTAS, which creates the temp table at staging",
          "    6. drop the temp table (its files stay)",
          "    7. if the CTAS wrote at least MIN_ROWS row(s), copy its files into the partition; else stop, the partition "
              + "as it was",
          "    8. delete the partition's objects from before",
          "    9. clear staging",
          "   10. release the lock");

  @Test
  void planPrintsEachRecordsMonthPlacesAndNumberedStepsOncePerMonthAndExitsZeroWhenAllPlan() {
    int code = run(ENV, "plan", "--event", "examples/sqs-event.json");

    assertThat(code).isZero();
    List<String> expected = new ArrayList<>();
    expected.add(
        "message 19dd0b57-b21e-4ac1-bd88-01bbb068cb78: 2024-03 of cloudtrail.cloudtrail_monthly (found by "
            + "partition projection)");
    expected.addAll(MARCH_STEPS);
    expected.add(
        "message 2e1424d4-f796-459a-8184-9c92662be6da: 2024-03, the same steps as message "
            + "19dd0b57-b21e-4ac1-bd88-01bbb068cb78");
    assertThat(out.toString().lines()).containsExactlyElementsOf(expected);
    assertThat(out.toString().lines())
        .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(120));
  }

  @Test
  void planMonthPrintsThatMonthsStepsWithoutAnEventFile() {
    int code = run(ENV, "plan", "--month", "2024-03");

    assertThat(code).isZero();
    List<String> expected = new ArrayList<>();
    expected.add("2024-03 of cloudtrail.cloudtrail_monthly (found by partition projection)");
    expected.addAll(MARCH_STEPS);
    assertThat(out.toString().lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void planMonthRefusesAMonthTheTablesProjectionDoesNotCoverInOneLine() {
    int code = run(ENV, "plan", "--month", "1999-12");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Cannot build 1999-12 of "
                + "cloudtrail.cloudtrail_monthly: its partition key year covers 2013,2099 (projection.year.range), so Athena "
                + "would never read that month");
  }

  @Test
  void planNeedsAMonthOrAnEventButNotBoth() {
    assertThat(run(ENV, "plan", "--month", "2024-03", "--event", "examples/sqs-event.json"))
        .isEqualTo(2);
    assertThat(run(ENV, "plan")).isEqualTo(2);

    assertThat(err.toString().lines()).hasSize(4).contains("Try './partition-builder plan --help'");
  }

  @Test
  void planJsonGivesEachRecordItsMonthPlacesAndStepsOrItsError() throws Exception {
    int code = run(ENV, "plan", "--json", "--event", resource("sqs/rejected-batch.json"));

    assertThat(code).isEqualTo(1);
    JsonNode records = new ObjectMapper().readTree(out.toString());
    assertThat(records).hasSize(3);
    assertThat(records.get(0).get("messageId").asText()).isEqualTo("ok-1");
    assertThat(records.get(0).get("month").asText()).isEqualTo("2024-03");
    assertThat(records.get(0).get("partition").asText())
        .isEqualTo("s3://my-bucket/cloudtrail_monthly/2024/03/");
    assertThat(records.get(0).get("tempTable").asText())
        .isEqualTo("\"cloudtrail\".\"cloudtrail_monthly_temp_202403\"");
    assertThat(records.get(0).get("steps")).hasSize(10);
    assertThat(records.get(0).get("steps").get(9).asText()).isEqualTo("release the lock");
    assertThat(records.get(1).get("error").asText()).startsWith("month: expected a JSON integer");
    assertThat(records.get(1).has("steps")).isFalse();
  }

  /**
   * The plan follows the table's own layout: a table without projection gets its Glue partition
   * swapped.
   */
  @Test
  void planFollowsTheDestinationDdlsLayout(@TempDir Path dir) throws Exception {
    String bundled = java.nio.file.Files.readString(Path.of("ddl/cloudtrail_monthly.sql"));
    Path ddl = dir.resolve("glue.sql");
    java.nio.file.Files.writeString(ddl, bundled.substring(0, bundled.indexOf("TBLPROPERTIES")));

    int code =
        run(ENV, "plan", "--event", "examples/sqs-event.json", "--destination-ddl", ddl.toString());

    assertThat(code).isZero();
    assertThat(out.toString().lines())
        .startsWith(
            "message 19dd0b57-b21e-4ac1-bd88-01bbb068cb78: 2024-03 of cloudtrail.cloudtrail_monthly (its Glue partition "
                + "[2024, 03])",
            "  partition  s3://my-bucket/cloudtrail_monthly/year=2024/month=03/",
            "  lock       s3://my-bucket/cloudtrail_monthly/_locks/2024/03");
    assertThat(out.toString().lines())
        .contains(
            "    4. delete what failed builds and expired retired builds left under the partition",
            "    5. run the CTAS, which creates the temp table at a new location, the partition's build-<time>-<id>/",
            "    7. if the CTAS wrote at least MIN_ROWS row(s), point the Glue partition [2024, 03] of "
                + "\"cloudtrail\".\"cloudtrail_monthly\" at it in one catalog call; else stop, the partition as it was");
  }

  @Test
  void planRefusesAMonthTheTablesProjectionDoesNotCover(@TempDir Path dir) throws Exception {
    Path event = dir.resolve("old.json");
    java.nio.file.Files.writeString(
        event,
        "{\"Records\":[{\"messageId\":\"old\",\"body\":\"{\\\"month\\\": 12, \\\"year\\\": 1999}\"}]}");

    int code = run(ENV, "plan", "--event", event.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines())
        .containsExactly(
            "message old: error: Cannot build 1999-12 of "
                + "cloudtrail.cloudtrail_monthly: its partition key year covers 2013,2099 (projection.year.range), so Athena "
                + "would never read that month");
  }

  @Test
  void aMissingConfigFileIsNamedInOneLineWithoutTheJavaExceptionsName() {
    int code = run(ENV, "plan", "--event", "examples/sqs-event.json", "--config", "no-such.env");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: Cannot read --config no-such.env: there is no such file");
  }

  @Test
  void runsHelpNamesTheDefaultSourceInsteadOfNull() {
    assertThat(run(ENV, "run", "--help")).isZero();

    assertThat(out.toString()).doesNotContain("null").contains("local/cloudtrail_daily");
  }

  @Test
  void planPrintsTheReasonForEachRejectedRecordAndExitsOne() {
    int code = run(ENV, "plan", "--event", resource("sqs/rejected-batch.json"));

    assertThat(code).isEqualTo(1);
    List<String> headings =
        out.toString().lines().filter(line -> line.startsWith("message ")).toList();
    assertThat(headings).hasSize(3);
    assertThat(headings.get(0))
        .isEqualTo(
            "message ok-1: 2024-03 of cloudtrail.cloudtrail_monthly (found by partition "
                + "projection)");
    assertThat(headings.get(1))
        .startsWith("message bad-1: error: month: expected a JSON integer")
        .contains("\"03\"");
    assertThat(headings.get(2)).startsWith("message bad-2: error: message body is not JSON");
  }

  @Test
  void planEscapesControlCharactersOfMessageIdsAndBodiesKeepingOneHeadingPerRecord(
      @TempDir Path dir) throws Exception {
    // JSON escapes, so the file itself is plain text: ESC, CR LF, U+2028, NEL, DEL and NUL arrive
    // as the parser reads them.
    Path event = dir.resolve("event.json");
    Files.writeString(
        event,
        "{\"Records\": ["
            + "{\"messageId\": \"ok\\u001b[2J\\r\\nforged 2024-01 take the lock\", \"body\": \"{\\\"month\\\": 3, \\\"year\\\": 2024}\"},"
            + "{\"messageId\": \"bad\\u2028x\", \"body\": \"{\\\"month\\\": \\\"\\u0085\\u007f\\u2028\\\"}\"},"
            + "{\"messageId\": \"raw\", \"body\": \"\\u0000\\u2029{\"}]}");

    int code = run(ENV, "plan", "--event", event.toString());

    assertThat(code).isEqualTo(1);
    // lines() splits at CR and LF only; a raw U+2028 or NEL would still be a control character
    // below.
    List<String> headings =
        out.toString().lines().filter(line -> line.startsWith("message ")).toList();
    assertThat(headings).hasSize(3);
    assertThat(out.toString().lines())
        .allSatisfy(
            line ->
                assertThat(line.chars())
                    .as(line)
                    .noneMatch(
                        c -> c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029));
    assertThat(headings.get(0))
        .startsWith("message ok\\u001B[2J\\r\\nforged 2024-01 take the lock: 2024-03 of ");
    assertThat(headings.get(1))
        .startsWith(
            "message bad\\u2028x: error: month: expected a JSON integer from 1 to 12, got a string")
        .contains("\\u0085\\u007F\\u2028");
    assertThat(headings.get(2))
        .startsWith("message raw: error: message body is not JSON")
        .contains("\\u0000\\u2029{");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--timeout {0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"9223372036854775807", "1441", "0", "-1"})
  void runRefusesATimeoutOutsideOneMinuteToOneDayBeforeDoingAnything(
      String minutes, @TempDir Path dir) throws Exception {
    int code =
        run(
            ENV,
            "run",
            "--month",
            "2024-03",
            "--timeout",
            minutes,
            "--source",
            dir.resolve("source").toString(),
            "--warehouse",
            dir.resolve("warehouse").toString());

    assertThat(code).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing written").isEmpty();
    }
    assertThat(err.toString())
        .contains("--timeout " + minutes, "from 1 to 1440", "MAX_TIMEOUT_MINUTES")
        .doesNotContain("Exception");
  }

  @Test
  void runRefusesARangeOfMoreThanTenYearsBeforeDoingAnythingUnlessYes(@TempDir Path dir)
      throws Exception {
    int code =
        run(
            ENV,
            "run",
            "--from",
            "2000-01",
            "--to",
            "2024-12",
            "--source",
            dir.resolve("source").toString(),
            "--warehouse",
            dir.resolve("warehouse").toString());

    assertThat(code).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing written").isEmpty();
    }
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Refusing --from 2000-01 --to "
                + "2024-12: that is 300 months, more than 120 (ten years): check the range, or pass --yes to rebuild each of "
                + "them");
  }

  @Test
  void planReadsTheConfigFileAndLetsTheEnvironmentOverrideIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("x.env");
    Files.writeString(
        file,
        "# comment\nexport ATHENA_WORKGROUP=wg\nGLUE_DATABASE=\"db\"\nSRC_TABLE_NAME=src\n"
            + "DST_TABLE_NAME=dst\nDST_BUCKET=file-bucket\nDST_PREFIX='p/'\n");

    int code =
        run(
            Map.of("DST_BUCKET", "env-bucket"),
            "plan",
            "--config",
            file.toString(),
            "--event",
            "examples/sqs-event.json");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("s3://env-bucket/p/2024/03/")
        .contains("\"db\".\"dst_temp_202403\"");
  }

  @Test
  void renderPrintsExactlyTheSqlAndNothingElse() {
    int code = run(ENV, "render", "--month", "2024-03");

    assertThat(code).isZero();
    Config config = Config.fromEnvironment(ENV);
    assertThat(out.toString())
        .isEqualTo(
            CtasTemplate.bundled().render(config.layout(), YearMonth.of(2024, 3))
                + System.lineSeparator());
  }

  @Test
  void renderUsesTheTemplateFileNamedInTheConfiguration(@TempDir Path dir) throws Exception {
    Path template = dir.resolve("t.sql");
    Files.writeString(template, AthenaTemplates.SELECT_ONE);
    Map<String, String> env = new HashMap<>(ENV);
    env.put("CTAS_TEMPLATE", template.toString());

    run(env, "render", "--month", "2023-12");

    assertThat(out.toString().strip())
        .isEqualTo(
            "CREATE TABLE \"cloudtrail\".\"cloudtrail_monthly_temp_202312\" "
                + "WITH (external_location = 's3://my-bucket/cloudtrail_monthly/_staging/2023/12/') AS SELECT 1 AS x");
  }

  @Test
  void renderRejectsABadMonthWithOneLineAndExitsTwo() {
    int code = run(ENV, "render", "--month", "2024-3");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: month \"2024-3\" is not in the form YYYY-MM, such as 2024-03");
  }

  @Test
  void namesTheMissingVariableWhenConfigurationIsAbsent() {
    int code = run(Map.of(), "render", "--month", "2024-03");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("ATHENA_WORKGROUP is not set").contains("--config");
    assertThat(err.toString().lines()).hasSize(1);
  }

  @Test
  void namesTheVariableAndValueWhenConfigurationIsInvalid() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("DST_TABLE_NAME", "x; drop table y");

    int code = run(env, "render", "--month", "2024-03");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("DST_TABLE_NAME=\"x; drop table y\"");
  }
}
