package dev.partitionbuilder.lambda;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.RunSummary;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * One CloudWatch Embedded Metric Format document per run, written to stdout by the EMF library's
 * Lambda environment, from which CloudWatch Logs extracts the metrics (no PutMetricData, no IAM).
 * The only dimension is {@code Table} ({@code <database>.<table>}), so each metric is one time
 * series per table; the month, messageId, query id and outcome ride along as properties, which Logs
 * Insights can read but which add no series. docs/observability.md lists the metrics.
 */
public final class BuildMetrics {
  /** The CloudWatch namespace of the metrics. */
  public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";

  public static final String DEFAULT_NAMESPACE = "AthenaPartitionBuilder";
  public static final String TABLE_DIMENSION = "Table";

  // CloudWatch: 1-255 of A-Za-z0-9 . - _ / # : and space, and "AWS/" is kept for AWS's own.
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9.\\-_/#: ]{1,255}");

  private final Environment environment;
  private final String namespace;
  private final String table;

  BuildMetrics(Environment environment, String namespace, String table) {
    this.environment = requireNonNull(environment, "environment is null");
    this.namespace =
        requireNamespace(METRICS_NAMESPACE, requireNonNull(namespace, "namespace is null"));
    this.table = requireNonNull(table, "table is null");
  }

  /** For tests of the handler that are not about metrics: the documents are built, then dropped. */
  static BuildMetrics discarding() {
    return new BuildMetrics(
        new DocumentEnvironment(document -> {}), DEFAULT_NAMESPACE, "discarded");
  }

  /**
   * Metrics for the configured table, in {@code METRICS_NAMESPACE} (default {@value
   * #DEFAULT_NAMESPACE}).
   */
  static BuildMetrics fromEnvironment(Map<String, String> env, Config config) {
    String namespace = env.getOrDefault(METRICS_NAMESPACE, DEFAULT_NAMESPACE);
    BuildMetrics metrics =
        new BuildMetrics(
            new LambdaEnvironment(),
            namespace,
            config.database() + "." + config.destinationTable());
    metrics.warmUp();
    return metrics;
  }

  /**
   * Builds one document of every metric and drops it, so that the library, databind and their
   * classes load during the function's init (which SnapStart snapshots) rather than on the first
   * message.
   */
  void warmUp() {
    BuildResult sample =
        new BuildResult(
            YearMonth.of(2000, 1),
            "warm-up",
            OptionalLong.of(1),
            1,
            1,
            1,
            1,
            1,
            Map.of(Step.QUERY, Duration.ofMillis(1)));
    new BuildMetrics(new DocumentEnvironment(document -> {}), namespace, table)
        .emit(RunSummary.succeeded("warm-up", sample, Duration.ofMillis(1)));
  }

  static String requireNamespace(String variable, String value) {
    if (!NAMESPACE.matcher(value).matches() || value.startsWith("AWS/")) {
      throw new ConfigException(
          variable
              + ": expected a CloudWatch namespace (1 to 255 of letters, digits, "
              + "'.', '-', '_', '/', '#', ':' and spaces, not starting with \"AWS/\"), got \""
              + value
              + "\"");
    }
    return value;
  }

  /** Writes the run's metrics document; call it once per run, whatever its outcome. */
  void emit(RunSummary run) {
    MetricsLogger metrics = new MetricsLogger(environment);
    metrics.setNamespace(namespace);
    // Replaces the library's default dimensions (log group, service name and type).
    metrics.setDimensions(DimensionSet.of(TABLE_DIMENSION, table));
    metrics.putMetric(
        "BuildSucceeded", run.outcome() == RunSummary.Outcome.SUCCEEDED ? 1 : 0, Unit.COUNT);
    metrics.putMetric(
        "BuildFailed", run.outcome() == RunSummary.Outcome.FAILED ? 1 : 0, Unit.COUNT);
    metrics.putMetric("BuildBusy", run.outcome() == RunSummary.Outcome.BUSY ? 1 : 0, Unit.COUNT);
    metrics.putMetric(
        "BuildStillRunning", run.outcome() == RunSummary.Outcome.RUNNING ? 1 : 0, Unit.COUNT);
    metrics.putMetric("Duration", run.duration().toMillis(), Unit.MILLISECONDS);
    metrics.putMetric("BytesScanned", run.bytesScanned(), Unit.BYTES);
    metrics.putMetric("EstimatedCostUSD", run.estimatedCostUsd().doubleValue(), Unit.NONE);
    metrics.putMetric("QueryEngineTime", run.engineMillis(), Unit.MILLISECONDS);
    if (run.rowsWritten().isPresent()) {
      metrics.putMetric("RowsWritten", run.rowsWritten().getAsLong(), Unit.COUNT);
    }
    if (run.outcome() == RunSummary.Outcome.SUCCEEDED) {
      metrics.putMetric("FilesWritten", run.filesCopied(), Unit.COUNT);
      metrics.putMetric("BytesWritten", run.bytesWritten(), Unit.BYTES);
    }
    metrics.putProperty("month", run.month().toString());
    metrics.putProperty("messageId", run.requestKey());
    metrics.putProperty("outcome", run.outcome().label());
    run.queryExecutionId().ifPresent(id -> metrics.putProperty("queryExecutionId", id));
    metrics.putProperty("billedMegabytes", run.billedMegabytes());
    if (!run.steps().isEmpty()) {
      metrics.putProperty("stepMs", run.stepMillis());
    }
    metrics.flush();
  }

  /**
   * An environment that serializes each document as the Lambda's would and hands it to {@code
   * documents}: dropped for the warm-up and for tests not about metrics, captured by tests that
   * are.
   */
  static final class DocumentEnvironment implements Environment {
    private final Consumer<String> documents;

    DocumentEnvironment(Consumer<String> documents) {
      this.documents = requireNonNull(documents, "documents is null");
    }

    @Override
    public boolean probe() {
      return true;
    }

    @Override
    public String getName() {
      return "documents";
    }

    @Override
    public String getType() {
      return "documents";
    }

    @Override
    public String getLogGroupName() {
      return "documents";
    }

    @Override
    public void configureContext(MetricsContext context) {}

    @Override
    public ISink getSink() {
      return new ISink() {
        @Override
        public void accept(MetricsContext context) {
          try {
            context.serialize().forEach(documents);
          } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                "Cannot write a metrics document as JSON: " + e.getMessage(), e);
          }
        }

        @Override
        public CompletableFuture<Void> shutdown() {
          return CompletableFuture.completedFuture(null);
        }
      };
    }
  }
}
