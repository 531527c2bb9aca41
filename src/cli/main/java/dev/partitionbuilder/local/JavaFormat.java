package dev.partitionbuilder.local;

import static dev.partitionbuilder.local.TrinoTranslator.notSupported;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trino's {@code format(format, args...)} formats with java.util.Formatter. DuckDB's printf is C's,
 * and a DuckDB macro can neither take any number of arguments nor pick a conversion by argument
 * type, so a literal format is expanded here into one printf call per conversion.
 *
 * <p>Supported: {@code %s %S %d %x %X %o %e %E %f %b %B %n %%} with the flags {@code - # + 0 ,}
 * and space, a width, a precision, {@code n$} and {@code <} argument indexes. A NULL argument
 * prints {@code null} (and {@code false} for {@code %b}), as in Java.
 */
final class JavaFormat {
  // java.util.Formatter: %[argument_index$][flags][width][.precision]conversion
  private static final Pattern SPECIFIER =
      Pattern.compile("%(?:(\\d+)\\$)?([-#+ 0,(<]*)(\\d+)?(?:\\.(\\d+))?([tT]?[a-zA-Z%])");

  private JavaFormat() {}

  /**
   * @param format the value of the literal format string
   * @param arguments the arguments, already translated to DuckDB
   * @return a DuckDB expression giving the formatted text
   */
  static String expand(String format, List<String> arguments) {
    List<String> pieces = new ArrayList<>();
    Matcher matcher = SPECIFIER.matcher(format);
    int textStart = 0;
    int ordinary = 0;
    int previous = -1;
    while (matcher.find()) {
      addText(pieces, format.substring(textStart, matcher.start()), format);
      textStart = matcher.end();
      String flags = matcher.group(2);
      String width = matcher.group(3) == null ? "" : matcher.group(3);
      String precision = matcher.group(4) == null ? "" : "." + matcher.group(4);
      String conversion = matcher.group(5);
      if (conversion.equals("n")) {
        pieces.add("chr(10)");
        continue;
      }
      if (conversion.equals("%")) {
        pieces.add("'%'");
        continue;
      }
      String specifier = matcher.group();
      checkSupported(specifier, flags, conversion, format);
      int index;
      if (flags.contains("<")) {
        index = previous;
      } else if (matcher.group(1) != null) {
        index = Integer.parseInt(matcher.group(1)) - 1;
      } else {
        index = ordinary++;
      }
      if (index < 0 || index >= arguments.size()) {
        throw new PartitionBuilderException("format(" + SqlToken.quote(format) + ", ...): " + specifier
            + " needs argument " + (index + 1) + " but " + arguments.size() + " were given (Trino rejects it too)");
      }
      previous = index;
      pieces.add(conversion(conversion, flags.replace("<", ""), width, precision, arguments.get(index)));
    }
    addText(pieces, format.substring(textStart), format);
    return pieces.isEmpty() ? "''" : "(" + String.join(" || ", pieces) + ")";
  }

  private static void checkSupported(String specifier, String flags, String conversion, String format) {
    String where = " in format(" + SqlToken.quote(format) + ", ...)";
    if (conversion.length() == 2) {
      throw notSupported("date/time conversion " + specifier + where + " (DuckDB's printf has none)");
    }
    if ("gGaAcChH".contains(conversion)) {
      throw notSupported("conversion " + specifier + where + " (C's printf, which DuckDB uses, differs from Java here)");
    }
    if (flags.contains("(")) {
      throw notSupported("flag '(' in " + specifier + where + " (DuckDB's printf has no such flag)");
    }
    if (!"sSdxXoeEfbB".contains(conversion)) {
      throw new PartitionBuilderException("format(" + SqlToken.quote(format) + ", ...): unknown conversion "
          + specifier + " (Trino rejects it too)");
    }
  }

  private static String conversion(String conversion, String flags, String width, String precision, String argument) {
    // Java pads "null" like any text: only the '-' flag and the width apply to it.
    String textSpec = "%" + (flags.contains("-") ? "-" : "") + width + precision + "s";
    String nullSpec = "%" + (flags.contains("-") ? "-" : "") + width + "s";
    String call;
    switch (conversion) {
      case "s", "S" -> call = "trino_format_string(" + SqlToken.quote(textSpec) + ", " + argument + ")";
      case "b", "B" -> call = "trino_format_boolean(" + SqlToken.quote(textSpec) + ", " + argument + ")";
      default -> {
        String spec = "%" + flags + width + precision + conversion;
        call = "trino_format_value(" + SqlToken.quote(spec) + ", " + SqlToken.quote(nullSpec) + ", " + argument + ")";
      }
    }
    return conversion.equals("S") || conversion.equals("B") ? "upper(" + call + ")" : call;
  }

  private static void addText(List<String> pieces, String text, String format) {
    if (text.contains("%")) {
      throw new PartitionBuilderException("format(" + SqlToken.quote(format) + ", ...): a '%' that starts no conversion"
          + " (Trino rejects it too)");
    }
    if (!text.isEmpty()) {
      pieces.add(SqlToken.quote(text));
    }
  }
}
