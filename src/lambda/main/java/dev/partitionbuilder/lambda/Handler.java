package dev.partitionbuilder.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.InvalidTriggerException;
import dev.partitionbuilder.core.MonthBusyException;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.QueryStillRunningException;
import dev.partitionbuilder.core.RunSummary;
import dev.partitionbuilder.core.SafeText;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.Trigger;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The Lambda entry point: {@code dev.partitionbuilder.lambda.Handler::handleRequest}, fed by an SQS
 * event source with {@code ReportBatchItemFailures}. Each record is parsed and built on its own; a
 * record that fails (a rejected message included, so that it reaches the dead-letter queue and is
 * seen) comes back as a batch item failure, the others are deleted by Lambda.
 */
public final class Handler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger log = LoggerFactory.getLogger(Handler.class);

  /** MDC keys and log fields; docs/observability.md lists them. */
  static final String MESSAGE_ID = PartitionBuilder.MESSAGE_ID;

  static final String MONTH = PartitionBuilder.MONTH;
  static final String AWS_REQUEST_ID = "AWSRequestId";
  static final String QUERY_EXECUTION_ID = PartitionBuilder.QUERY_EXECUTION_ID;

  /** The {@code event} field of the one summary line per month. */
  static final String SUMMARY_EVENT = "build-summary";

  private final TriggerParser parser;
  private final PartitionBuilder builder;
  private final Duration deadlineMargin;
  private final Clock clock;
  private final BuildMetrics metrics;

  /** Called once per Lambda container: configuration, clients and template are read here. */
  public Handler() {
    this(Config.fromEnvironment(System.getenv()), AwsClients.create(), Clock.systemUTC());
  }

  private Handler(Config config, AwsClients clients, Clock clock) {
    this(
        new TriggerParser(config.scheduleTimeZone(), clock),
        AwsBackend.partitionBuilder(config, clients, clock, Sleeper.SYSTEM),
        config.deadlineMargin(),
        clock,
        BuildMetrics.fromEnvironment(System.getenv(), config));
    // Also the first line through the JSON log provider, so its path loads during init too.
    log.info(
        "ready: builds months of {}.{} under {} with Athena workgroup {}",
        config.database(),
        config.destinationTable(),
        config.layout().location(config.prefix()),
        config.workgroup());
  }

  /** A handler whose metrics documents are dropped, for tests that are not about metrics. */
  Handler(TriggerParser parser, PartitionBuilder builder, Duration deadlineMargin, Clock clock) {
    this(parser, builder, deadlineMargin, clock, BuildMetrics.discarding());
  }

  Handler(
      TriggerParser parser,
      PartitionBuilder builder,
      Duration deadlineMargin,
      Clock clock,
      BuildMetrics metrics) {
    this.parser = requireNonNull(parser, "parser is null");
    this.builder = requireNonNull(builder, "builder is null");
    this.deadlineMargin = requireNonNull(deadlineMargin, "deadlineMargin is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    Instant deadline =
        clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(deadlineMargin);
    List<BatchItemFailure> failures = new ArrayList<>();
    List<SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
    // FIFO keeps order within a message group: after a failure, the later messages of the same
    // group must not overtake it, so they go back unprocessed; other groups go on.
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
    Set<String> failedGroups = new HashSet<>();
    for (SQSMessage message : records) {
      // Every line logged while this record is handled carries these (JSON fields on Lambda).
      // A messageId is SQS's, but the handler is not the place to trust it: escaped wherever it is
      // shown.
      MDC.put(MESSAGE_ID, SafeText.escape(message.getMessageId()));
      if (context.getAwsRequestId() != null) {
        MDC.put(AWS_REQUEST_ID, context.getAwsRequestId());
      }
      try {
        String group = isFifo(message) ? groupOf(message) : null;
        if (group != null && failedGroups.contains(group)) {
          log.warn(
              "messageId={} not processed: an earlier message of its FIFO group {} failed in this batch",
              SafeText.escape(message.getMessageId()),
              SafeText.escape(group));
          failures.add(new BatchItemFailure(message.getMessageId()));
          continue;
        }
        if (!process(message, deadline)) {
          failures.add(new BatchItemFailure(message.getMessageId()));
          if (group != null) {
            failedGroups.add(group);
          }
        }
      } finally {
        MDC.clear();
      }
    }
    return new SQSBatchResponse(failures);
  }

  private boolean process(SQSMessage message, Instant deadline) {
    // The messageId itself goes to the build (the lock's owner, the query token); its escaped form
    // to
    // every line and summary, which a person reads.
    String requestKey = message.getMessageId();
    String id = SafeText.escape(requestKey);
    Trigger trigger;
    try {
      trigger = parser.parse(message.getBody());
    } catch (InvalidTriggerException e) {
      log.error("messageId={} rejected: {}", id, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      // A body the parser should have rejected but could not read: a bug, but one that must fail
      // this record alone and not the batch (which Lambda would retry whole).
      log.atError()
          .setCause(e)
          .log(
              "messageId={} rejected: the body could not be read: {}",
              id,
              SafeText.of(String.valueOf(e)));
      return false;
    }
    MDC.put(MONTH, trigger.month().toString());
    int receives = receiveCount(message);
    log.info(
        "messageId={} month={} trigger={} receiveCount={}",
        id,
        trigger.month(),
        trigger.origin(),
        receives);
    Instant start = clock.instant();
    try {
      BuildResult result =
          builder.build(new BuildRequest(trigger.month(), requestKey, receives > 1, deadline));
      RunSummary run = RunSummary.succeeded(id, result, Duration.between(start, clock.instant()));
      summary(log.atInfo(), run)
          .log(
              "messageId={} month={} queryExecutionId={} done: rows={} filesCopied={} "
                  + "bytesWritten={} oldObjectsDeleted={} bytesScanned={} estimatedCostUsd={}",
              id,
              trigger.month(),
              result.queryExecutionId(),
              result.rowsWritten().isPresent() ? result.rowsWritten().getAsLong() : "unknown",
              result.objectsCopied(),
              result.bytesWritten(),
              result.oldObjectsDeleted(),
              result.bytesScanned(),
              run.estimatedCostUsd().toPlainString());
      emit(run);
      return true;
    } catch (MonthBusyException | QueryStillRunningException e) {
      // Not a failure of the month: another build of it is running, or this one's query is, and
      // this message comes back after the visibility timeout to go on from there.
      return notBuilt(
          log.atWarn(),
          trigger,
          id,
          start,
          e,
          "not built yet, the message will be retried: {}",
          e.getMessage());
    } catch (PartitionBuilderException e) {
      // Our own exceptions say what failed and why in one line; a stack trace would add only noise.
      return notBuilt(log.atError(), trigger, id, start, e, "failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      return notBuilt(
          log.atError().setCause(e),
          trigger,
          id,
          start,
          e,
          "failed unexpectedly: {}",
          SafeText.of(String.valueOf(e)));
    }
  }

  /**
   * Ends a run that threw: its one summary line, its metrics, and false for a batch item failure.
   */
  private boolean notBuilt(
      LoggingEventBuilder line,
      Trigger trigger,
      String id,
      Instant start,
      RuntimeException failure,
      String what,
      Object detail) {
    RunSummary run =
        RunSummary.failed(trigger.month(), id, failure, Duration.between(start, clock.instant()));
    summary(line, run).log("messageId={} month={} " + what, id, trigger.month(), detail);
    emit(run);
    return false;
  }

  /**
   * The month's one summary line (docs/observability.md): what the run did and cost, as fields. It
   * replaces the plain done/failed line, so a month still ends in exactly one line.
   */
  private static LoggingEventBuilder summary(LoggingEventBuilder line, RunSummary run) {
    LoggingEventBuilder summary =
        line.addKeyValue("event", SUMMARY_EVENT)
            .addKeyValue("outcome", run.outcome().label())
            .addKeyValue("durationMs", run.duration().toMillis())
            .addKeyValue("bytesScanned", run.bytesScanned())
            .addKeyValue("billedMegabytes", run.billedMegabytes())
            .addKeyValue("estimatedCostUsd", run.estimatedCostUsd())
            .addKeyValue("queryEngineMs", run.engineMillis());
    if (run.queryExecutionId().isPresent()) {
      summary = summary.addKeyValue(QUERY_EXECUTION_ID, run.queryExecutionId().get());
    }
    if (run.rowsWritten().isPresent()) {
      summary = summary.addKeyValue("rowsWritten", run.rowsWritten().getAsLong());
    }
    if (run.outcome() == RunSummary.Outcome.SUCCEEDED) {
      summary =
          summary
              .addKeyValue("filesCopied", run.filesCopied())
              .addKeyValue("bytesWritten", run.bytesWritten())
              .addKeyValue("oldObjectsDeleted", run.oldObjectsDeleted())
              .addKeyValue("stepMs", run.stepMillis());
    }
    if (run.error().isPresent()) {
      summary = summary.addKeyValue("error", run.error().get());
    }
    return summary;
  }

  /**
   * Metrics are how the run is watched, not part of it: a failure to write them never fails the
   * message.
   */
  private void emit(RunSummary run) {
    try {
      metrics.emit(run);
    } catch (RuntimeException e) {
      log.warn(
          "messageId={} month={} the run's metrics could not be written: {}",
          run.requestKey(),
          run.month(),
          SafeText.of(e.toString()),
          e);
    }
  }

  private static int receiveCount(SQSMessage message) {
    Map<String, String> attributes = message.getAttributes();
    String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
    try {
      return count == null ? 1 : Integer.parseInt(count);
    } catch (NumberFormatException e) {
      log.warn(
          "messageId={} has an unreadable ApproximateReceiveCount {}; taking it as a redelivery",
          SafeText.escape(message.getMessageId()),
          SafeText.quote(count));
      return 2;
    }
  }

  /**
   * The message's group; a FIFO message without one (never sent by SQS) counts as one shared group.
   */
  private static String groupOf(SQSMessage message) {
    Map<String, String> attributes = message.getAttributes();
    String group = attributes == null ? null : attributes.get("MessageGroupId");
    return group == null ? "" : group;
  }

  private static boolean isFifo(SQSMessage message) {
    String arn = message.getEventSourceArn();
    return arn != null && arn.endsWith(".fifo");
  }
}
