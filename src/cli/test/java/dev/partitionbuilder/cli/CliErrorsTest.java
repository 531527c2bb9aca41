package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the CLI tells a user what went wrong: one line, where to read more, the trace only on demand.
 */
class CliErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  @Test
  void aBadOptionGivesTheErrorAndWhereToReadMoreInTwoLinesInsteadOfTheUsageAndExitsTwo() {
    int code = run("run", "--month", "2024-03", "--bogus");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Unknown option: '--bogus'",
            "Try './partition-builder run --help'");
  }

  @Test
  void aMisspelledOptionNamesTheOptionsItMayBe() {
    int code = run("enqueue", "--from", "2024-01", "--to", "2024-02", "--dry-rn");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Unknown option: '--dry-rn' (did you mean --dry-run?)",
            "Try './partition-builder enqueue --help'");
  }

  @Test
  void aMissingOptionAndAnUnknownCommandAreTwoLinesToo() {
    assertThat(run("render")).isEqualTo(2);
    assertThat(run("rebuild")).isEqualTo(2);

    assertThat(err.toString().lines())
        .hasSize(4)
        .satisfies(
            lines -> {
              assertThat(lines.get(0))
                  .startsWith("partition-builder: error: Missing required argument");
              assertThat(lines.get(1)).isEqualTo("Try './partition-builder render --help'");
              assertThat(lines.get(2))
                  .startsWith("partition-builder: error: Unmatched argument at index 0: 'rebuild'");
              assertThat(lines.get(3)).isEqualTo("Try './partition-builder --help'");
            });
  }

  /** Each command's line in the list is a whole sentence; its details stay in its own --help. */
  @Test
  void theCommandListGivesEachCommandOneWholeSentence() {
    assertThat(run("--help")).isZero();

    List<String> lines = out.toString().lines().toList();
    List<String> commands =
        lines.subList(lines.indexOf("Commands:") + 1, lines.size()).stream()
            .takeWhile(line -> !line.isBlank())
            .toList();
    assertThat(commands)
        .hasSize(8)
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches("  [a-z]+ +[A-Z][^.]*(\\.[^.]+)*\\.")
                    .hasSizeLessThanOrEqualTo(80));
    assertThat(commands.getFirst())
        .isEqualTo(
            "  run      Rebuilds monthly partitions, locally (embedded Trino) or on Athena.");
  }

  @Test
  void aCommandsHelpStartsWithItsSentenceAndKeepsItsDetails() {
    assertThat(run("run", "--help")).isZero();

    assertThat(out.toString().lines().toList().getFirst())
        .isEqualTo("Rebuilds monthly partitions, locally (embedded Trino) or on Athena.");
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("embedded Trino runs the same CTAS template as Athena");
  }

  /**
   * The bundled template with a 20,000-character external_location: once a StackOverflowError, a
   * hung JVM.
   */
  @Test
  void aRejectedTemplateIsOneLineToWhichVerboseAddsItsTrace(@TempDir Path dir) throws Exception {
    Path template = dir.resolve("t.sql");
    Files.writeString(
        template,
        Files.readString(Path.of("ddl/cloudtrail_monthly_ctas.sql"))
            .replace("'{{location}}'", "'{{location}}" + "x".repeat(20_000) + "'"));
    Map<String, String> env = new HashMap<>(MainTest.ENV);
    env.put("CTAS_TEMPLATE", template.toString());

    assertThat(
            Main.run(
                new String[] {"render", "--month", "2024-03"},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env))
        .isEqualTo(2);
    String quiet = err.toString();
    err.getBuffer().setLength(0);
    assertThat(
            Main.run(
                new String[] {"render", "--month", "2024-03", "--verbose"},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env))
        .isEqualTo(2);

    assertThat(quiet.lines())
        .singleElement()
        .asString()
        .startsWith(
            "partition-builder: error: CTAS template "
                + template
                + " sets external_location = '{{location}}xxx")
        .contains("..., not exactly '{{location}}'")
        .doesNotContain("--verbose")
        .hasSizeLessThan(500);
    assertThat(err.toString().lines().toList().getFirst()).isEqualTo(quiet.strip());
    assertThat(err.toString()).contains("ConfigException", "\tat dev.partitionbuilder.");
  }

  @Test
  void anUnexpectedFailureSaysWhatItWasWhereAndThatVerboseShowsItsTrace() {
    StringWriter text = new StringWriter();
    IllegalStateException bug = new IllegalStateException("two\nlines");

    int code = ErrorReport.print(bug, new PrintWriter(text, true), false, 1);

    assertThat(code).isEqualTo(1);
    assertThat(text.toString().lines())
        .containsExactly(
            "partition-builder: error: unexpected IllegalStateException in "
                + "CliErrorsTest.anUnexpectedFailureSaysWhatItWasWhereAndThatVerboseShowsItsTrace: two lines "
                + "(--verbose shows the trace)");
  }

  @Test
  void anUnexpectedFailureWithVerbosePrintsItsTraceAfterTheLine() {
    StringWriter text = new StringWriter();

    ErrorReport.print(new StackOverflowError(), new PrintWriter(text, true), true, 1);

    List<String> lines = text.toString().lines().toList();
    assertThat(lines.getFirst())
        .startsWith("partition-builder: error: unexpected StackOverflowError in CliErrorsTest.")
        .endsWith(" (--verbose shows the trace)");
    assertThat(lines.get(1)).isEqualTo("java.lang.StackOverflowError");
    assertThat(lines.get(2)).startsWith("\tat dev.partitionbuilder.cli.CliErrorsTest.");
  }

  @Test
  void aFailureOfTheProjectsOwnIsItsMessageAlone() {
    assertThat(ErrorReport.line(new ConfigException("MIN_ROWS=\"x\" is not a number")))
        .isEqualTo("MIN_ROWS=\"x\" is not a number");
  }
}
