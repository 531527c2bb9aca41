package dev.partitionbuilder.lambda.log;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.MDCAdapter;

final class JsonLoggerFactory implements ILoggerFactory {
  /**
   * The SDK's INFO and DEBUG lines are noise in a build's log (slf4j-simple is set the same way).
   */
  private static final String QUIET_PREFIX = "software.amazon.awssdk";

  private final Level threshold;
  private final MDCAdapter mdc;
  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

  JsonLoggerFactory(Level threshold, MDCAdapter mdc) {
    this.threshold = requireNonNull(threshold, "threshold is null");
    this.mdc = requireNonNull(mdc, "mdc is null");
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levelOf(n), mdc));
  }

  private Level levelOf(String name) {
    boolean quiet = name.startsWith(QUIET_PREFIX) && threshold.toInt() < Level.WARN.toInt();
    return quiet ? Level.WARN : threshold;
  }
}
