package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.FUNCTION;
import static dev.partitionbuilder.deploy.SamTemplate.list;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.Trigger;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trigger queue, its dead-letter queue and alarm, the SQS event and the monthly schedule. */
class QueueAndScheduleTemplateTest {
  private static final String QUEUE = "TriggerQueue";
  private static final String DEAD_LETTER_QUEUE = "TriggerDeadLetterQueue";

  private final SamTemplate template = SamTemplate.load();

  @Test
  void defaultVisibilityTimeoutIsAtLeastSixTimesTheDefaultFunctionTimeout() {
    int visibility = (Integer) template.parameter("QueueVisibilityTimeout").get("Default");
    int timeout = (Integer) template.parameter("Timeout").get("Default");

    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    assertThat(visibility).isGreaterThanOrEqualTo(6 * timeout);
  }

  @Test
  void visibilityTimeoutCannotBeSetBelowSixTimesTheLongestAllowedFunctionTimeout() {
    // CloudFormation has no arithmetic and its Rules no numeric comparison, so the bounds enforce
    // it.
    int lowestVisibility = (Integer) template.parameter("QueueVisibilityTimeout").get("MinValue");
    int longestTimeout = (Integer) template.parameter("Timeout").get("MaxValue");

    assertThat(lowestVisibility).isGreaterThanOrEqualTo(6 * longestTimeout);
    assertThat(template.properties(QUEUE).get("VisibilityTimeout"))
        .isEqualTo(Map.of("Ref", "QueueVisibilityTimeout"));
    assertThat(template.properties(FUNCTION).get("Timeout")).isEqualTo(Map.of("Ref", "Timeout"));
    assertThat((Integer) template.parameter("QueueVisibilityTimeout").get("MaxValue"))
        .as("SQS's maximum")
        .isLessThanOrEqualTo(43200);
  }

