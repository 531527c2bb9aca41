package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.PartitionBuilder;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleLogger;
import org.slf4j.simple.SimpleLoggerFactory;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * The CLI's SLF4J provider: slf4j-simple's text on stderr, each line about a build starting with
 * the MDC entries the shell set for it ({@code messageId=cli-... month=2024-03 step=lock took
 * ...}), as the Lambda's JSON lines carry them as fields. slf4j-simple alone keeps no MDC at all
 * (its adapter drops every entry), and the core's lines no longer name the build in their text.
 *
 * <p>{@link Main#main} picks it with the {@code slf4j.provider} property rather than a services
 * file, beside which slf4j-simple's own would make SLF4J warn of two providers on every start. The
 * tests leave the property unset: wiremock's shaded SLF4J reads it too and cannot load this class.
 */
public final class CliLogProvider extends SimpleServiceProvider {
  /** The MDC entries a line starts with, in this order. */
  private static final List<String> KEYS =
      List.of(PartitionBuilder.MESSAGE_ID, PartitionBuilder.MONTH);

  private final MDCAdapter mdc = new BasicMDCAdapter();
  private ILoggerFactory loggers;

  @Override
  public void initialize() {
    super.initialize();
    loggers =
        new SimpleLoggerFactory() {
          @Override
          protected Logger createLogger(String name) {
            return new BuildLogger(name, mdc);
          }
        };
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  /**
   * A slf4j-simple logger whose lines start with {@code messageId=cli-1 month=2024-03 }, or nothing
   * outside a build.
   */
  private static final class BuildLogger extends SimpleLogger {
    private static final long serialVersionUID = 1L;

    private final transient MDCAdapter mdc;

    BuildLogger(String name, MDCAdapter mdc) {
      super(name);
      this.mdc = mdc;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
      StringBuilder line = new StringBuilder();
      for (String key : KEYS) {
        String value = mdc.get(key);
        if (value != null) {
          line.append(key).append('=').append(value).append(' ');
        }
      }
      // Formatted before it goes behind the entries, so no MDC value is read as a {} placeholder.
      line.append(MessageFormatter.basicArrayFormat(pattern, arguments));
      super.handleNormalizedLoggingCall(level, marker, line.toString(), null, throwable);
    }
  }
}
