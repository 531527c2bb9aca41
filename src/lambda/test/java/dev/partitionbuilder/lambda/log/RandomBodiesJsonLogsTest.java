package dev.partitionbuilder.lambda.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PollPolicy;
import dev.partitionbuilder.core.SafeText;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.lambda.Handler;
import dev.partitionbuilder.lambda.HandlerTestAccess;
import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Property: nothing a message body or messageId holds makes the handler throw, and every record
 * either builds or fails as a batch item failure with a logged reason on one line. Thousands of
 * seeded random bodies (mutations of the valid ones, random text, control characters, deep nesting,
 * huge numbers, duplicate keys, wrong types, truncations) go through the real handler and builder
 * over the fakes, logging through the Lambda's JSON provider (this class runs in the json-logs
 * JVM).
 *
 * <p>The seed is random per run and printed; replay a failure with {@code -Dfuzz.seed=<seed>}.
 */
class RandomBodiesJsonLogsTest {
  private static final int EVENTS = 550;
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUEUE =
      "arn:aws:sqs:us-east-1:123456789012:partition-builder-trigger";

  /**
   * What random text is drawn from: JSON syntax, digits, every kind of control character, awkward
   * unicode.
   */
  private static final String ALPHABET =
      "{}[]\":,\\ -+.eE0123456789truefalsnmonthyear"
          + "\u0000\u0001\u0007\u0008\t\n\u000b\f\r\u001b\u001f\u007f\u0080\u0085\u009b\u009f\u2028\u2029"
          + "é€\u00a0\ufeff\u202e\uffff\ud800\udc00😀";

  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-10T08:00:00Z"));
  private final Context context = mock(Context.class);

  @Test
  void noBodyOrMessageIdThrowsOutOfTheHandlerAndEveryRecordBuildsOrFailsWithAOneLineReason() {
    assertThat(LoggerFactory.getILoggerFactory())
        .as("the JSON provider (surefire execution json-logs)")
        .isInstanceOf(JsonLoggerFactory.class);
    long seed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
    System.err.println(
        "RandomBodiesJsonLogsTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    Journal journal = new Journal();
    FakeObjectStore store = new FakeObjectStore(journal);
    Handler handler =
        HandlerTestAccess.handler(
            new TriggerParser(ZoneOffset.UTC, clock),
            new dev.partitionbuilder.core.PartitionBuilder(
                LAYOUT,
                CtasTemplate.bundled(),
                store,
                new FakeCatalog(journal),
                new FakeQueryEngine(journal, clock).writesInto(store),
                BuildSettings.defaults(
                    new PollPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8))),
                clock,
                clock::advance),
            Duration.ofSeconds(30),
            clock);
    when(context.getRemainingTimeInMillis()).thenReturn(900_000);
    when(context.getAwsRequestId()).thenReturn("req-1");
    List<String> valid = validBodies();
    Map<String, Integer> outcomes = new HashMap<>();

