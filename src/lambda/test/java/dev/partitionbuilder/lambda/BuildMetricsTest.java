package dev.partitionbuilder.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.QueryExecution.State;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EMF document the handler writes for each run, read back as CloudWatch would read it. */
class BuildMetricsTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fake engine reports 1,000,000 bytes scanned (under 1 MB) and 2,000 ms for every query. */
  private static final double TEN_MB_IN_USD = 10 * 5 / 1_048_576.0;

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-10T08:00:00Z"));
  private final List<String> documents = new ArrayList<>();
  private final Context context = mock(Context.class);
  private FakeQueryEngine engine;
  private FakeObjectStore store;
  private Handler handler;

  @BeforeEach
  void setUp() {
    engine = new FakeQueryEngine(journal, clock);
    store = new FakeObjectStore(journal);
    engine.writesInto(store);
    PartitionBuilder builder =
        new PartitionBuilder(
            LAYOUT,
            CtasTemplate.bundled(),
            store,
            new FakeCatalog(journal),
            engine,
            BuildSettings.defaults(new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8))),
            clock,
            clock::advance);
    BuildMetrics metrics =
        new BuildMetrics(
            new BuildMetrics.DocumentEnvironment(documents::add),
            "PartitionBuilderTest",
            "cloudtrail.cloudtrail_monthly");
    handler =
        new Handler(
            new TriggerParser(ZoneOffset.UTC, clock),
            builder,
            Duration.ofSeconds(30),
            clock,
            metrics);
    when(context.getRemainingTimeInMillis()).thenReturn(900_000);
  }

  @Test
  void aSucceededRunWritesOneDocumentWithEveryMetricDimensionedByTableOnly() throws Exception {
    engine.willRun(State.RUNNING, State.SUCCEEDED).rows(100_005);

    handler.handleRequest(SqsEvents.load("sqs/one-month.json"), context);

    JsonNode doc = onlyDocument();
    JsonNode directive = doc.at("/_aws/CloudWatchMetrics/0");
    assertThat(directive.get("Namespace").asText()).isEqualTo("PartitionBuilderTest");
    assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Table\"]]");
    assertThat(doc.get("Table").asText()).isEqualTo("cloudtrail.cloudtrail_monthly");
    assertThat(units(directive))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("BuildSucceeded", "Count"),
                Map.entry("BuildFailed", "Count"),
                Map.entry("BuildBusy", "Count"),
                Map.entry("BuildStillRunning", "Count"),
                Map.entry("Duration", "Milliseconds"),
                Map.entry("BytesScanned", "Bytes"),
                Map.entry("EstimatedCostUSD", "None"),
                Map.entry("QueryEngineTime", "Milliseconds"),
                Map.entry("RowsWritten", "Count"),
                Map.entry("FilesWritten", "Count"),
                Map.entry("BytesWritten", "Bytes")));
    assertThat(doc.get("BuildSucceeded").asDouble()).isEqualTo(1);
    assertThat(doc.get("BuildFailed").asDouble()).isZero();
    assertThat(doc.get("BuildBusy").asDouble()).isZero();
    assertThat(doc.get("RowsWritten").asDouble()).isEqualTo(100_005);
    assertThat(doc.get("BytesScanned").asDouble()).isEqualTo(1_000_000);
    assertThat(doc.get("EstimatedCostUSD").asDouble()).isEqualTo(TEN_MB_IN_USD);
    assertThat(doc.get("QueryEngineTime").asDouble()).isEqualTo(2_000);
    assertThat(doc.get("Duration").asDouble()).isPositive();
    // The month is a property, never a dimension: one series per table, not per month.
    assertThat(doc.get("month").asText()).isEqualTo(messageMonth());
    assertThat(doc.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(doc.get("queryExecutionId").asText()).isEqualTo("q1");
    assertThat(doc.get("billedMegabytes").asLong()).isEqualTo(10);
    assertThat(doc.get("stepMs").has("query")).isTrue();
  }

  @Test
  void aFailedQueryCountsAsFailedWithWhatItScannedAndNoCostAsAthenaDoesNotBillFailedQueries()
      throws Exception {
    engine.willRun(State.RUNNING, State.FAILED);

    handler.handleRequest(SqsEvents.load("sqs/one-month.json"), context);

    JsonNode doc = onlyDocument();
    assertThat(doc.get("BuildSucceeded").asDouble()).isZero();
    assertThat(doc.get("BuildFailed").asDouble()).isEqualTo(1);
    assertThat(doc.get("BytesScanned").asDouble()).isEqualTo(1_000_000);
    assertThat(doc.get("EstimatedCostUSD").asDouble()).isZero();
    assertThat(doc.get("outcome").asText()).isEqualTo("failed");
    assertThat(doc.get("queryExecutionId").asText()).isEqualTo("q1");
    assertThat(units(doc.at("/_aws/CloudWatchMetrics/0")))
        .doesNotContainKeys("RowsWritten", "FilesWritten");
  }

  @Test
  void aQueryLeftRunningAtTheDeadlineCountsAsStillRunningWithItsIdAndNoCostYet() throws Exception {
    engine.willRun(State.RUNNING);
    when(context.getRemainingTimeInMillis()).thenReturn(60_000);

    handler.handleRequest(SqsEvents.load("sqs/one-month.json"), context);

    JsonNode doc = onlyDocument();
    assertThat(doc.get("BuildStillRunning").asDouble()).isEqualTo(1);
    assertThat(doc.get("BuildFailed").asDouble()).isZero();
    assertThat(doc.get("EstimatedCostUSD").asDouble()).isZero();
    assertThat(doc.get("outcome").asText()).isEqualTo("running");
    assertThat(doc.get("queryExecutionId").asText()).isEqualTo("q1");
  }

  @Test
  void aMonthHeldByAnotherBuildCountsAsBusyWithNoQueryAndNoCost() throws Exception {
    YearMonth month = YearMonth.parse(messageMonth());
    store.createIfAbsent(
        LAYOUT.lockKey(month),
        "{\"owner\":\"other-message\",\"expiresAt\":\"2024-05-10T09:00:00Z\"}"
            .getBytes(StandardCharsets.UTF_8));

    handler.handleRequest(SqsEvents.load("sqs/one-month.json"), context);

    JsonNode doc = onlyDocument();
    assertThat(doc.get("BuildBusy").asDouble()).isEqualTo(1);
    assertThat(doc.get("BuildSucceeded").asDouble()).isZero();
    assertThat(doc.get("BuildFailed").asDouble()).isZero();
    assertThat(doc.get("BytesScanned").asDouble()).isZero();
    assertThat(doc.get("EstimatedCostUSD").asDouble()).isZero();
    assertThat(doc.get("outcome").asText()).isEqualTo("busy");
    assertThat(doc.has("queryExecutionId")).isFalse();
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void nothingIsWrittenForARejectedMessageWhichNeverBecameARun() {
    handler.handleRequest(SqsEvents.load("sqs/rejected-only.json"), context);

    assertThat(documents).isEmpty();
  }

  @Test
  void aNamespaceCloudWatchWouldRejectIsRefusedNamingTheVariableAndValue() {
    assertThatThrownBy(
            () -> BuildMetrics.requireNamespace(BuildMetrics.METRICS_NAMESPACE, "AWS/Lambda"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("METRICS_NAMESPACE")
        .hasMessageContaining("\"AWS/Lambda\"");
    assertThatThrownBy(() -> BuildMetrics.requireNamespace(BuildMetrics.METRICS_NAMESPACE, "a$b"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"a$b\"");
    assertThatThrownBy(() -> BuildMetrics.requireNamespace(BuildMetrics.METRICS_NAMESPACE, ""))
        .isInstanceOf(ConfigException.class);
    assertThat(
            BuildMetrics.requireNamespace(BuildMetrics.METRICS_NAMESPACE, "Data/Partition Builder"))
        .isEqualTo("Data/Partition Builder");
  }

  private JsonNode onlyDocument() throws JsonProcessingException {
    assertThat(documents).hasSize(1);
    return JSON.readTree(documents.get(0));
  }

  private static Map<String, String> units(JsonNode directive) {
    Map<String, String> units = new HashMap<>();
    directive
        .get("Metrics")
        .forEach(m -> units.put(m.get("Name").asText(), m.get("Unit").asText()));
    return units;
  }

  private static String messageMonth() {
    // sqs/one-month.json asks for this month.
    return "2024-03";
  }

  /** The library's seam: an environment whose sink keeps each serialized document. */
}
