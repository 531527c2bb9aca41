package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import picocli.CommandLine;

/**
 * Hands the process environment (or a test's map), and the process's signals, to the commands that
 * take them.
 */
final class EnvironmentFactory implements CommandLine.IFactory {
  private final Map<String, String> env;
  private final Interruptions interruptions;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  EnvironmentFactory(Map<String, String> env, Interruptions interruptions) {
    this.env = requireNonNull(env, "env is null");
    this.interruptions = requireNonNull(interruptions, "interruptions is null");
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    if (type == ConfigOptions.class) {
      return type.cast(new ConfigOptions(env));
    }
    if (type == RunCommand.class) {
      return type.cast(new RunCommand(interruptions));
    }
    return fallback.create(type);
  }
}
