package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.testing.ElasticMq;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The sender against ElasticMQ, an SQS stand-in on the wire, with the SDK's real SQS client. */
class SqsMonthSenderElasticMqTest {
  private static final List<YearMonth> FIFTEEN =
      Stream.iterate(
              YearMonth.of(2023, 11), m -> !m.isAfter(YearMonth.of(2025, 1)), m -> m.plusMonths(1))
          .toList();
  private static final TriggerParser PARSER = new TriggerParser(ZoneOffset.UTC, Clock.systemUTC());

  private static ElasticMq sqs;

  @BeforeAll
  static void startSqs() {
    sqs = ElasticMq.start();
  }

  @AfterAll
  static void stopSqs() {
    sqs.close();
  }

  @Test
  void aStandardQueueReceivesExactlyOneMessagePerMonthWhoseBodyTheLambdaReadsAsThatMonth() {
    String queue = sqs.standardQueue();

    SqsMonthSender.Result result =
        new SqsMonthSender(sqs.client()).send(queue, FIFTEEN, "run-1", n -> {});

    assertThat(result.allSent()).isTrue();
    List<Message> received = sqs.drain(queue);
    assertThat(received)
        .extracting(m -> PARSER.parse(m.body()).month())
        .containsExactlyInAnyOrderElementsOf(FIFTEEN);
    assertThat(received)
        .extracting(Message::messageId)
        .containsExactlyInAnyOrderElementsOf(
            result.sent().stream().map(SqsMonthSender.Sent::messageId).toList());
  }

  @Test
  void aFifoQueueReceivesOneMessagePerMonthInAGroupNamedByTheMonth() {
    String queue = sqs.fifoQueue();

    SqsMonthSender.Result result =
        new SqsMonthSender(sqs.client()).send(queue, FIFTEEN, "run-1", n -> {});

    assertThat(result.allSent()).isTrue();
    List<Message> received = sqs.drain(queue);
    assertThat(received)
        .hasSize(FIFTEEN.size())
        .allSatisfy(
            m ->
                assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                    .isEqualTo(PARSER.parse(m.body()).month().toString()));
    assertThat(received)
        .extracting(m -> PARSER.parse(m.body()).month())
        .containsExactlyInAnyOrderElementsOf(FIFTEEN);
  }

  @Test
  void aFifoQueueDropsARepeatWithinTheRunButKeepsARerunInOrderWithinEachMonthsGroup() {
    String queue = sqs.fifoQueue();
    SqsMonthSender sender = new SqsMonthSender(sqs.client());

    SqsMonthSender.Result first = sender.send(queue, FIFTEEN, "run-1", n -> {});
    sender.send(queue, FIFTEEN, "run-1", n -> {});
    SqsMonthSender.Result rerun = sender.send(queue, FIFTEEN, "run-2", n -> {});

    Map<String, List<String>> idsByGroup =
        sqs.drain(queue).stream()
            .collect(
                Collectors.groupingBy(
                    m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                    LinkedHashMap::new,
                    Collectors.mapping(Message::messageId, Collectors.toList())));
    assertThat(idsByGroup).hasSize(FIFTEEN.size());
    for (int i = 0; i < FIFTEEN.size(); i++) {
      assertThat(idsByGroup.get(FIFTEEN.get(i).toString()))
          .as(FIFTEEN.get(i).toString())
          .containsExactly(first.sent().get(i).messageId(), rerun.sent().get(i).messageId());
    }
  }
}
