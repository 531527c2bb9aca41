package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import picocli.CommandLine;

/** Hands the process environment (or a test's map) to the commands that take one. */
final class EnvironmentFactory implements CommandLine.IFactory {
  private final Map<String, String> env;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  EnvironmentFactory(Map<String, String> env) {
    this.env = requireNonNull(env, "env is null");
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    if (type == ConfigOptions.class) {
      return type.cast(new ConfigOptions(env));
    }
    return fallback.create(type);
  }
}
