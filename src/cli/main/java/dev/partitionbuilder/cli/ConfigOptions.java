package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Lambda's configuration for a command: its environment variables, optionally read first from
 * a {@code --config} file of {@code NAME=VALUE} lines (the environment wins over the file).
 */
final class ConfigOptions {
  private final Map<String, String> env;

  @Option(names = "--config", paramLabel = "FILE",
      description = "NAME=VALUE lines with the Lambda's environment variables (such as examples/cloudtrail.env); "
          + "variables set in the environment override them.")
  Path file;

  ConfigOptions(Map<String, String> env) {
    this.env = env;
  }

  /** The variables: the file's, overridden by the environment's. */
  Map<String, String> values() {
    Map<String, String> values = new HashMap<>();
    if (file != null) {
      values.putAll(readEnvFile(file));
    }
    values.putAll(env);
    return values;
  }

  Config load() {
    return load(Map.of());
  }

  /** The configuration, with {@code overrides} (from command-line flags) over the file and the environment. */
  Config load(Map<String, String> overrides) {
    Map<String, String> values = values();
    values.putAll(overrides);
    try {
      return Config.fromEnvironment(values);
    } catch (ConfigException e) {
      String hint = file == null ? " (set the Lambda's environment variables, or pass --config FILE; "
          + "see examples/cloudtrail.env)" : " (from " + file + " or the environment)";
      throw new ConfigException(e.getMessage() + hint, e);
    }
  }

  static Map<String, String> readEnvFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("Cannot read --config " + file + ": there is no such file", e);
    } catch (IOException e) {
      throw new ConfigException("Cannot read --config " + file + ": " + e.getMessage(), e);
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
        throw new ConfigException("--config " + file + " line " + (i + 1) + ": expected NAME=VALUE, got \"" + line + "\"");
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      values.put(line.substring(0, eq).strip(), value);
    }
    return values;
  }
}
