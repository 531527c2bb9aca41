package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that reads --config checks every value it sets by the same rules, whatever the
 * command and whether it needs that value: a file one command refuses, every command refuses, with
 * the same line, before it does anything.
 */
class OneConfigurationCheckTest {
  @TempDir static Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
  }

  /**
   * Each command line that reads --config, with what it needs besides; none of them gets far enough
   * to write.
   */
  private static List<List<String>> commands() {
    String warehouse = dir.resolve("warehouse").toString();
    String source = dir.resolve("source").toString();
    return List.of(
        List.of("run", "--month", "2024-03", "--source", source, "--warehouse", warehouse),
        List.of("run", "--month", "2024-03", "--engine", "athena"),
        List.of("query", "SELECT 1", "--warehouse", warehouse),
        List.of("unlock", "--month", "2024-03", "--warehouse", warehouse),
        List.of("unlock", "--month", "2024-03", "--engine", "athena"),
        List.of("plan", "--event", "examples/sqs-event.json"),
        List.of("render", "--month", "2024-03"),
        List.of("render", "--ddl", "destination"),
        List.of("render", "--policy"));
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of(
            "DST_BUCKET=My_Bucket",
            "DST_BUCKET=\"My_Bucket\" is not an S3 bucket name: use 3 to 63 lowercase "
                + "letters, digits, '.' and '-', starting and ending with a letter or digit"),
        Arguments.of(
            "SCHEDULE_TIME_ZONE=Berlin",
            "SCHEDULE_TIME_ZONE=\"Berlin\" is not a time zone ID such as UTC or Europe/Berlin"),
        Arguments.of(
            "DST_PREFIX=cloudtrail_monthly",
            "DST_PREFIX=\"cloudtrail_monthly\" must end with '/' (try "
                + "\"cloudtrail_monthly/\")"),
        Arguments.of("MIN_ROWS=-3", "MIN_ROWS=\"-3\" must be 0 or more (0 accepts an empty month)"),
        Arguments.of(
            "AWS_REGION=Frankfurt",
            "AWS_REGION=\"Frankfurt\" is not an AWS Region such as us-east-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void everyCommandRefusesTheSameBadFileWithTheSameLine(String line, String why) throws Exception {
    Path file = dir.resolve("bad.env");
    // The example's values, then the one at fault, as someone editing the example would.
    Files.writeString(file, Files.readString(Path.of("examples/cloudtrail.env")) + line + "\n");

    for (List<String> command : commands()) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      String[] args =
          Stream.concat(command.stream(), Stream.of("--config", file.toString()))
              .toArray(String[]::new);

      int code = run(Map.of(), args);

      assertThat(code).as(String.join(" ", command)).isEqualTo(2);
      assertThat(err.toString())
          .as(String.join(" ", command))
          .isEqualTo(
              "partition-builder: error: " + why + " (from " + file + ")" + System.lineSeparator());
      assertThat(out.toString()).as(String.join(" ", command)).isEmpty();
    }
    assertThat(dir.resolve("warehouse")).doesNotExist();
  }

  @Test
  void aBadValueFromTheEnvironmentIsSaidToComeFromThere() throws Exception {
    Path file = dir.resolve("good.env");
    Files.copy(
        Path.of("examples/cloudtrail.env"),
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    int code =
        run(
            Map.of("DST_BUCKET", "My_Bucket"),
            "query",
            "SELECT 1",
            "--config",
            file.toString(),
            "--warehouse",
            dir.resolve("warehouse").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith(
            "partition-builder: error: DST_BUCKET=\"My_Bucket\" is not an S3 " + "bucket name")
        .endsWith("(from the environment, which overrides " + file + ")");
  }

  /**
   * A flag that stands for a variable goes through that variable's rule, on either engine, with one
   * line.
   */
  @Test
  void runRefusesABadMinRowsFlagWithTheSameLineOnEitherEngine() {
    for (String engine : List.of("local", "athena")) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);

      int code =
          run(
              Map.of(),
              "run",
              "--month",
              "2024-03",
              "--engine",
              engine,
              "--min-rows",
              "-1",
              "--config",
              "examples/cloudtrail.env",
              "--source",
              dir.resolve("source").toString(),
              "--warehouse",
              dir.resolve("warehouse").toString());

      assertThat(code).as(engine).isEqualTo(2);
      assertThat(err.toString())
          .as(engine)
          .isEqualTo(
              "partition-builder: error: --min-rows -1 must be 0 or more "
                  + "(0 accepts an empty month)"
                  + System.lineSeparator());
      assertThat(out.toString()).as(engine).isEmpty();
    }
    assertThat(dir.resolve("warehouse")).doesNotExist();
  }

  /**
   * Local commands may leave out what only AWS needs; what the Lambda needs is still asked for
   * where it is needed.
   */
  @Test
  void localCommandsSupplyTheAwsOnlyValuesThatAreAbsentButTheLambdasCommandsAskForThem()
      throws Exception {
    Path file = dir.resolve("local.env");
    Files.writeString(file, "MIN_ROWS=2\n");

    int unlock =
        run(
            Map.of(),
            "unlock",
            "--month",
            "2024-03",
            "--config",
            file.toString(),
            "--warehouse",
            dir.resolve("unlock").toString());
    String unlocked = out.toString();
    int render = run(Map.of(), "render", "--month", "2024-03", "--config", file.toString());

    assertThat(unlock).as(err.toString()).isZero();
    assertThat(unlocked).startsWith("2024-03 is not locked");
    assertThat(render).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: ATHENA_WORKGROUP is not set (set it in "
                + file
                + " or the environment)");
  }
}
