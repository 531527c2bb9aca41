package dev.partitionbuilder.lambda.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;

/**
 * Writes each event as one {@link JsonLine} to stdout (read at each write, so it can be
 * redirected).
 */
final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;

  private final transient Level threshold;
  private final transient MDCAdapter mdc;

  JsonLogger(String name, Level threshold, MDCAdapter mdc) {
    this.name = name;
    this.threshold = threshold;
    this.mdc = mdc;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    write(level, pattern, arguments, List.of(), throwable);
  }

  /** The fluent API ({@code log.atInfo().addKeyValue(...)}) arrives here with its key-values. */
  @Override
  public void log(LoggingEvent event) {
    if (!enabled(event.getLevel())) {
      return;
    }
    Object[] arguments = event.getArgumentArray();
    Throwable throwable = event.getThrowable();
    if (throwable == null) {
      throwable = MessageFormatter.getThrowableCandidate(arguments);
      if (throwable != null) {
        arguments = MessageFormatter.trimmedCopy(arguments);
      }
    }
    List<KeyValuePair> pairs =
        event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
    write(event.getLevel(), event.getMessage(), arguments, pairs, throwable);
  }

  private void write(
      Level level,
      String pattern,
      Object[] arguments,
      List<KeyValuePair> pairs,
      Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    String line =
        JsonLine.of(
            Instant.now(), level, name, message, mdc.getCopyOfContextMap(), pairs, throwable);
    PrintStream out = System.out;
    out.println(line);
  }
}
