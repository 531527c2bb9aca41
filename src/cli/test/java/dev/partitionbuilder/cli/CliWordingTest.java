package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors say what the user gave, as they gave it: the flag and the file, why a file cannot be read,
 * where an event file stops being JSON, and UTC rather than java.time's "Z".
 */
class CliWordingTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private String error() {
    assertThat(err.toString().lines()).as(err.toString()).hasSize(1);
    return err.toString().strip();
  }

  private String[] runWith(String... more) throws Exception {
    Path source = dir.resolve("src/2024/03/01");
    Files.createDirectories(source);
    Files.writeString(source.resolve("events.json"), "{}\n");
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(
                "run",
                "--month",
                "2024-03",
                "--source",
                dir.resolve("src").toString(),
                "--warehouse",
                dir.resolve("wh").toString()),
            java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void aMonthNotStartedYetSaysUtcNotZ() {
    String next = LocalDate.now(ZoneOffset.UTC).plusMonths(2).toString().substring(0, 7);

    int code = run("run", "--month", next, "--warehouse", dir.resolve("wh").toString());

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .startsWith("partition-builder: error: month " + next + " has not started yet (today is ")
        .endsWith(" in UTC)");
  }

  @Test
  void aMissingTemplateIsNamedAsTheFlagTheUserGaveNotAsCtasTemplate() throws Exception {
    Path template = dir.resolve("nope.sql");

    int code = run(runWith("--template", template.toString()));

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .isEqualTo(
            "partition-builder: error: Cannot read --template "
                + template
                + ": there is no such file");
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  @Test
  void aTemplateThatIsADirectoryOrInvalidIsNamedAsTheFlagBeforeTheEngineStarts() throws Exception {
    Path invalid = dir.resolve("mine.sql");
    Files.writeString(invalid, "SELECT 1");

    int directory = run(runWith("--template", dir.toString()));
    String directoryError = error();
    err.getBuffer().setLength(0);
    int rejected = run(runWith("--template", invalid.toString()));

    assertThat(directory).isEqualTo(2);
    assertThat(directoryError)
        .isEqualTo(
            "partition-builder: error: Cannot read --template "
                + dir
                + ": it is a directory, not a file");
    assertThat(rejected).isEqualTo(2);
    assertThat(error())
        .startsWith(
            "partition-builder: error: CTAS template --template "
                + invalid
                + " never uses "
                + "{{temp_table}}")
        .doesNotContain("CTAS_TEMPLATE");
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  @Test
  void aTemplateFromTheConfigurationIsNamedAsItsVariableAndFile() throws Exception {
    Path config = dir.resolve("local.env");
    Files.writeString(config, "CTAS_TEMPLATE=" + dir.resolve("gone.sql") + "\n");

    int code = run(runWith("--config", config.toString()));

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .isEqualTo(
            "partition-builder: error: Cannot read CTAS_TEMPLATE="
                + dir.resolve("gone.sql")
                + " (from "
                + config
                + "): there is no such file");
  }

  @Test
  void aMissingTableDdlSaysWhyInsteadOfRepeatingItsPath() throws Exception {
    Path ddl = dir.resolve("x.sql");
    Path config = dir.resolve("plan.env");
    Files.writeString(
        config,
        Files.readString(Path.of("examples/cloudtrail.env")) + "DST_TABLE_DDL=" + ddl + "\n");

    int source = run(runWith("--source-ddl", ddl.toString()));
    String sourceError = error();
    err.getBuffer().setLength(0);
    int destination = run(runWith("--destination-ddl", dir.toString()));
    String destinationError = error();
    err.getBuffer().setLength(0);
    int plan = run("plan", "--event", "examples/sqs-event.json", "--config", config.toString());

    assertThat(source).isEqualTo(2);
    assertThat(sourceError)
        .isEqualTo(
            "partition-builder: error: Cannot read --source-ddl "
                + ddl
                + ": there is no such file");
    assertThat(destination).isEqualTo(2);
    assertThat(destinationError)
        .isEqualTo(
            "partition-builder: error: Cannot read --destination-ddl "
                + dir
                + ": it is a directory, not a file");
    assertThat(plan).isEqualTo(2);
    assertThat(error())
        .isEqualTo(
            "partition-builder: error: Cannot read DST_TABLE_DDL="
                + ddl
                + ": there is no such file");
  }

  @Test
  void anEventFileThatIsNotJsonSaysWhereAndWhatInWords() throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"Records\": [\n  {\"messageId\": \"a\",, \"body\": \"{}\"}\n]}\n");

    int code = run("plan", "--event", event.toString(), "--config", "examples/cloudtrail.env");

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .isEqualTo(
            "partition-builder: error: Cannot read the SQS event --event "
                + event
                + ": it is not "
                + "JSON: Unexpected character (',' (code 44)): was expecting double-quote to start field name at line 2, "
                + "column 21")
        .doesNotContain("Source", "REDACTED");
  }

  @Test
  void anEventFileCutShortNamesWhereItsObjectStartedWithoutJacksonsSourceNoise() throws Exception {
    Path event = dir.resolve("cut.json");
    Files.writeString(event, "{\"Records\": [\n");

    int code = run("plan", "--event", event.toString(), "--config", "examples/cloudtrail.env");

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .startsWith(
            "partition-builder: error: Cannot read the SQS event --event "
                + event
                + ": it is "
                + "not JSON: Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 13)")
        .doesNotContain("Source", "REDACTED");
  }

  @Test
  void aMissingEventFileSaysSoInsteadOfRepeatingItsPath() {
    Path event = dir.resolve("none.json");

    int code = run("plan", "--event", event.toString(), "--config", "examples/cloudtrail.env");

    assertThat(code).isEqualTo(2);
    assertThat(error())
        .isEqualTo(
            "partition-builder: error: Cannot read the SQS event --event "
                + event
                + ": there is no such file");
  }
}
