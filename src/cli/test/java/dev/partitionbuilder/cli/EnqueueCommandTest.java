package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.testing.ElasticMq;
import dev.partitionbuilder.testing.SavedSystemProperties;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

class EnqueueCommandTest {
  private static final List<String> FIFTEEN =
      Stream.iterate(
              YearMonth.of(2023, 11), m -> !m.isAfter(YearMonth.of(2025, 1)), m -> m.plusMonths(1))
          .map(YearMonth::toString)
          .toList();

  /** The SDK reads credentials and region from system properties when the environment has none. */
  private static final List<String> SDK_PROPERTIES =
      List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.region");

  private static SavedSystemProperties savedProperties;

  private static ElasticMq sqs;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startSqs() {
    savedProperties = SavedSystemProperties.save(SDK_PROPERTIES);
    System.setProperty("aws.accessKeyId", ElasticMq.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", ElasticMq.SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
    sqs = ElasticMq.start();
  }

  @AfterAll
  static void stopSqs() {
    sqs.close();
    savedProperties.restore();
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private int enqueue(String queue, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "enqueue",
                "--from",
                "2023-11",
                "--to",
                "2025-01",
                "--queue-url",
                queue,
                "--endpoint-url",
                sqs.endpoint().toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void enqueueSendsOneMessagePerMonthAndListsEachMonthWithItsMessageId() {
    String queue = sqs.standardQueue();

    int code = enqueue(queue);

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).isEmpty();
    List<Message> received = sqs.drain(queue);
    TriggerParser parser = new TriggerParser(ZoneOffset.UTC, Clock.systemUTC());
    List<String> expected = new ArrayList<>();
    for (String month : FIFTEEN) {
      Message message =
          received.stream()
              .filter(m -> parser.parse(m.body()).month().toString().equals(month))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no message for " + month));
      expected.add(month + " " + message.messageId());
    }
    expected.add("sent 15 message(s) to " + queue);
    assertThat(received).hasSize(15);
    assertThat(out.toString().lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void eachRunToAFifoQueueIsANewMessageInTheMonthsGroup() {
    String queue = sqs.fifoQueue();

    assertThat(enqueue(queue)).isZero();
    assertThat(enqueue(queue)).isZero();

    Map<String, Long> perGroup =
        sqs.drain(queue).stream()
            .collect(
                Collectors.groupingBy(
                    m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                    Collectors.counting()));
    assertThat(perGroup)
        .hasSize(15)
        .containsOnlyKeys(FIFTEEN)
        .allSatisfy((group, count) -> assertThat(count).isEqualTo(2));
  }

  @Test
  void dryRunPrintsEachBodyAndSendsNothing() {
    String queue = sqs.standardQueue();

    int code =
        run(
            "enqueue",
            "--from",
            "2024-11",
            "--to",
            "2025-01",
            "--queue-url",
            queue,
            "--endpoint-url",
            sqs.endpoint().toString(),
            "--dry-run");

    assertThat(code).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "2024-11 {\"month\": 11, \"year\": 2024}",
            "2024-12 {\"month\": 12, \"year\": 2024}",
            "2025-01 {\"month\": 1, \"year\": 2025}",
            "dry run: 3 message(s) not sent to " + queue);
    assertThat(sqs.drain(queue)).isEmpty();
  }

  @Test
  void dryRunNeedsNoQueueUrl() {
    int code = run("enqueue", "--from", "2024-12", "--to", "2025-01", "--dry-run");

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString().lines())
        .containsExactly(
            "2024-12 {\"month\": 12, \"year\": 2024}",
            "2025-01 {\"month\": 1, \"year\": 2025}",
            "dry run: 2 message(s) not sent (no --queue-url given)");
  }

  @Test
  void sendingWithoutAQueueUrlSaysWhatToPassInOneLine() {
    int code = run("enqueue", "--from", "2024-12", "--to", "2025-01");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Cannot send 2 message(s): no "
                + "--queue-url was given: pass the trigger queue's URL, such as "
                + "https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder (or --dry-run to print the messages only)");
  }

  @Test
  void aRangeOfMoreThanTenYearsIsRefusedUnlessConfirmedWithYes() {
    int code = run("enqueue", "--from", "1900-01", "--to", "2026-12", "--dry-run");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: Refusing --from 1900-01 --to "
                + "2026-12: that is 1,524 months, more than 120 (ten years): check the range, or pass --yes to send a message "
                + "for each of them");

    assertThat(run("enqueue", "--from", "1900-01", "--to", "2026-12", "--dry-run", "--yes"))
        .isZero();
    assertThat(out.toString().lines())
        .hasSize(1_525)
        .endsWith("dry run: 1524 message(s) not sent (no --queue-url given)");
  }

