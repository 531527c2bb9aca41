package dev.partitionbuilder.core;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {{name}}} placeholders of the files under ddl/ and policy/ ({@code ${name}} is left
 * alone: partition projection's {@code storage.location.template} uses it).
 */
public final class Placeholders {
  static final Pattern PATTERN = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

  private Placeholders() {}

  /** The names {@code text} uses, sorted. */
  public static TreeSet<String> names(String text) {
    TreeSet<String> names = new TreeSet<>();
    for (Matcher m = PATTERN.matcher(text); m.find(); ) {
      names.add(m.group(1));
    }
    return names;
  }

  /** {@code text} with every placeholder replaced; {@code values} must hold each name used. */
  public static String render(String text, Map<String, String> values) {
    return PATTERN
        .matcher(text)
        .replaceAll(
            m -> {
              String value = values.get(m.group(1));
              if (value == null) {
                throw new IllegalArgumentException("No value for {{" + m.group(1) + "}}");
              }
              return Matcher.quoteReplacement(value);
            });
  }
}
