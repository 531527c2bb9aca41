package dev.partitionbuilder.lambda.log;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.partitionbuilder.core.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * One log event as one line of JSON, in the shape of Lambda's own JSON log lines: {@code
 * timestamp}, {@code level}, {@code logger}, {@code message}; then every MDC entry (the handler
 * puts {@code messageId}, {@code month} and {@code AWSRequestId} there); then the event's
 * key-values ({@code step}, {@code durationMs}, {@code queryExecutionId}, ...), numbers kept as
 * numbers; and for an exception {@code errorType}, {@code errorMessage} and {@code stackTrace}. A
 * field never replaces one before it, so an MDC entry named "message" cannot hide the message.
 * Every string is passed through {@link SafeText} (free text folded to one line, identifiers
 * escaped), so no control character a message body or messageId brought in reaches the line,
 * whoever logged it.
 */
final class JsonLine {
  private JsonLine() {}

  static String of(
      Instant timestamp,
      Level level,
      String logger,
      String message,
      Map<String, String> mdc,
      List<org.slf4j.event.KeyValuePair> pairs,
      Throwable throwable) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("timestamp", timestamp.toString());
    fields.put("level", level.name());
    fields.put("logger", logger);
    fields.put("message", SafeText.of(message));
    if (mdc != null) {
      new TreeMap<>(mdc)
          .forEach(
              (key, value) -> fields.putIfAbsent(SafeText.escape(key), SafeText.escape(value)));
    }
    for (KeyValuePair pair : pairs) {
      if (pair.key != null) {
        fields.putIfAbsent(SafeText.escape(pair.key), value(pair.value));
      }
    }
    if (throwable != null) {
      fields.putIfAbsent("errorType", throwable.getClass().getName());
      fields.putIfAbsent("errorMessage", SafeText.of(throwable.getMessage()));
      fields.putIfAbsent("stackTrace", stackTrace(throwable));
    }
    try {
      return JSON.std.asString(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the log event of " + logger + " as JSON: " + e.getMessage(), e);
    }
  }

  /** Numbers, booleans, strings, and maps and lists of them as JSON; anything else as its text. */
  private static Object value(Object value) {
    if (value instanceof String text) {
      return SafeText.of(text);
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Double
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Number number) {
      return number.toString().contains(".")
          ? (Object) number.doubleValue()
          : (Object) number.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(SafeText.escape(String.valueOf(k)), value(v)));
      return copy;
    }
    if (value instanceof Iterable<?> items) {
      List<Object> copy = new ArrayList<>();
      items.forEach(item -> copy.add(value(item)));
      return copy;
    }
    return SafeText.of(value.toString());
  }

  /**
   * The trace's lines, causes and suppressed exceptions included, as Lambda lists them: one string
   * each.
   */
  private static List<String> stackTrace(Throwable throwable) {
    StringWriter text = new StringWriter();
    throwable.printStackTrace(new PrintWriter(text));
    return text.toString()
        .lines()
        .skip(1)
        .map(SafeText::of)
        .filter(line -> !line.isEmpty())
        .toList();
  }
}