  @Test
  void tenYearsNeedNoYes() {
    assertThat(run("enqueue", "--from", "2015-01", "--to", "2024-12", "--dry-run")).isZero();

    assertThat(out.toString().lines()).hasSize(121);
  }

  @Test
  void exitsOneAndNamesTheMonthsNotSentAsRangesWhenTheQueueDoesNotExist() {
    String missing = sqs.endpoint() + "/000000000000/no-such-queue";

    int code = enqueue(missing);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines()).containsExactly("sent 0 message(s) to " + missing);
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith(
            "partition-builder: 2023-11..2024-08 not sent: SendMessageBatch to "
                + missing
                + " failed: ")
        .contains("The specified queue does not exist");
    assertThat(lines.get(1))
        .isEqualTo(
            "partition-builder: 2024-09..2025-01 not sent: stopped after SendMessageBatch failed for 2023-11..2024-08");
    assertThat(lines.get(2)).isEqualTo("partition-builder: 15 of 15 month(s) not sent");
  }

  @Test
  void exitsOneAndNamesTheMonthAndSqsErrorWhenOneEntryIsRejected() {
    SqsClient client = mock(SqsClient.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));
    doAnswer(
            call -> {
              SendMessageBatchRequest request = call.getArgument(0);
              SendMessageBatchResponse.Builder response = SendMessageBatchResponse.builder();
              List<SendMessageBatchResultEntry> ok = new ArrayList<>();
              for (SendMessageBatchRequestEntry entry : request.entries()) {
                if (entry.id().equals("2024-02")) {
                  response.failed(
                      BatchResultErrorEntry.builder()
                          .id(entry.id())
                          .senderFault(true)
                          .code("AccessDenied")
                          .message("not authorized to send")
                          .build());
                } else {
                  ok.add(
                      SendMessageBatchResultEntry.builder()
                          .id(entry.id())
                          .messageId("m-" + entry.id())
                          .build());
                }
              }
              return response.successful(ok).build();
            })
        .when(client)
        .sendMessageBatch(any(SendMessageBatchRequest.class));
    CommandLine cli =
        new CommandLine(
            new EnqueueCommand(endpoint -> client),
            new EnvironmentFactory(Map.of(), Interruptions.none()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "--from",
            "2024-01",
            "--to",
            "2024-03",
            "--queue-url",
            "https://sqs.us-east-1.amazonaws.com/123456789012/trigger");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines())
        .containsExactly(
            "2024-01 m-2024-01",
            "2024-03 m-2024-03",
            "sent 2 message(s) to https://sqs.us-east-1.amazonaws.com/123456789012/trigger");
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: 2024-02 not sent: AccessDenied: not authorized to send (sender fault)",
            "partition-builder: 1 of 3 month(s) not sent");
  }

  @Test
  void exitsTwoWithOneLineWhenToIsBeforeFrom() {
    int code =
        run("enqueue", "--from", "2024-03", "--to", "2024-01", "--queue-url", sqs.standardQueue());

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly("partition-builder: error: --to 2024-01 is before --from 2024-03");
  }

  @Test
  void exitsTwoWithOneLineForAMonthThatHasNotStarted() {
    int code =
        run("enqueue", "--from", "2024-01", "--to", "9999-12", "--queue-url", sqs.standardQueue());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("partition-builder: error: month 9999-12 has not started yet");
  }

  @Test
  void exitsTwoWithOneLineForAMonthNotWrittenYyyyMm() {
    int code =
        run("enqueue", "--from", "2024-1", "--to", "2024-03", "--queue-url", sqs.standardQueue());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: month \"2024-1\" is not in the form YYYY-MM, such as 2024-03");
  }

  @Test
  void exitsTwoWithOneLineForAQueueUrlThatIsNotAUrl() {
    int code =
        run("enqueue", "--from", "2024-01", "--to", "2024-03", "--queue-url", "trigger-queue");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: error: --queue-url \"trigger-queue\": "
                + "expected a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder");
  }
}
