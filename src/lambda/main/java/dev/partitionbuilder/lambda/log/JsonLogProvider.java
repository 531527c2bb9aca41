package dev.partitionbuilder.lambda.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The Lambda's SLF4J provider: one JSON object per line on stdout, which CloudWatch Logs Insights
 * reads field by field ({@link JsonLine} lists the fields). It is registered only inside the Lambda
 * zip (src/lambda/assembly/lambda-resources), so the CLI and the tests keep slf4j-simple's text.
 *
 * <p>Why not Log4j 2 with aws-lambda-java-log4j2 and its JSON template layout, which AWS documents:
 * those jars add about 2.5 MB to a zip kept under 20 MB, and Log4j's start-up (plugin discovery,
 * configuration parsing) lands in every cold start that SnapStart does not cover. This provider is
 * a few classes on top of slf4j-api and jackson-core, both already in the zip.
 *
 * <p>The threshold is {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda sets from the function's
 * ApplicationLogLevel when its log format is JSON; INFO when unset. The AWS SDK logs at WARN and
 * above.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  /** Set by Lambda from LoggingConfig.ApplicationLogLevel (JSON log format only). */
  public static final String LOG_LEVEL_VARIABLE = "AWS_LAMBDA_LOG_LEVEL";

  private ILoggerFactory loggerFactory;
  private IMarkerFactory markerFactory;
  private MDCAdapter mdcAdapter;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggerFactory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markerFactory;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdcAdapter;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    markerFactory = new BasicMarkerFactory();
    mdcAdapter = new BasicMDCAdapter();
    loggerFactory = new JsonLoggerFactory(threshold(System.getenv(LOG_LEVEL_VARIABLE)), mdcAdapter);
  }

  /** Lambda's levels are TRACE, DEBUG, INFO, WARN, ERROR and FATAL; FATAL is SLF4J's ERROR. */
  static Level threshold(String value) {
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    String name = value.strip().toUpperCase(java.util.Locale.ROOT);
    if (name.equals("FATAL")) {
      return Level.ERROR;
    }
    for (Level level : Level.values()) {
      if (level.name().equals(name)) {
        return level;
      }
    }
    // Logging is not up yet, so this goes to stderr once; the function still runs, at INFO.
    System.err.println(
        "JsonLogProvider: "
            + LOG_LEVEL_VARIABLE
            + "=\""
            + value
            + "\" is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL; logging at INFO");
    return Level.INFO;
  }
}
