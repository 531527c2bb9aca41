package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.Policies.LAMBDA;
import static dev.partitionbuilder.deploy.Policies.PLACEHOLDER_PARAMETER;
import static dev.partitionbuilder.deploy.Policies.SEND;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * policy/policy.json: the policy for running the job by hand or from Airflow. A template whose
 * {@code {{name}}} placeholders a command fills in; the tests fill them in with the example values.
 */
class PolicyFileTest {
  private static final Path FILE = Path.of("policy", "policy.json");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");
  private static final String QUEUE_NAME = "athena-partition-builder-TriggerQueue-1A2B3C4D5E6F";

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void policyFileUsesOnlyThePlaceholdersTheRenderCommandKnows() throws Exception {
    Set<String> used = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text());
    while (m.find()) {
      used.add(m.group(1));
    }

    assertThat(PLACEHOLDER_PARAMETER.keySet()).containsAll(used);
    assertThat(used)
        .as("the file is scoped to the stack's own resources")
        .contains(
            "region",
            "account_id",
            "workgroup",
            "destination_bucket",
            "destination_prefix",
            "queue_name");
  }

  @Test
  void policyFileIsJsonBeforeAndAfterItsPlaceholdersAreFilledIn() throws Exception {
    json.readTree(text());

    String rendered = rendered();

    assertThat(rendered).doesNotContain("{{", "}}");
    Map<String, Object> policy = map(json.readValue(rendered, Object.class), "policy");
    assertThat(policy.get("Version")).isEqualTo("2012-10-17");
    FunctionRolePolicyTest.assertWellFormed(statements());
  }

  @Test
  void policyFileGrantsTheFunctionsCodeAndAthenaStatementsAndSendingToTheTriggerQueue()
      throws Exception {
    // A run by hand may set MIN_PREVIOUS_ROWS_PERCENT, so the file grants the count's reads too.
    List<Statement> expected =
        new ArrayList<>(
            Policies.functionRole(Policies.COUNTS_PREVIOUS_ROWS).stream()
                .filter(s -> !s.sid().startsWith(LAMBDA))
                .toList());
    expected.add(
        new Statement(
            SEND,
            "Allow",
            Set.of("sqs:SendMessage"),
            Set.of("arn:aws:sqs:" + Resolver.REGION + ":" + Resolver.ACCOUNT_ID + ":" + QUEUE_NAME),
            null));

    assertThat(statements()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyAwsCallTheCodeMakesIsAllowedByThePolicyFile() throws Exception {
    Set<String> needed = SdkCalls.iamActions(SdkCalls.ofTheScenario());

    assertThat(statements()).flatExtracting(Statement::actions).containsAll(needed);
  }

  @Test
  void policyFileSendsMessagesButNeverConsumesThemOrWritesLambdaLogs() throws Exception {
    Set<String> actions = new TreeSet<>();
    statements().forEach(s -> actions.addAll(s.actions()));

    assertThat(actions).contains("sqs:SendMessage");
    assertThat(actions).doesNotContainAnyElementsOf(Policies.LAMBDA_RUNTIME);
  }

  private List<Statement> statements() throws Exception {
    return Statement.all(map(json.readValue(rendered(), Object.class), "policy").get("Statement"));
  }

  /** The file with every placeholder replaced by the example value of what it stands for. */
  private String rendered() throws Exception {
    Resolver example = Resolver.withExampleValues(Map.of());
    Map<String, String> values = new HashMap<>();
    PLACEHOLDER_PARAMETER.forEach(
        (placeholder, parameter) ->
            values.put(
                placeholder,
                switch (parameter) {
                  case "AWS::Region" -> Resolver.REGION;
                  case "AWS::AccountId" -> Resolver.ACCOUNT_ID;
                  case "TriggerQueue.QueueName" -> QUEUE_NAME;
                  default -> example.parameter(parameter);
                }));
    Matcher m = PLACEHOLDER.matcher(text());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      assertThat(value).as("value for {{" + m.group(1) + "}}").isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String text() throws Exception {
    return Files.readString(FILE, StandardCharsets.UTF_8);
  }
}
