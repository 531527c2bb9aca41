package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.local.FileProblem;
import dev.partitionbuilder.local.LocalBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Lambda's configuration for a command: its environment variables, optionally read first from a
 * {@code --config} file of {@code NAME=VALUE} lines (the environment wins over the file).
 *
 * <p>Every command that reads them goes through {@link #values()}, which checks every value that is
 * set by the Lambda's own rules ({@link Config}) and the deployment files' ({@link
 * DeploymentFile}), whatever the command: a file one command refuses, every command refuses, with
 * the same line. Local commands may leave the values only AWS needs unset ({@link #local()}).
 */
final class ConfigOptions {
  private final Map<String, String> env;

  /** The checked values, read once per command. */
  private Map<String, String> values;

  /** What the --config file set, for saying where a value at fault came from. */
  private Map<String, String> fromFile = Map.of();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "NAME=VALUE lines with the Lambda's environment variables (such as examples/cloudtrail.env); "
              + "variables set in the environment override them.")
  Path file;

  ConfigOptions(Map<String, String> env) {
    this.env = env;
  }

  /**
   * The variables, the file's overridden by the environment's, once every one that is set has
   * passed the same checks as for the Lambda.
   *
   * @throws ConfigException naming the first variable at fault, its value and where it came from
   */
  Map<String, String> values() {
    if (values == null) {
      fromFile = file == null ? Map.of() : readEnvFile(file);
      Map<String, String> read = new HashMap<>(fromFile);
      read.putAll(env);
      checked(
          () -> {
            Config.forLocal(read);
            DeploymentFile.checkSet(read);
          });
      values = read;
    }
    return new HashMap<>(values);
  }

  /** The Lambda's configuration: every required variable must be set. */
  Config load() {
    return load(List.of());
  }

  /**
   * The configuration, with {@code flags} over the file and the environment, each checked by its
   * variable's rules.
   */
  Config load(List<Config.Flag> flags) {
    Map<String, String> values = values();
    return checked(() -> Config.fromEnvironment(values, flags));
  }

  /**
   * The configuration of a local command ({@link Config#forLocal}): the values set, checked as for
   * the Lambda, and stand-ins for those only AWS needs that are not.
   */
  Config local() {
    return local(List.of());
  }

  /**
   * {@link #local()} with {@code flags} over the file and the environment, each checked by its
   * variable's rules.
   */
  Config local(List<Config.Flag> flags) {
    Map<String, String> values = values();
    return checked(() -> Config.forLocal(values, flags));
  }

  /** The local tables' names and prefix, from {@link #local()}. */
  LocalBackend.TableNames tableNames() {
    return LocalBackend.TableNames.of(local());
  }

  /**
   * Runs {@code check}; its error says where the value at fault came from, or where to set a
   * missing one.
   */
  private <T> T checked(java.util.function.Supplier<T> check) {
    try {
      return check.get();
    } catch (ConfigException e) {
      // Every message starts with the variable: NAME="value" is not ..., or NAME is not set; or
      // with the flag the user typed on this command line, which needs no hint.
      String variable = e.getMessage().split("[= ]", 2)[0];
      if (variable.startsWith("--")) {
        throw e;
      }
      String hint;
      if (env.containsKey(variable)) {
        hint =
            " (from the environment"
                + (fromFile.containsKey(variable) ? ", which overrides " + file : "")
                + ")";
      } else if (fromFile.containsKey(variable)) {
        hint = " (from " + file + ")";
      } else {
        hint =
            file == null
                ? " (set the Lambda's environment variables, or pass --config FILE; "
                    + "see examples/cloudtrail.env)"
                : " (set it in " + file + " or the environment)";
      }
      throw new ConfigException(e.getMessage() + hint, e);
    }
  }

  private void checked(Runnable check) {
    checked(
        () -> {
          check.run();
          return null;
        });
  }

  static Map<String, String> readEnvFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot read --config " + file + ": " + FileProblem.why(file, e), e);
    }
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--config "
                + file
                + " line "
                + (i + 1)
                + ": expected NAME=VALUE, got \""
                + line
                + "\"");
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      values.put(line.substring(0, eq).strip(), value);
    }
    return values;
  }
}
