package dev.partitionbuilder.testing;

import static java.util.Objects.requireNonNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Plays Lambda's SQS event source mapping with {@code ReportBatchItemFailures}, one poll at a time:
 * ReceiveMessage with every system attribute (so ApproximateReceiveCount, and on a FIFO queue
 * MessageGroupId, are the queue's own), the messages turned into an {@link SQSEvent} as Lambda
 * builds it, one invocation, then DeleteMessageBatch for every record the response does not name. A
 * named record is left alone: it comes back when its visibility timeout ends, and the queue's
 * redrive policy moves it to the dead-letter queue after {@code maxReceiveCount} receives.
 *
 * <p>As Lambda does, a response naming an id that is not in the batch, or an empty or null id,
 * fails the whole batch: nothing is deleted.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
public final class SqsEventSource {
  /** The event source mapping's default BatchSize, and ReceiveMessage's maximum. */
  static final int BATCH_SIZE = 10;

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
  private final Context context = mock(Context.class);

  public SqsEventSource(
      SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
    this.sqs = requireNonNull(sqs, "sqs is null");
    this.queueUrl = requireNonNull(queueUrl, "queueUrl is null");
    this.handler = requireNonNull(handler, "handler is null");
    this.queueArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    // The function's full 15 minutes: no test here is about the deadline.
    when(context.getRemainingTimeInMillis()).thenReturn(900_000);
  }

  /**
   * What one poll did: the records the handler was given, in order, and the ids it reported as
   * failed and the ids that were then deleted.
   */
  public record Poll(List<SQSMessage> records, List<String> failed, List<String> deleted) {
    public Poll {
      records = List.copyOf(records);
      failed = List.copyOf(failed);
      deleted = List.copyOf(deleted);
    }

    public List<String> ids() {
      return records.stream().map(SQSMessage::getMessageId).toList();
    }

    public List<String> bodies() {
      return records.stream().map(SQSMessage::getBody).toList();
    }

    /** Each record's ApproximateReceiveCount, as the handler read it. */
    public List<Integer> receiveCounts() {
      return records.stream()
          .map(r -> Integer.parseInt(r.getAttributes().get("ApproximateReceiveCount")))
          .toList();
    }
  }

  /**
   * Receives one batch, waiting up to {@code wait} (whole seconds, long polling) for a message, and
   * invokes the handler with it. Without a message there is no invocation and the poll is empty.
   */
  public Poll poll(Duration wait) {
    ReceiveMessageResponse received =
        sqs.receiveMessage(
            b ->
                b.queueUrl(queueUrl)
                    .maxNumberOfMessages(BATCH_SIZE)
                    .waitTimeSeconds((int) wait.toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"));
    if (!received.hasMessages() || received.messages().isEmpty()) {
      return new Poll(List.of(), List.of(), List.of());
    }
    List<SQSMessage> records = received.messages().stream().map(this::record).toList();
    SQSEvent event = new SQSEvent();
    event.setRecords(records);

    // A handler that throws would leave the whole batch on the queue in Lambda; here the exception
    // reaches the test instead, with its cause: the handler reports failures, it never throws.
    SQSBatchResponse response = handler.handleRequest(event, context);
    List<String> all = records.stream().map(SQSMessage::getMessageId).toList();
    List<String> named =
        response == null || response.getBatchItemFailures() == null
            ? List.of()
            : response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    List<String> failed =
        named.stream().allMatch(id -> id != null && all.contains(id)) ? named : all;

    Set<String> kept = Set.copyOf(failed);
    List<Message> toDelete =
        received.messages().stream().filter(m -> !kept.contains(m.messageId())).toList();
    delete(toDelete);
    return new Poll(records, failed, toDelete.stream().map(Message::messageId).toList());
  }

  /**
   * A record as Lambda puts it in the event: the message, its system attributes by name, and where
   * it came from.
   */
  private SQSMessage record(Message message) {
    SQSMessage record = new SQSMessage();
    record.setMessageId(message.messageId());
    record.setReceiptHandle(message.receiptHandle());
    record.setBody(message.body());
    record.setMd5OfBody(message.md5OfBody());
    record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
    record.setAttributes(Map.copyOf(message.attributesAsStrings()));
    Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
    message.messageAttributes().forEach((name, value) -> attributes.put(name, attribute(value)));
    record.setMessageAttributes(attributes);
    record.setEventSource("aws:sqs");
    record.setEventSourceArn(queueArn);
    // arn:aws:sqs:<region>:<account>:<name>
    record.setAwsRegion(queueArn.split(":")[3]);
    return record;
  }

  private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
    SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
    attribute.setDataType(value.dataType());
    attribute.setStringValue(value.stringValue());
    if (value.binaryValue() != null) {
      attribute.setBinaryValue(value.binaryValue().asByteBuffer());
    }
    return attribute;
  }

  private void delete(List<Message> messages) {
    for (int from = 0; from < messages.size(); from += BATCH_SIZE) {
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
      for (Message message : messages.subList(from, Math.min(messages.size(), from + BATCH_SIZE))) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id("d" + entries.size())
                .receiptHandle(message.receiptHandle())
                .build());
      }
      DeleteMessageBatchResponse response =
          sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      if (!response.failed().isEmpty()) {
        throw new AssertionError("DeleteMessageBatch failed for " + response.failed());
      }
    }
  }
}
