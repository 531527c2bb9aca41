package dev.partitionbuilder.core;

import java.util.Optional;

/** Configuration that cannot be used; the message names the setting and its value. */
public final class ConfigException extends PartitionBuilderException {
  private final String setting;
  private final String reason;

  public ConfigException(String message) {
    super(message);
    this.setting = null;
    this.reason = null;
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.setting = null;
    this.reason = null;
  }

  /**
   * {@code SETTING=value why}: a value that breaks {@code setting}'s rule, kept apart so that a
   * command-line flag that gave the value can say the same under its own name.
   *
   * @param value the value as the message shows it (quoted)
   */
  ConfigException(String setting, String value, String why, Throwable cause) {
    super(setting + "=" + value + " " + why, cause);
    this.setting = setting;
    this.reason = why;
  }

  /** The setting whose value broke its rule; empty when the message is not of that form. */
  public Optional<String> setting() {
    return Optional.ofNullable(setting);
  }

  /** Why the value of {@link #setting()} was refused, without the setting or the value. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }
}
