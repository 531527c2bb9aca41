package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Sends one trigger message per month, {@code {"month": M, "year": YYYY}}, to the Lambda's queue:
 * the backfill path, so a range of months is rebuilt by the same Lambda as the monthly schedule.
 *
 * <p>Months go out in SendMessageBatch calls of at most 10 entries (SQS's limit), in the order
 * given. The entry id is the month ({@code 2024-03}), unique within a call because the months are.
 * A failed send never throws: the {@link Result} names every month that was not sent and why. An
 * entry that failed with {@code SenderFault=false} (a server-side error) is sent once more in a
 * second call before it is given up; an entry that failed by our fault is not, since it would fail
 * again. A call that fails as a whole (after the client's own retries) stops the run: the months of
 * that call and every later month are reported as not sent.
 *
 * <p><b>FIFO queues</b> (URL ending in {@code .fifo}):
 *
 * <ul>
 *   <li>{@code MessageGroupId} is the month. SQS hands a FIFO group's messages to the Lambda one at
 *       a time, so two rebuilds of the same month (a backfill and the schedule, or two backfills)
 *       never run at once and clobber each other's partition, while different months still build in
 *       parallel.
 *   <li>{@code MessageDeduplicationId} is the month plus the run id, such as {@code
 *       2024-03-5f0c...}. A call retried within the run (by the SDK after a timeout, or the one
 *       retry above) carries the same id, so SQS drops the copy within its 5-minute deduplication
 *       window; a new run of the same backfill has a new run id, so it is a new message and the
 *       months are rebuilt again, which is what re-running a backfill asks for. Because the id is
 *       explicit, the queue's {@code ContentBasedDeduplication} setting is not used (a content hash
 *       would wrongly drop a deliberate re-run within 5 minutes).
 * </ul>
 *
 * See <a
 * href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html">
 * Using the message deduplication ID</a> and <a
 * href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html">SendMessageBatch</a>.
 */
final class SqsMonthSender {
  /** SendMessageBatch takes at most 10 entries a call. */
  static final int MAX_BATCH_ENTRIES = 10;

  /** The deduplication id is at most 128 characters; the month and its dash take 8. */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,120}");

  private final SqsClient sqs;

  SqsMonthSender(SqsClient sqs) {
    this.sqs = requireNonNull(sqs, "sqs is null");
  }

  /** A month that was sent, with the messageId SQS gave it. */
  record Sent(YearMonth month, String messageId) {
    Sent {
      requireNonNull(month, "month is null");
      requireNonNull(messageId, "messageId is null");
    }
  }

  /** A month that was not sent, and why (SQS's error code and message, or the failed call's). */
  record Failed(YearMonth month, String reason) {
    Failed {
      requireNonNull(month, "month is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /**
   * What happened to each month: every month given is in exactly one of {@code sent} and {@code
   * failed}, each list in the order the months were given.
   */
  record Result(List<Sent> sent, List<Failed> failed) {
    Result {
      sent = List.copyOf(sent);
      failed = List.copyOf(failed);
    }

    boolean allSent() {
      return failed.isEmpty();
    }
  }

  /** The message body for a month, exactly as TriggerParser reads it. */
  static String body(YearMonth month) {
    return String.format(
        Locale.ROOT, "{\"month\": %d, \"year\": %d}", month.getMonthValue(), month.getYear());
  }

  static boolean isFifo(String queueUrl) {
    return queueUrl.endsWith(".fifo");
  }

  /**
   * Sends one message per month.
   *
   * @param runId identifies this run in FIFO deduplication ids: 1–120 letters, digits, {@code _} or
   *     {@code -}
   * @param onSent called after each call with the number of months sent so far
   */
  Result send(String queueUrl, List<YearMonth> months, String runId, IntConsumer onSent) {
    requireNonNull(queueUrl, "queueUrl is null");
    requireNonNull(months, "months is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(onSent, "onSent is null");
    if (!RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "runId must be 1 to 120 letters, digits, _ or -, got \"" + runId + "\"");
    }
    if (new HashSet<>(months).size() != months.size()) {
      throw new IllegalArgumentException(
          "months must be distinct (they are the batch entry ids), got " + months);
    }
    boolean fifo = isFifo(queueUrl);
    List<Sent> sent = new ArrayList<>();
    List<Failed> failed = new ArrayList<>();
    for (int from = 0; from < months.size(); from += MAX_BATCH_ENTRIES) {
      List<YearMonth> batch =
          months.subList(from, Math.min(months.size(), from + MAX_BATCH_ENTRIES));
      Map<String, SendMessageBatchRequestEntry> entries = new LinkedHashMap<>();
      for (YearMonth month : batch) {
        entries.put(month.toString(), entry(month, fifo, runId));
      }
      Optional<String> callError = sendBatch(queueUrl, entries, sent, failed);
      onSent.accept(sent.size());
      if (callError.isPresent()) {
        // The client has already retried the call: what failed it will fail the next one too.
        String skipped =
            "stopped after SendMessageBatch failed for "
                + batch.get(0)
                + ".."
                + batch.get(batch.size() - 1);
        Set<YearMonth> done = new HashSet<>();
        sent.forEach(s -> done.add(s.month()));
        failed.forEach(f -> done.add(f.month()));
        for (YearMonth month : months.subList(from, months.size())) {
          if (!done.contains(month)) {
            failed.add(new Failed(month, batch.contains(month) ? callError.get() : skipped));
          }
        }
        break;
      }
    }
    // Back in the order the months were given, whatever order the responses came in.
    sent.sort(Comparator.comparingInt(s -> months.indexOf(s.month())));
    failed.sort(Comparator.comparingInt(f -> months.indexOf(f.month())));
    return new Result(sent, failed);
  }

  /**
   * One call for the entries, and one more for those that failed by the server's fault. Returns the
   * error of a call that failed as a whole; its entries are then neither sent nor failed.
   */
  private Optional<String> sendBatch(
      String queueUrl,
      Map<String, SendMessageBatchRequestEntry> entries,
      List<Sent> sent,
      List<Failed> failed) {
    Map<String, SendMessageBatchRequestEntry> pending = entries;
    for (int attempt = 1; attempt <= 2 && !pending.isEmpty(); attempt++) {
      List<SendMessageBatchRequestEntry> request = List.copyOf(pending.values());
      SendMessageBatchResponse response;
      try {
        response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(request));
      } catch (SdkException e) {
        // The service's message does not carry its error code; the code is what one looks up.
        String code =
            e instanceof AwsServiceException ase
                    && ase.awsErrorDetails() != null
                    && ase.awsErrorDetails().errorCode() != null
                ? ase.awsErrorDetails().errorCode() + ": "
                : "";
        return Optional.of("SendMessageBatch to " + queueUrl + " failed: " + code + e.getMessage());
      }
      Map<String, SendMessageBatchRequestEntry> retry = new LinkedHashMap<>();
      Map<String, SendMessageBatchRequestEntry> unanswered = new LinkedHashMap<>(pending);
      for (SendMessageBatchResultEntry ok : response.successful()) {
        if (unanswered.remove(ok.id()) != null) {
          sent.add(new Sent(YearMonth.parse(ok.id()), ok.messageId()));
        }
      }
      for (BatchResultErrorEntry error : response.failed()) {
        SendMessageBatchRequestEntry entry = unanswered.remove(error.id());
        if (entry == null) {
          continue;
        }
        if (attempt == 1 && Boolean.FALSE.equals(error.senderFault())) {
          retry.put(error.id(), entry);
        } else {
          failed.add(new Failed(YearMonth.parse(error.id()), describe(error, attempt)));
        }
      }
      // An entry in neither list is a broken response; it must not pass for sent.
      for (String id : unanswered.keySet()) {
        failed.add(
            new Failed(YearMonth.parse(id), "SendMessageBatch returned no result for entry " + id));
      }
      pending = retry;
    }
    return Optional.empty();
  }

  private static SendMessageBatchRequestEntry entry(YearMonth month, boolean fifo, String runId) {
    SendMessageBatchRequestEntry.Builder entry =
        SendMessageBatchRequestEntry.builder().id(month.toString()).messageBody(body(month));
    if (fifo) {
      entry.messageGroupId(month.toString()).messageDeduplicationId(month + "-" + runId);
    }
    return entry.build();
  }

  private static String describe(BatchResultErrorEntry error, int attempt) {
    String fault =
        error.senderFault() == null
            ? "fault not stated"
            : error.senderFault() ? "sender fault" : "server fault";
    return error.code()
        + (error.message() == null ? "" : ": " + error.message())
        + " ("
        + fault
        + (attempt > 1 ? ", failed again when retried once" : "")
        + ")";
  }
}
