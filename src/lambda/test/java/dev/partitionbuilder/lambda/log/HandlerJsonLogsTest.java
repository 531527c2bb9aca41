package dev.partitionbuilder.lambda.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.lambda.HandlerTestAccess;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The lines a Lambda run writes, through the provider the zip registers. Surefire runs this class
 * in its own JVM with {@code slf4j.provider} set to {@link JsonLogProvider} (see pom.xml, execution
 * "json-logs"), since the rest of the suite logs through slf4j-simple.
 */
class HandlerJsonLogsTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"month\": 3, \"year\": 2024}";

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-10T08:00:00Z"));
  private final Context context = mock(Context.class);
  private FakeQueryEngine engine;
  private PartitionBuilder builder;

  @BeforeEach
  void setUp() {
    engine = new FakeQueryEngine(journal, clock);
    builder =
        new PartitionBuilder(
            LAYOUT,
            CtasTemplate.bundled(),
            storeWrittenBy(engine),
            new FakeCatalog(journal),
            engine,
            BuildSettings.defaults(new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8))),
            clock,
            clock::advance);
    when(context.getRemainingTimeInMillis()).thenReturn(900_000);
    when(context.getAwsRequestId()).thenReturn("req-1");
  }

  @Test
  void runsThroughTheJsonProvider() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(JsonLoggerFactory.class);
  }

  @Test
  void everyLineOfASucceededRunIsJsonCarryingMessageIdMonthAndRequestIdWithStepsTimedAndOneSummary()
      throws Exception {
    engine.willRun(State.RUNNING, State.SUCCEEDED).rows(100_005);

    List<JsonNode> lines = run();

    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(
            line -> {
              assertThat(line.get("messageId").asText()).isEqualTo("m-1");
              assertThat(line.get("month").asText()).isEqualTo("2024-03");
              assertThat(line.get("AWSRequestId").asText()).isEqualTo("req-1");
              assertThat(line.get("level").asText()).isIn("INFO", "WARN", "ERROR");
              assertThat(line.get("timestamp").asText()).isNotEmpty();
            });
    List<JsonNode> steps = lines.stream().filter(line -> line.has("step")).toList();
    assertThat(steps)
        .extracting(line -> line.get("step").asText())
        .containsExactly("drop-temp-table", "clear-staging", "query", "cleanup", "replace");
    assertThat(steps)
        .allSatisfy(line -> assertThat(line.get("durationMs").isIntegralNumber()).isTrue());
    assertThat(
            steps.stream()
                .filter(line -> line.get("step").asText().equals("query"))
                .findFirst()
                .orElseThrow()
                .get("durationMs")
                .asLong())
        .isEqualTo(1_000);
    assertThat(lines)
        .filteredOn(line -> line.has("queryExecutionId"))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line.get("queryExecutionId").asText()).isEqualTo("q1"));
    // From the query's start on, every step line names it.
    assertThat(steps)
        .filteredOn(
            line -> List.of("query", "cleanup", "replace").contains(line.get("step").asText()))
        .hasSize(3)
        .allSatisfy(line -> assertThat(line.path("queryExecutionId").asText()).isEqualTo("q1"));

    JsonNode summary = onlySummary(lines);
    assertThat(summary.get("level").asText()).isEqualTo("INFO");
    assertThat(summary.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(summary.get("queryExecutionId").asText()).isEqualTo("q1");
    assertThat(summary.get("rowsWritten").asLong()).isEqualTo(100_005);
    assertThat(summary.get("bytesScanned").asLong()).isEqualTo(1_000_000);
    assertThat(summary.get("billedMegabytes").asLong()).isEqualTo(10);
    assertThat(summary.get("estimatedCostUsd").decimalValue())
        .isEqualByComparingTo("0.0000476837158203125");
    assertThat(summary.get("durationMs").asLong()).isEqualTo(1_000);
    assertThat(summary.get("stepMs").get("query").asLong()).isEqualTo(1_000);
    assertThat(summary.has("error")).isFalse();
  }

  @Test
  void aFailedRunEndsInOneErrorSummaryLineWithTheReasonAndTheFailedQuery() throws Exception {
    engine.willRun(State.RUNNING, State.FAILED);

    List<JsonNode> lines = run();

    JsonNode summary = onlySummary(lines);
    assertThat(summary.get("level").asText()).isEqualTo("ERROR");
    assertThat(summary.get("outcome").asText()).isEqualTo("failed");
    assertThat(summary.get("queryExecutionId").asText()).isEqualTo("q1");
    assertThat(summary.get("error").asText()).contains("HIVE_BAD_DATA: malformed");
    assertThat(summary.get("estimatedCostUsd").decimalValue()).isZero();
    assertThat(lines)
        .filteredOn(line -> line.has("step"))
        .extracting(line -> line.get("step").asText())
        .contains("query", "cleanup");
  }

  private List<JsonNode> run() throws Exception {
    SQSMessage message = new SQSMessage();
    message.setMessageId("m-1");
    message.setBody(BODY);
    message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(message));

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      HandlerTestAccess.handler(
              new TriggerParser(ZoneOffset.UTC, clock), builder, Duration.ofSeconds(30), clock)
          .handleRequest(event, context);
    } finally {
      System.setOut(stdout);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    // No full message body at INFO (nor anywhere): the month and messageId say which message it
    // was.
    assertThat(text).doesNotContain(BODY);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      JsonNode json = JSON.readTree(line);
      assertThat(json.isObject()).as("a JSON object: %s", line).isTrue();
      lines.add(json);
    }
    return lines;
  }

  private static JsonNode onlySummary(List<JsonNode> lines) {
    List<JsonNode> summaries =
        lines.stream()
            .filter(line -> line.has("event") && line.get("event").asText().equals("build-summary"))
            .toList();
    assertThat(summaries).hasSize(1);
    assertThat(lines.get(lines.size() - 1)).isEqualTo(summaries.get(0));
    assertThat(Set.of("messageId", "month"))
        .allSatisfy(field -> assertThat(summaries.get(0).has(field)).isTrue());
    return summaries.get(0);
  }

  /** The bucket the fake query engine writes its CTAS output into. */
  private FakeObjectStore storeWrittenBy(FakeQueryEngine engine) {
    FakeObjectStore store = new FakeObjectStore(journal);
    engine.writesInto(store);
    return store;
  }
}
