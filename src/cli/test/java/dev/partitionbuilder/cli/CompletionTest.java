package dev.partitionbuilder.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell completion script picocli generates, sourced in a real bash and asked what it offers,
 * as bash asks it when Tab is pressed after the words typed so far.
 */
class CompletionTest {
  @TempDir Path dir;
  private Path script;

  @BeforeEach
  void generate() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"generate-completion"},
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of());
    assertThat(code).as(err.toString()).isZero();
    script = Files.writeString(dir.resolve("partition-builder.bash"), out.toString());
  }

  @Test
  void tabCompletesTheCommands() throws Exception {
    assertThat(complete("partition-builder", "ru")).containsExactly("run");
    assertThat(complete("partition-builder", ""))
        .contains("run", "query", "unlock", "plan", "render", "sample", "enqueue");
  }

  @Test
  void theCompletionCommandIsNotInTheCommandList() {
    StringWriter out = new StringWriter();
    assertThat(
            Main.run(
                new String[] {"--help"},
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                Map.of()))
        .isZero();
    assertThat(out.toString()).contains("  run ").doesNotContain("generate-completion");
  }

  @Test
  void tabCompletesACommandsOptionsAndTheirValues() throws Exception {
    assertThat(complete("partition-builder", "run", "--mo")).containsExactly("--month");
    assertThat(complete("partition-builder", "run", "--engine", ""))
        .containsExactlyInAnyOrder("local", "athena");
    assertThat(complete("partition-builder", "run", "--no-c")).containsExactly("--no-color");
  }

  @Test
  void theScriptRegistersItselfForTheCommandsNameAndCanBeRegisteredForTheLauncher()
      throws Exception {
    assertThat(Files.readString(script))
        .contains("complete -F _complete_partition-builder -o default partition-builder ");
    // What the README suggests for ./partition-builder typed as it is: the same function.
    assertThat(complete("./partition-builder", "run", "--fr")).containsExactly("--from");
  }

  /** What the completion function offers for {@code words}, the last one being completed. */
  private List<String> complete(String... words) throws Exception {
    String line = String.join(" ", words);
    StringBuilder array = new StringBuilder();
    for (String word : words) {
      array.append(" '").append(word).append("'");
    }
    String bash =
        "source '"
            + script
            + "' 2>/dev/null; COMP_WORDS=("
            + array
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE='"
            + line
            + "'; COMP_POINT=${#COMP_LINE}; _complete_partition-builder 2>/dev/null; "
            + "printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process process = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.lines().filter(l -> !l.isEmpty()).toList();
  }
}
