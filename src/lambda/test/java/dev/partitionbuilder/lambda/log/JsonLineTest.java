package dev.partitionbuilder.lambda.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

class JsonLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2024-04-01T00:30:05.123Z");

  @Test
  void aLineIsOneJsonObjectWithTheEventsFieldsTheMdcAndTheKeyValuesAtTopLevel() throws Exception {
    String line =
        JsonLine.of(
            NOW,
            Level.INFO,
            "dev.partitionbuilder.core.PartitionBuilder",
            "step=query took 1200 ms",
            Map.of("messageId", "m-1", "month", "2024-03"),
            List.of(
                new KeyValuePair("step", "query"),
                new KeyValuePair("durationMs", 1200L),
                new KeyValuePair("estimatedCostUsd", new BigDecimal("0.0000476837158203125")),
                new KeyValuePair("stepMs", Map.of("query", 1200L))),
            null);

    assertThat(line).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("timestamp").asText()).isEqualTo("2024-04-01T00:30:05.123Z");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("dev.partitionbuilder.core.PartitionBuilder");
    assertThat(json.get("message").asText()).isEqualTo("step=query took 1200 ms");
    assertThat(json.get("messageId").asText()).isEqualTo("m-1");
    assertThat(json.get("month").asText()).isEqualTo("2024-03");
    assertThat(json.get("step").asText()).isEqualTo("query");
    assertThat(json.get("durationMs").isNumber()).isTrue();
    assertThat(json.get("durationMs").asLong()).isEqualTo(1200);
    assertThat(json.get("estimatedCostUsd").decimalValue())
        .isEqualByComparingTo("0.0000476837158203125");
    assertThat(json.get("stepMs").get("query").asLong()).isEqualTo(1200);
  }

  @Test
  void anExceptionStaysOnTheSameLineAsErrorTypeMessageAndStackTrace() throws Exception {
    IllegalStateException failure =
        new IllegalStateException("Cannot copy\nthe file", new RuntimeException("cause"));

    String line = JsonLine.of(NOW, Level.ERROR, "x", "failed", Map.of(), List.of(), failure);

    assertThat(line).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(json.get("errorMessage").asText()).isEqualTo("Cannot copy the file");
    assertThat(json.get("stackTrace").isArray()).isTrue();
    assertThat(json.get("stackTrace").get(0).asText())
        .startsWith("the file")
        .doesNotStartWith("java.lang");
    assertThat(json.get("stackTrace").toString())
        .contains("Caused by: java.lang.RuntimeException: cause");
  }

  @Test
  void controlCharactersAreEscapedInEveryStringOfTheLineWhoeverLoggedThem() throws Exception {
    String evil = "m\u0000\u001b[2J\u007f\u0085\u2028\u2029\r\nforged";

    String line =
        JsonLine.of(
            NOW,
            Level.ERROR,
            "x",
            "messageId=" + evil + " rejected",
            Map.of("messageId", evil),
            List.of(
                new KeyValuePair("error", evil),
                new KeyValuePair("stepMs", Map.of(evil, List.of(evil)))),
            new IllegalStateException(evil));

    JsonNode json = JSON.readTree(line);
    List<String> strings = new java.util.ArrayList<>();
    collectStrings(json, strings);
    assertThat(strings)
        .isNotEmpty()
        .allSatisfy(
            text ->
                assertThat(text.chars())
                    .as(text)
                    .noneMatch(
                        c -> c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029));
    assertThat(json.get("messageId").asText())
        .isEqualTo("m\\u0000\\u001B[2J\\u007F\\u0085\\u2028\\u2029\\r\\nforged");
    assertThat(json.get("message").asText())
        .contains("m\\u0000\\u001B[2J")
        .endsWith("forged rejected");
  }

  /** Every string of the line, field names and nested values included. */
  private static void collectStrings(JsonNode node, List<String> into) {
    if (node.isTextual()) {
      into.add(node.asText());
    }
    node.fieldNames().forEachRemaining(into::add);
    node.elements().forEachRemaining(child -> collectStrings(child, into));
  }

  @Test
  void noMdcEntryOrKeyValueReplacesTheMessageOrLevel() throws Exception {
    String line =
        JsonLine.of(
            NOW,
            Level.WARN,
            "x",
            "the message",
            Map.of("message", "from mdc"),
            List.of(
                new KeyValuePair("level", "TRACE"),
                new KeyValuePair("other", new StringBuilder("text"))),
            null);

    JsonNode json = JSON.readTree(line);
    assertThat(json.get("message").asText()).isEqualTo("the message");
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("other").asText()).isEqualTo("text");
  }

  @Test
  void theThresholdFollowsLambdasApplicationLogLevelAndFallsBackToInfo() {
    assertThat(JsonLogProvider.threshold(null)).isEqualTo(Level.INFO);
    assertThat(JsonLogProvider.threshold("DEBUG")).isEqualTo(Level.DEBUG);
    assertThat(JsonLogProvider.threshold("warn")).isEqualTo(Level.WARN);
    assertThat(JsonLogProvider.threshold("FATAL")).isEqualTo(Level.ERROR);
  }

  @Test
  void anUnknownLogLevelMeansInfoAndIsSaidOnceOnStderr() {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(JsonLogProvider.threshold("LOUD")).isEqualTo(Level.INFO);
    } finally {
      System.setErr(stderr);
    }

    assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "JsonLogProvider: AWS_LAMBDA_LOG_LEVEL=\"LOUD\" "
                + "is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL; logging at INFO"
                + System.lineSeparator());
  }

  @Test
  void theAwsSdkLogsAtWarnWhateverTheThreshold() {
    JsonLoggerFactory factory =
        new JsonLoggerFactory(Level.DEBUG, new org.slf4j.helpers.BasicMDCAdapter());

    assertThat(factory.getLogger("software.amazon.awssdk.request").isInfoEnabled()).isFalse();
    assertThat(factory.getLogger("software.amazon.awssdk.request").isWarnEnabled()).isTrue();
    assertThat(factory.getLogger("dev.partitionbuilder.core.PartitionBuilder").isDebugEnabled())
        .isTrue();
  }
}