  @Test
  void triggerQueueMovesAMessageToTheDeadLetterQueueAfterMaxReceiveCountDeliveries() {
    Map<String, Object> redrive =
        map(template.properties(QUEUE).get("RedrivePolicy"), "RedrivePolicy");

    assertThat(redrive.get("deadLetterTargetArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(DEAD_LETTER_QUEUE, "Arn")));
    assertThat(redrive.get("maxReceiveCount")).isEqualTo(Map.of("Ref", "MaxReceiveCount"));
    assertThat(template.parameter("MaxReceiveCount").get("Default")).isEqualTo(3);
    assertThat(template.type(DEAD_LETTER_QUEUE)).isEqualTo("AWS::SQS::Queue");
  }

  @Test
  void deadLetterQueueKeepsMessagesFourteenDays() {
    assertThat(template.properties(DEAD_LETTER_QUEUE).get("MessageRetentionPeriod"))
        .isEqualTo(14 * 24 * 3600);
  }

  @Test
  void alarmGoesOffAsSoonAsTheDeadLetterQueueHoldsAVisibleMessage() {
    List<String> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
    assertThat(alarms).hasSize(1);
    Map<String, Object> alarm = template.properties(alarms.get(0));

    assertThat(alarm.get("Namespace")).isEqualTo("AWS/SQS");
    assertThat(alarm.get("MetricName")).isEqualTo("ApproximateNumberOfMessagesVisible");
    assertThat(alarm.get("Dimensions"))
        .isEqualTo(
            List.of(
                Map.of(
                    "Name",
                    "QueueName",
                    "Value",
                    Map.of("Fn::GetAtt", List.of(DEAD_LETTER_QUEUE, "QueueName")))));
    assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
    assertThat(alarm.get("Threshold")).isEqualTo(0);
  }

  @Test
  void alarmNotifiesTheTopicOnlyWhenOneIsGiven() {
    Object alarm =
        template.resources().get(template.resourcesOfType("AWS::CloudWatch::Alarm").get(0));
    String topic = "arn:aws:sns:eu-west-1:123456789012:partition-builder-alarms";

    Map<String, Object> without = properties(Resolver.withExampleValues(Map.of()).resolve(alarm));
    Map<String, Object> with =
        properties(Resolver.withExampleValues(Map.of("AlarmTopicArn", topic)).resolve(alarm));

    assertThat(without).doesNotContainKey("AlarmActions");
    assertThat(with.get("AlarmActions")).isEqualTo(List.of(topic));
    assertThat(topic).matches((String) template.parameter("AlarmTopicArn").get("AllowedPattern"));
  }

  @Test
  void sqsEventHandsTheFunctionOneMessageAtATimeAndTakesBackOnlyTheFailedOnes() {
    Map<String, Object> events = map(template.properties(FUNCTION).get("Events"), "Events");
    assertThat(events).hasSize(1);
    Map<String, Object> event = map(events.values().iterator().next(), "event");

    assertThat(event.get("Type")).isEqualTo("SQS");
    Map<String, Object> properties = map(event.get("Properties"), "event Properties");
    assertThat(properties.get("Queue")).isEqualTo(Map.of("Fn::GetAtt", List.of(QUEUE, "Arn")));
    assertThat(properties.get("BatchSize")).isEqualTo(1);
    assertThat(properties.get("FunctionResponseTypes"))
        .isEqualTo(List.of("ReportBatchItemFailures"));
  }

  @Test
  void scheduleSendsTheTriggerQueueTheScheduledTimeInTheFormTheHandlerAccepts() throws Exception {
    Map<String, Object> schedule = template.properties(onlySchedule());
    Map<String, Object> target = map(schedule.get("Target"), "Target");
    String input = (String) target.get("Input");

    assertThat(input).isEqualTo("{\"scheduledTime\": \"<aws.scheduler.scheduled-time>\"}");
    assertThat(new ObjectMapper().readTree(input).get("scheduledTime").asText())
        .isEqualTo("<aws.scheduler.scheduled-time>");
    assertThat(target.get("Arn")).isEqualTo(Map.of("Fn::GetAtt", List.of(QUEUE, "Arn")));

    // What SQS delivers on 1 April 2024 at 00:30: the handler builds March.
    String body = input.replace("<aws.scheduler.scheduled-time>", "2024-04-01T00:30:00Z");
    TriggerParser parser =
        new TriggerParser(
            ZoneId.of("UTC"), Clock.fixed(Instant.parse("2024-04-01T00:31:00Z"), ZoneOffset.UTC));
    Trigger trigger = parser.parse(body);
    assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
  }

  @Test
  void scheduleFiresOnTheFirstOfTheMonthAtATimeAndZoneFromParametersWithoutAFlexibleWindow() {
    Map<String, Object> schedule = template.properties(onlySchedule());

    assertThat(schedule.get("ScheduleExpression")).isEqualTo(Map.of("Ref", "ScheduleExpression"));
    assertThat(schedule.get("ScheduleExpressionTimezone"))
        .isEqualTo(Map.of("Ref", "ScheduleTimeZone"));
    assertThat(template.parameter("ScheduleExpression").get("Default"))
        .isEqualTo("cron(30 0 1 * ? *)");
    // "OFF" must stay a string: unquoted, YAML 1.1 reads it as the boolean false.
    assertThat(schedule.get("FlexibleTimeWindow")).isEqualTo(Map.of("Mode", "OFF"));
  }

  @Test
  void scheduleRoleMayOnlySendMessagesToTheTriggerQueue() {
    Map<String, Object> target = map(template.properties(onlySchedule()).get("Target"), "Target");
    assertThat(target.get("RoleArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ScheduleRole", "Arn")));
    Map<String, Object> role = template.properties("ScheduleRole");

    List<Statement> statements =
        Statement.all(
            Resolver.withExampleValues(Map.of()).resolve(template.roleStatements("ScheduleRole")));

    assertThat(statements)
        .extracting(Statement::actions)
        .containsExactly(Set.of("sqs:SendMessage"));
    assertThat(statements)
        .extracting(Statement::resources)
        .containsExactly(Set.of("<" + QUEUE + ".Arn>"));
    assertThat(role).doesNotContainKeys("ManagedPolicyArns", "PermissionsBoundary");
    Map<String, Object> trust =
        map(
            list(map(role.get("AssumeRolePolicyDocument"), "trust").get("Statement"), "trust")
                .get(0),
            "trust");
    assertThat(trust.get("Principal")).isEqualTo(Map.of("Service", "scheduler.amazonaws.com"));
    assertThat(trust.get("Condition"))
        .isEqualTo(
            Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId"))));
  }

  @Test
  void outputsNameTheQueueTheDeadLetterQueueAndTheFunctionAlias() {
    Map<String, Object> outputs = template.outputs();

    assertThat(value(outputs, "TriggerQueueUrl")).isEqualTo(Map.of("Ref", QUEUE));
    assertThat(value(outputs, "TriggerQueueArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(QUEUE, "Arn")));
    assertThat(value(outputs, "DeadLetterQueueUrl")).isEqualTo(Map.of("Ref", DEAD_LETTER_QUEUE));
    // SAM's referenceable property for the alias AutoPublishAlias creates.
    assertThat(value(outputs, "FunctionAliasArn")).isEqualTo(Map.of("Ref", FUNCTION + ".Alias"));
  }

  private String onlySchedule() {
    List<String> schedules = template.resourcesOfType("AWS::Scheduler::Schedule");
    assertThat(schedules).hasSize(1);
    return schedules.get(0);
  }

  private static Object value(Map<String, Object> outputs, String name) {
    return map(outputs.get(name), "Outputs." + name).get("Value");
  }

  private static Map<String, Object> properties(Object resource) {
    return map(map(resource, "resource").get("Properties"), "Properties");
  }
}
