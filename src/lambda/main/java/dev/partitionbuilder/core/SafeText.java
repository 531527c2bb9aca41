package dev.partitionbuilder.core;

/**
 * Text for a person or a log line, kept to one line and free of control characters: a message body
 * or a messageId can hold anything, and a raw CR, LF, ESC or U+2028 in a log line would forge a
 * line or drive the terminal that shows it. Every message and log line built from such a value goes
 * through here.
 *
 * <p>Escaped: C0 (U+0000 to U+001F), DEL (U+007F), C1 (U+0080 to U+009F), and the line and
 * paragraph separators U+2028 and U+2029; as {@code \t}, {@code \n}, {@code \r}, or {@code \}{@code
 * uXXXX}. So is half a surrogate pair, which no UTF-8 line can carry (it would print as '?').
 */
public final class SafeText {
  /** Longest value {@link #quote} shows, in characters. */
  static final int QUOTE_LIMIT = 80;

  private SafeText() {}

  /**
   * A message on one line: each line break, with the whitespace around it, becomes one space (a
   * multi-line message from an SDK reads on as one sentence); any other control character is
   * escaped.
   */
  public static String of(String message) {
    if (message == null) {
      return null;
    }
    return escape(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
  }

  /** What went wrong, in one line: the message, or the exception's class where it has none. */
  static String describe(Throwable e) {
    return e.getMessage() == null ? e.toString() : of(e.getMessage());
  }

  /**
   * A value quoted for an error message, shortened so a huge body cannot flood the log, with every
   * control character escaped (line breaks too: the value is shown as it was, not reflowed).
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value;
    if (value.length() > QUOTE_LIMIT) {
      int end = QUOTE_LIMIT - 3;
      // Never cut a surrogate pair in two: half a character would print as '?'.
      if (Character.isHighSurrogate(value.charAt(end - 1))) {
        end--;
      }
      shown = value.substring(0, end) + "...";
    }
    return '"' + escape(shown) + '"';
  }

  /**
   * {@code value} with every control character escaped and nothing else changed; for identifiers.
   */
  public static String escape(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        if (out != null) {
          out.append(c).append(value.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (!isControl(c) && !Character.isSurrogate(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(value.length() + 16).append(value, 0, i);
      }
      switch (c) {
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(String.format("\\u%04X", (int) c));
      }
    }
    return out == null ? value : out.toString();
  }

  static boolean isControl(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || isBidiControl(c);
  }

  /**
   * The invisible marks, embeddings, overrides and isolates that reorder how a line is shown, so a
   * message id could make a log line read as something else (CVE-2021-42574, "Trojan Source").
   */
  private static boolean isBidiControl(char c) {
    return c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