    for (int e = 0; e < EVENTS; e++) {
      boolean fifo = random.nextInt(5) == 0;
      List<SQSMessage> records = new ArrayList<>();
      for (int r = 1 + random.nextInt(10); r > 0; r--) {
        records.add(message(messageId(random), body(random, valid), fifo, random));
      }
      SQSEvent event = new SQSEvent();
      event.setRecords(records);

      Run run = run(handler, event, seed);

      for (SQSMessage record : records) {
        String id = record.getMessageId();
        String why =
            String.format(
                "seed %d, messageId %s, body %s",
                seed, SafeText.quote(id), SafeText.quote(record.getBody()));
        List<JsonNode> lines =
            run.lines().stream()
                .filter(line -> line.path("messageId").asText().equals(SafeText.escape(id)))
                .toList();
        if (run.failed().contains(id)) {
          List<JsonNode> reasons =
              lines.stream()
                  .filter(line -> Set.of("ERROR", "WARN").contains(line.get("level").asText()))
                  .toList();
          assertThat(reasons).as("the logged reason of a failed record: %s", why).isNotEmpty();
          outcomes.merge(
              reasons.get(reasons.size() - 1).get("message").asText().contains(" rejected: ")
                  ? "rejected"
                  : "not built",
              1,
              Integer::sum);
        } else {
          assertThat(lines)
              .as("a record not reported failed was built: %s", why)
              .anySatisfy(line -> assertThat(line.path("outcome").asText()).isEqualTo("succeeded"));
          outcomes.merge("built", 1, Integer::sum);
        }
      }
    }
    System.err.println("RandomBodiesJsonLogsTest seed " + seed + ": " + outcomes);
    assertThat(outcomes.get("built"))
        .as("seed %d: some random bodies are valid and build", seed)
        .isPositive();
    assertThat(outcomes.get("rejected")).as("seed %d", seed).isGreaterThan(outcomes.get("built"));
  }

  private record Run(Set<String> failed, List<JsonNode> lines) {}

  private Run run(Handler handler, SQSEvent event, long seed) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    SQSBatchResponse response;
    System.setOut(new PrintStream(captured, true, UTF_8));
    try {
      response = handler.handleRequest(event, context);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(
          "seed "
              + seed
              + ": handleRequest threw for the bodies "
              + event.getRecords().stream().map(m -> SafeText.quote(m.getBody())).toList(),
          e);
    } finally {
      System.setOut(stdout);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(UTF_8).split("\n")) {
      JsonNode json;
      try {
        json = JSON.readTree(line);
      } catch (IOException e) {
        throw new AssertionError(
            "seed " + seed + ": a log line that is not JSON: " + SafeText.quote(line), e);
      }
      assertThat(json.isObject()).as("seed %d: %s", seed, line).isTrue();
      List<String> strings = new ArrayList<>();
      collectStrings(json, strings);
      assertThat(strings)
          .as("seed %d: the strings of %s", seed, line)
          .allSatisfy(
              text -> assertThat(text.chars()).noneMatch(RandomBodiesJsonLogsTest::isControl));
      lines.add(json);
    }
    Set<String> ids =
        event.getRecords().stream().map(SQSMessage::getMessageId).collect(Collectors.toSet());
    Set<String> failed =
        response.getBatchItemFailures().stream()
            .map(BatchItemFailure::getItemIdentifier)
            .collect(Collectors.toSet());
    assertThat(ids).as("seed %d: failures name records of the batch", seed).containsAll(failed);
    return new Run(failed, lines);
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029;
  }

  private static void collectStrings(JsonNode node, List<String> into) {
    if (node.isTextual()) {
      into.add(node.asText());
    }
    node.fieldNames().forEachRemaining(into::add);
    node.elements().forEachRemaining(child -> collectStrings(child, into));
  }

  private static SQSMessage message(String id, String body, boolean fifo, Random random) {
    SQSMessage message = new SQSMessage();
    message.setMessageId(id);
    message.setBody(body);
    message.setEventSourceArn(fifo ? QUEUE + ".fifo" : QUEUE);
    Map<String, String> attributes = new HashMap<>();
    attributes.put("ApproximateReceiveCount", random.nextInt(8) == 0 ? randomText(random, 4) : "1");
    if (fifo) {
      attributes.put("MessageGroupId", "g" + random.nextInt(3));
    }
    message.setAttributes(attributes);
    return message;
  }

  /** Mostly SQS's UUIDs; one in eight carries random text, control characters included. */
  private static String messageId(Random random) {
    UUID uuid = new UUID(random.nextLong(), random.nextLong());
    return random.nextInt(8) == 0 ? uuid + randomText(random, 12) : uuid.toString();
  }

  private static String body(Random random, List<String> valid) {
    String base = valid.get(random.nextInt(valid.size()));
    return switch (random.nextInt(10)) {
      case 0 -> base;
      case 1 -> randomText(random, 1 + random.nextInt(200));
      case 2 -> "[".repeat(990 + random.nextInt(30)) + base + "]".repeat(990 + random.nextInt(30));
      case 3 -> "{\"month\": " + "1".repeat(990 + random.nextInt(30)) + ", \"year\": 2024}";
      case 4 -> duplicateKey(random, base);
      case 5 -> base.substring(0, random.nextInt(base.length()));
      case 6 -> wrongType(random);
      default -> mutate(random, base, 1 + random.nextInt(4));
    };
  }

  private static String duplicateKey(Random random, String base) {
    String[] keys = {"month", "year", "source", "time", "detail-type", "scheduledTime", "detail"};
    String key = keys[random.nextInt(keys.length)];
    return base.replaceFirst(
        "\\{", "{\"" + key + "\": " + (random.nextBoolean() ? "4" : "\"x\"") + ", ");
  }

  private static String wrongType(Random random) {
    String[] values = {
      "\"03\"",
      "null",
      "true",
      "[]",
      "{}",
      "3.0",
      "-3",
      "1e1",
      "\"\\u0003\"",
      "\"\u2028\"",
      "4294967299",
      "99999999999999999999"
    };
    return "{\"month\": "
        + values[random.nextInt(values.length)]
        + ", \"year\": "
        + values[random.nextInt(values.length)]
        + "}";
  }

  /** {@code count} random edits: a character inserted, deleted or replaced, or a slice repeated. */
  private static String mutate(Random random, String base, int count) {
    StringBuilder text = new StringBuilder(base);
    for (int i = 0; i < count; i++) {
      int at = text.length() == 0 ? 0 : random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 1 -> {
          if (text.length() > 0) {
            text.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (text.length() > 0) {
            text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          }
        }
        default ->
            text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(20))));
      }
    }
    return text.toString();
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(
          random.nextInt(4) == 0
              ? (char) random.nextInt(0x10000)
              : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  /** The bodies the tests and examples hold, mostly valid: what the mutations start from. */
  private static List<String> validBodies() {
    List<String> bodies =
        new ArrayList<>(
            List.of(
                "{\"month\": 3, \"year\": 2024}",
                "{\"month\":3,\"year\":2024,\"detail-type\":\"note\"}",
                "{\"year\": 2024, \"note\": \"rerun after the March outage\", \"month\": 3, \"by\": {\"user\": \"ops\"}}",
                "{\"source\": \"manual\", \"month\": 1, \"year\": 2024}"));
    for (String fixture :
        List.of("events-rule.json", "schedule-input.json", "scheduler-default.json")) {
      bodies.add(resource("events/" + fixture));
    }
    try {
      for (JsonNode record :
          JSON.readTree(Files.readString(Path.of("examples/sqs-event.json"))).get("Records")) {
        bodies.add(record.get("body").asText());
      }
      for (JsonNode record : JSON.readTree(resource("sqs/mixed-batch.json")).get("Records")) {
        bodies.add(record.get("body").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bodies;
  }

  private static String resource(String name) {
    try (InputStream in =
        RandomBodiesJsonLogsTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test fixture " + name);
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
