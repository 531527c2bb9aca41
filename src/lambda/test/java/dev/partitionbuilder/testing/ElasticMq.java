package dev.partitionbuilder.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * An in-JVM ElasticMQ server speaking the SQS API on a free port, and an SDK client pointed at it.
 * Start one per test class; each test makes its own queues.
 */
public final class ElasticMq implements AutoCloseable {
  public static final String ACCESS_KEY = "test";
  public static final String SECRET_KEY = "test";

  private final SQSRestServer server;
  private final URI endpoint;
  private final SqsClient client;
  private int queues;

  private ElasticMq(SQSRestServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
    this.client =
        SqsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  public static ElasticMq start() {
    quietLogging();
    // Port 0: the OS picks a free one; the dynamic-port builder also puts it in the queue URLs.
    SQSRestServer server = SQSRestServerBuilder.withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    return new ElasticMq(server, URI.create("http://localhost:" + port));
  }

  /**
   * ElasticMQ logs every start, bind and queue at INFO, and sets Pekko's level to DEBUG in its
   * application.conf. System properties override both (slf4j-simple reads them when a logger is
   * made, Typesafe Config when the actor system loads), without shadowing the project's own
   * simplelogger.properties as a test copy of the file would.
   */
  private static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.log.org.elasticmq", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.pekko", "warn");
    System.setProperty("pekko.loglevel", "WARNING");
    System.setProperty("pekko.stdout-loglevel", "WARNING");
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client on the server, with fake credentials and region us-east-1. */
  public SqsClient client() {
    return client;
  }

  /** A new standard queue; its URL. */
  public String standardQueue() {
    String name = "trigger-" + (++queues);
    return client.createQueue(b -> b.queueName(name)).queueUrl();
  }

  /** A new FIFO queue (content-based deduplication off: the sender gives its own ids); its URL. */
  public String fifoQueue() {
    String name = "trigger-" + (++queues) + ".fifo";
    return client
        .createQueue(
            b ->
                b.queueName(name)
                    .attributes(
                        Map.of(
                            QueueAttributeName.FIFO_QUEUE, "true",
                            QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")))
        .queueUrl();
  }

  /**
   * Every message on the queue, in the order received, each deleted once received (a FIFO group
   * hands out its next message only after the one before is deleted).
   */
  public List<Message> drain(String queueUrl) {
    List<Message> all = new ArrayList<>();
    while (true) {
      ReceiveMessageResponse response =
          client.receiveMessage(
              b ->
                  b.queueUrl(queueUrl)
                      .maxNumberOfMessages(10)
                      .waitTimeSeconds(0)
                      .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
      if (!response.hasMessages() || response.messages().isEmpty()) {
        return all;
      }
      all.addAll(response.messages());
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      for (int i = 0; i < response.messages().size(); i++) {
        deletes.add(
            DeleteMessageBatchRequestEntry.builder()
                .id("d" + i)
                .receiptHandle(response.messages().get(i).receiptHandle())
                .build());
      }
      client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
    }
  }

  @Override
  public void close() {
    client.close();
    server.stopAndWait();
  }
}
