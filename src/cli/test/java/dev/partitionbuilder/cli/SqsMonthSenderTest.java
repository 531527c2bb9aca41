package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

class SqsMonthSenderTest {
  private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/trigger";
  private static final String FIFO =
      "https://sqs.us-east-1.amazonaws.com/123456789012/trigger.fifo";
  private static final List<YearMonth> FIFTEEN =
      months(YearMonth.of(2023, 11), YearMonth.of(2025, 1));

  /**
   * The client's default methods run, so the Consumer overload the sender calls reaches the stubbed
   * request one.
   */
  private final SqsClient sqs =
      mock(SqsClient.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));

  private final SqsMonthSender sender = new SqsMonthSender(sqs);

  /** Per call: entry id -> the error that entry gets (entries not named succeed). */
  private final List<Map<String, BatchResultErrorEntry>> errorsPerCall = new ArrayList<>();

  private final List<Integer> progress = new ArrayList<>();

  @Test
  void sendsFifteenMonthsInCallsOfTenAndFiveWithTheMonthAsUniqueEntryId() {
    answer(List.of());

    SqsMonthSender.Result result = sender.send(QUEUE, FIFTEEN, "run-1", progress::add);

    List<SendMessageBatchRequest> calls = calls();
    assertThat(calls).extracting(c -> c.entries().size()).containsExactly(10, 5);
    assertThat(calls)
        .allSatisfy(
            c -> {
              assertThat(c.queueUrl()).isEqualTo(QUEUE);
              assertThat(c.entries())
                  .extracting(SendMessageBatchRequestEntry::id)
                  .doesNotHaveDuplicates();
            });
    assertThat(calls.stream().flatMap(c -> c.entries().stream()))
        .extracting(SendMessageBatchRequestEntry::id, SendMessageBatchRequestEntry::messageBody)
        .containsExactlyElementsOf(
            FIFTEEN.stream()
                .map(
                    m ->
                        tuple(
                            m.toString(),
                            "{\"month\": "
                                + m.getMonthValue()
                                + ", \"year\": "
                                + m.getYear()
                                + "}"))
                .toList());
    assertThat(result.allSent()).isTrue();
    assertThat(result.sent())
        .extracting(SqsMonthSender.Sent::month)
        .containsExactlyElementsOf(FIFTEEN);
    assertThat(result.sent())
        .extracting(SqsMonthSender.Sent::messageId)
        .first()
        .isEqualTo("id-2023-11");
    assertThat(progress).containsExactly(10, 15);
  }

  @Test
  void aStandardQueueGetsNeitherGroupNorDeduplicationId() {
    answer(List.of());

    sender.send(QUEUE, List.of(YearMonth.of(2024, 3)), "run-1", n -> {});

    SendMessageBatchRequestEntry entry = calls().get(0).entries().get(0);
    assertThat(entry.messageGroupId()).isNull();
    assertThat(entry.messageDeduplicationId()).isNull();
  }

  @Test
  void aFifoQueueGetsTheMonthAsGroupAndTheMonthPlusRunIdAsDeduplicationId() {
    answer(List.of());

    sender.send(FIFO, List.of(YearMonth.of(2024, 3), YearMonth.of(2024, 4)), "run-1", n -> {});

    assertThat(calls().get(0).entries())
        .extracting(
            SendMessageBatchRequestEntry::messageGroupId,
            SendMessageBatchRequestEntry::messageDeduplicationId)
        .containsExactly(tuple("2024-03", "2024-03-run-1"), tuple("2024-04", "2024-04-run-1"));
  }

  @Test
  void anEntryRejectedBySenderFaultIsReportedWithSqsCodeAndMessageAndNotRetried() {
    answer(
        List.of(
            Map.of(
                "2024-05",
                error("2024-05", true, "InvalidParameterValue", "Message must be shorter"))));

    SqsMonthSender.Result result = sender.send(QUEUE, FIFTEEN, "run-1", n -> {});

    assertThat(calls()).hasSize(2);
    assertThat(result.allSent()).isFalse();
    assertThat(result.sent())
        .hasSize(14)
        .extracting(SqsMonthSender.Sent::month)
        .doesNotContain(YearMonth.of(2024, 5));
    assertThat(result.failed())
        .containsExactly(
            new SqsMonthSender.Failed(
                YearMonth.of(2024, 5),
                "InvalidParameterValue: Message must be shorter (sender fault)"));
  }

  @Test
  void anEntryThatFailedByServerFaultIsRetriedOnceAloneWithTheSameDeduplicationId() {
    answer(
        List.of(
            Map.of("2024-05", error("2024-05", false, "InternalError", "try again")), Map.of()));

    SqsMonthSender.Result result = sender.send(FIFO, FIFTEEN, "run-1", n -> {});

    List<SendMessageBatchRequest> calls = calls();
    assertThat(calls).extracting(c -> c.entries().size()).containsExactly(10, 1, 5);
    SendMessageBatchRequestEntry retried = calls.get(1).entries().get(0);
    assertThat(retried)
        .isEqualTo(
            calls.get(0).entries().stream()
                .filter(e -> e.id().equals("2024-05"))
                .findFirst()
                .get());
    assertThat(retried.messageDeduplicationId()).isEqualTo("2024-05-run-1");
    assertThat(result.allSent()).isTrue();
    assertThat(result.sent())
        .extracting(SqsMonthSender.Sent::month)
        .containsExactlyElementsOf(FIFTEEN);
  }

  @Test
  void anEntryThatFailsByServerFaultTwiceIsReportedAsFailedAfterTheRetry() {
    BatchResultErrorEntry internal = error("2024-05", false, "InternalError", "try again");
    answer(List.of(Map.of("2024-05", internal), Map.of("2024-05", internal)));

    SqsMonthSender.Result result = sender.send(QUEUE, FIFTEEN, "run-1", n -> {});

    assertThat(calls()).extracting(c -> c.entries().size()).containsExactly(10, 1, 5);
    assertThat(result.failed())
        .containsExactly(
            new SqsMonthSender.Failed(
                YearMonth.of(2024, 5),
                "InternalError: try again (server fault, failed again when retried once)"));
  }

  @Test
  void aCallThatFailsStopsTheRunAndEveryMonthNotSentIsReportedWithTheReason() {
    List<YearMonth> months = months(YearMonth.of(2022, 1), YearMonth.of(2023, 12));
    doAnswer(call -> respond(call.getArgument(0), Map.of()))
        .doThrow(
            QueueDoesNotExistException.builder()
                .message("The specified queue does not exist.")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist").build())
                .build())
        .when(sqs)
        .sendMessageBatch(any(SendMessageBatchRequest.class));

    SqsMonthSender.Result result = sender.send(QUEUE, months, "run-1", progress::add);

    assertThat(calls()).hasSize(2);
    assertThat(result.sent())
        .extracting(SqsMonthSender.Sent::month)
        .containsExactlyElementsOf(months.subList(0, 10));
    assertThat(result.failed())
        .extracting(SqsMonthSender.Failed::month)
        .containsExactlyElementsOf(months.subList(10, 24));
    assertThat(result.failed().get(0).reason())
        .startsWith(
            "SendMessageBatch to "
                + QUEUE
                + " failed: "
                + "QueueDoesNotExist: The specified queue does not exist.");
    assertThat(result.failed().get(9).reason()).isEqualTo(result.failed().get(0).reason());
    assertThat(result.failed().get(10).reason())
        .isEqualTo("stopped after SendMessageBatch failed for 2022-11..2023-08");
    assertThat(progress).containsExactly(10, 10);
  }

  /** Each call in turn gets the next map of entry errors; calls beyond them all succeed. */
  private void answer(List<Map<String, BatchResultErrorEntry>> errors) {
    errorsPerCall.addAll(errors);
    doAnswer(
            call ->
                respond(
                    call.getArgument(0),
                    errorsPerCall.isEmpty() ? Map.of() : errorsPerCall.remove(0)))
        .when(sqs)
        .sendMessageBatch(any(SendMessageBatchRequest.class));
  }

  private static SendMessageBatchResponse respond(
      SendMessageBatchRequest request, Map<String, BatchResultErrorEntry> errors) {
    List<SendMessageBatchResultEntry> ok = new ArrayList<>();
    List<BatchResultErrorEntry> failed = new ArrayList<>();
    for (SendMessageBatchRequestEntry entry : request.entries()) {
      if (errors.containsKey(entry.id())) {
        failed.add(errors.get(entry.id()));
      } else {
        ok.add(
            SendMessageBatchResultEntry.builder()
                .id(entry.id())
                .messageId("id-" + entry.id())
                .build());
      }
    }
    return SendMessageBatchResponse.builder().successful(ok).failed(failed).build();
  }

  private List<SendMessageBatchRequest> calls() {
    ArgumentCaptor<SendMessageBatchRequest> captor =
        ArgumentCaptor.forClass(SendMessageBatchRequest.class);
    verify(sqs, atLeastOnce()).sendMessageBatch(captor.capture());
    return captor.getAllValues();
  }

  private static BatchResultErrorEntry error(
      String id, boolean senderFault, String code, String message) {
    return BatchResultErrorEntry.builder()
        .id(id)
        .senderFault(senderFault)
        .code(code)
        .message(message)
        .build();
  }

  private static List<YearMonth> months(YearMonth first, YearMonth last) {
    return Stream.iterate(first, m -> !m.isAfter(last), m -> m.plusMonths(1)).toList();
  }
}
