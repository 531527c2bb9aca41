package dev.partitionbuilder.core;

/** Configuration that cannot be used; the message names the setting and its value. */
public final class ConfigException extends PartitionBuilderException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
