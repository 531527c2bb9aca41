package dev.partitionbuilder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code [default.deploy.parameters]} table of samconfig.toml. Read with a few lines rather
 * than a TOML library: the file is ours and holds only {@code key = value} lines.
 */
final class SamConfig {
  static final Path FILE = Path.of("samconfig.toml");
  private static final String TABLE = "[default.deploy.parameters]";
  private static final Pattern ENTRY = Pattern.compile("^([A-Za-z0-9_]+)\\s*=\\s*(.+?)\\s*$");

  private final Map<String, String> deployParameters;

  private SamConfig(Map<String, String> deployParameters) {
    this.deployParameters = deployParameters;
  }

  static SamConfig load() {
    try {
      return parse(Files.readString(FILE, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + FILE, e);
    }
  }

  static SamConfig parse(String text) {
    Map<String, String> entries = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("[")) {
        inTable = trimmed.equals(TABLE);
        continue;
      }
      Matcher m = ENTRY.matcher(trimmed);
      if (inTable && !trimmed.startsWith("#") && m.matches()) {
        entries.put(m.group(1), m.group(2));
      }
    }
    assertThat(entries).as(TABLE + " in " + FILE).isNotEmpty();
    return new SamConfig(entries);
  }

  /** The raw TOML value of a key of the deploy table: {@code "text"}, {@code true}, ... */
  String raw(String key) {
    return deployParameters.get(key);
  }

  /** {@code parameter_overrides = "A=1 B=2"} as a map; values here hold no spaces or quotes. */
  Map<String, String> parameterOverrides() {
    String raw = raw("parameter_overrides");
    assertThat(raw).as("parameter_overrides").startsWith("\"").endsWith("\"");
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String pair : raw.substring(1, raw.length() - 1).trim().split("\\s+")) {
      int equals = pair.indexOf('=');
      assertThat(equals).as("parameter override " + pair).isPositive();
      assertThat(pair).as("parameter override " + pair).doesNotContain("\"", "'");
      overrides.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return overrides;
  }
}
