package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.FUNCTION;
import static dev.partitionbuilder.deploy.SamTemplate.list;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.lambda.BuildMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * template.yml's logging config, saved Logs Insights queries and dashboard (docs/observability.md).
 */
class ObservabilityTemplateTest {
  /** The {@code event} field of the handler's one summary line per month. */
  private static final String SUMMARY_FILTER = "filter event = \"build-summary\"";

  private final SamTemplate template = SamTemplate.load();
  private final Map<String, Object> function = template.properties(FUNCTION);
  private final Resolver resolver = Resolver.withExampleValues(Map.of());

  @Test
  void theFunctionLogsJsonIntoItsOwnLogGroupAtTheConfiguredApplicationLevel() {
    Map<String, Object> logging = map(function.get("LoggingConfig"), "LoggingConfig");

    assertThat(logging.get("LogFormat")).isEqualTo("JSON");
    assertThat(logging.get("LogGroup")).isEqualTo(Map.of("Ref", "FunctionLogGroup"));
    assertThat(logging.get("ApplicationLogLevel")).isEqualTo(Map.of("Ref", "ApplicationLogLevel"));
    assertThat(logging.get("SystemLogLevel")).isEqualTo("INFO");
    assertThat(template.parameter("ApplicationLogLevel").get("Default")).isEqualTo("INFO");
    // Lambda's levels, each of which JsonLogProvider reads from AWS_LAMBDA_LOG_LEVEL
    // (JsonLineTest).
    assertThat(
            list(template.parameter("ApplicationLogLevel").get("AllowedValues"), "AllowedValues"))
        .containsExactlyInAnyOrder("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
  }

  @Test
  void theMetricsNamespaceReachesTheFunctionAndItsDefaultIsTheCodesAndValid() {
    Map<String, Object> variables =
        map(map(function.get("Environment"), "Environment").get("Variables"), "Variables");

    assertThat(variables.get(BuildMetrics.METRICS_NAMESPACE))
        .isEqualTo(Map.of("Ref", "MetricsNamespace"));
    assertThat(template.parameter("MetricsNamespace").get("Default"))
        .isEqualTo(BuildMetrics.DEFAULT_NAMESPACE);
    assertThat(BuildMetrics.DEFAULT_NAMESPACE)
        .matches(String.valueOf(template.parameter("MetricsNamespace").get("AllowedPattern")));
  }

  @Test
  void savedQueriesReadTheSummaryLinesOfTheFunctionsLogGroup() {
    List<String> queries = template.resourcesOfType("AWS::Logs::QueryDefinition");

    assertThat(queries).hasSizeGreaterThanOrEqualTo(2);
    for (String query : queries) {
      Map<String, Object> properties = template.properties(query);
      assertThat(properties.get("LogGroupNames"))
          .isEqualTo(List.of(Map.of("Ref", "FunctionLogGroup")));
      assertThat((String) properties.get("QueryString")).contains(SUMMARY_FILTER);
      assertThat(String.valueOf(resolver.resolve(properties.get("Name"))))
          .startsWith("athena-partition-builder/");
    }
    assertThat(queries)
        .extracting(q -> (String) template.properties(q).get("QueryString"))
        .anySatisfy(
            q -> assertThat(q).contains("month", "outcome", "rowsWritten", "estimatedCostUsd"))
        .anySatisfy(q -> assertThat(q).contains("sum(estimatedCostUsd)").contains("by month"));
  }

  @Test
  void theDashboardChartsTheMetricsTheCodeWritesInItsNamespaceAndTableDimension() throws Exception {
    String dashboard = template.resourcesOfType("AWS::CloudWatch::Dashboard").get(0);

    JsonNode body =
        new ObjectMapper()
            .readTree(
                String.valueOf(
                    resolver.resolve(template.properties(dashboard).get("DashboardBody"))));

    List<String> metricNames = new ArrayList<>();
    for (JsonNode widget : body.get("widgets")) {
      if (widget.get("type").asText().equals("metric")) {
        for (JsonNode metric : widget.at("/properties/metrics")) {
          assertThat(metric.get(0).asText()).isEqualTo(BuildMetrics.DEFAULT_NAMESPACE);
          assertThat(metric.get(2).asText()).isEqualTo(BuildMetrics.TABLE_DIMENSION);
          assertThat(metric.get(3).asText())
              .isEqualTo(
                  resolver.parameter("GlueDatabase")
                      + "."
                      + resolver.parameter("DestinationTable"));
          metricNames.add(metric.get(1).asText());
        }
      }
    }
    assertThat(metricNames)
        .contains(
            "BuildSucceeded",
            "BuildFailed",
            "BuildBusy",
            "BuildStillRunning",
            "EstimatedCostUSD",
            "RowsWritten",
            "BytesScanned",
            "Duration",
            "QueryEngineTime");
    assertThat(body.findValues("query"))
        .singleElement()
        .satisfies(query -> assertThat(query.asText()).contains(SUMMARY_FILTER));
  }
}
