package dev.partitionbuilder.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * A trigger queue with its dead-letter queue, made as template.yml makes them: the queue's
 * RedrivePolicy sends a message to the dead-letter queue once it has been received {@code
 * maxReceiveCount} times without being deleted. A name ending in {@code .fifo} makes both queues
 * FIFO (a FIFO queue's dead-letter queue must be FIFO too).
 */
public record RedrivenQueue(SqsClient sqs, String url, String deadLetterUrl) {
  public RedrivenQueue {
    requireNonNull(sqs, "sqs is null");
    requireNonNull(url, "url is null");
    requireNonNull(deadLetterUrl, "deadLetterUrl is null");
  }

  public static RedrivenQueue create(
      SqsClient sqs, String name, int maxReceiveCount, Duration visibilityTimeout) {
    boolean fifo = name.endsWith(".fifo");
    String deadLetterName =
        fifo ? name.substring(0, name.length() - ".fifo".length()) + "-dlq.fifo" : name + "-dlq";
    String deadLetterUrl =
        sqs.createQueue(b -> b.queueName(deadLetterName).attributes(fifo(fifo, Map.of())))
            .queueUrl();
    String deadLetterArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String redrive =
        "{\"deadLetterTargetArn\":\""
            + deadLetterArn
            + "\",\"maxReceiveCount\":\""
            + maxReceiveCount
            + "\"}";
    String url =
        sqs.createQueue(
                b ->
                    b.queueName(name)
                        .attributes(
                            fifo(
                                fifo,
                                Map.of(
                                    QueueAttributeName.VISIBILITY_TIMEOUT,
                                    String.valueOf(visibilityTimeout.toSeconds()),
                                    QueueAttributeName.REDRIVE_POLICY,
                                    redrive))))
            .queueUrl();
    return new RedrivenQueue(sqs, url, deadLetterUrl);
  }

  private static Map<QueueAttributeName, String> fifo(
      boolean fifo, Map<QueueAttributeName, String> attributes) {
    Map<QueueAttributeName, String> all = new HashMap<>(attributes);
    if (fifo) {
      all.put(QueueAttributeName.FIFO_QUEUE, "true");
      all.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
    }
    return all;
  }

  /**
   * Sends a body; on a FIFO queue into {@code group}, ignored on a standard queue. Returns the
   * messageId.
   */
  public String send(String body, String group) {
    return sqs.sendMessage(
            b -> {
              b.queueUrl(url).messageBody(body);
              if (url.endsWith(".fifo")) {
                b.messageGroupId(group).messageDeduplicationId(UUID.randomUUID().toString());
              }
            })
        .messageId();
  }

  /** Messages waiting to be received: ApproximateNumberOfMessages. */
  public int waiting() {
    return count(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  /**
   * Messages received and neither deleted nor visible again yet:
   * ApproximateNumberOfMessagesNotVisible.
   */
  public int inFlight() {
    return count(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
  }

  /** Messages on the dead-letter queue: its ApproximateNumberOfMessages. */
  public int deadLettered() {
    return count(deadLetterUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  /** Every message on the dead-letter queue, received once and left there. */
  public List<Message> deadLetters() {
    List<Message> all = new ArrayList<>();
    while (true) {
      ReceiveMessageResponse response =
          sqs.receiveMessage(
              b ->
                  b.queueUrl(deadLetterUrl)
                      .maxNumberOfMessages(10)
                      .waitTimeSeconds(0)
                      .visibilityTimeout(30)
                      .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
      if (!response.hasMessages() || response.messages().isEmpty()) {
        return all;
      }
      all.addAll(response.messages());
    }
  }

  private int count(String queue, QueueAttributeName attribute) {
    return Integer.parseInt(
        sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(attribute))
            .attributes()
            .get(attribute));
  }
}
