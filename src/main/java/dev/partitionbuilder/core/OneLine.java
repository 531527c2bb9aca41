package dev.partitionbuilder.core;

/** Error messages are read in one-line log views and CLI output: fold them to one line. */
public final class OneLine {
  private OneLine() {}

  public static String of(String message) {
    if (message == null) {
      return null;
    }
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  /** What went wrong, in one line: the message, or the exception's class where it has none. */
  static String describe(Throwable e) {
    return e.getMessage() == null ? e.toString() : of(e.getMessage());
  }

  /** A value quoted for an error message, shortened so a huge body cannot flood the log. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return '"' + of(shown) + '"';
  }
}
