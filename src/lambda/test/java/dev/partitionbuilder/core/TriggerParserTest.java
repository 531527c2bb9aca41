package dev.partitionbuilder.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TriggerParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** "Today" for every test: 15 May 2024, so March and April 2024 have started and June has not. */
  private static final Clock MAY_15 = Clock.fixed(Instant.parse("2024-05-15T12:00:00Z"), UTC);

  private final TriggerParser parser = new TriggerParser(UTC, MAY_15);

  @Nested
  class ExplicitMonth {
    @Test
    void readsAnExplicitMessageWithASourceFieldOfItsOwnAsExplicit() {
      Trigger trigger = parser.parse("{\"source\": \"manual\", \"month\": 3, \"year\": 2024}");

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(trigger.origin()).isEqualTo("explicit");
    }

    @Test
    void acceptsMonthAndYearAsJsonIntegers() {
      Trigger trigger = parser.parse("{\"month\": 3, \"year\": 2024}");

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(trigger.origin()).isEqualTo("explicit");
    }

    @Test
    void ignoresUnknownExtraFields() {
      Trigger trigger =
          parser.parse(
              "{\"year\": 2024, \"note\": \"rerun after the March outage\", \"month\": 3, \"by\": {\"user\": \"ops\"}}");

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
    }

    @Test
    void readsAMessageWithADetailTypeButNoSourceAsExplicitTakingTheDetailTypeForAnExtraField() {
      Trigger trigger = parser.parse("{\"month\":3,\"year\":2024,\"detail-type\":\"note\"}");

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(trigger.origin()).isEqualTo("explicit");
    }

    @ParameterizedTest(name = "month {0} of {1}")
    @CsvSource({"1, 2024", "12, 2023", "1, 1000"})
    void acceptsTheFirstAndLastMonthOfAYear(int month, int year) {
      assertThat(parser.parse("{\"month\": " + month + ", \"year\": " + year + "}").month())
          .isEqualTo(YearMonth.of(year, month));
    }

    @Test
    void acceptsTheCurrentMonthBecauseItHasStarted() {
      assertThat(parser.parse("{\"month\": 5, \"year\": 2024}").month())
          .isEqualTo(YearMonth.of(2024, 5));
    }

    @Test
    void rejectsAMonthThatHasNotStartedYetNamingTheMonthAndToday() {
      assertThat(rejection("{\"month\": 6, \"year\": 2024}"))
          .contains("2024-06", "has not started", "2024-05-15", "UTC");
    }

    @Test
    void rejectsAFutureYear() {
      assertThat(rejection("{\"month\": 1, \"year\": 2025}")).contains("2025-01", "2024-05-15");
    }

    @Test
    void decidesWhetherAMonthHasStartedInTheScheduleTimeZone() {
      // 22:30 UTC on 30 April is already 00:30 on 1 May in Berlin (CEST, UTC+2).
      Clock lateOnApril30 = Clock.fixed(Instant.parse("2024-04-30T22:30:00Z"), UTC);
      String may = "{\"month\": 5, \"year\": 2024}";

      assertThat(new TriggerParser(BERLIN, lateOnApril30).parse(may).month())
          .isEqualTo(YearMonth.of(2024, 5));
      assertThat(rejection(new TriggerParser(UTC, lateOnApril30), may))
          .contains("2024-05", "2024-04-30", "UTC");
    }

    /** java.time names the zero offset "Z"; the CLI parses its --month in it, and says UTC. */
    @Test
    void aMonthNotStartedYetNamesTheZeroOffsetUtcNotZ() {
      assertThatThrownBy(
              () -> new TriggerParser(java.time.ZoneOffset.UTC, MAY_15).parseMonth("2024-06"))
          .isInstanceOf(InvalidTriggerException.class)
          .hasMessage("month 2024-06 has not started yet (today is 2024-05-15 in UTC)");
    }

    @Test
    void rejectsDigitStringsForMonth() {
      assertThat(rejection("{\"month\": \"03\", \"year\": 2024}"))
          .startsWith("month")
          .contains("\"03\"", "without quotes");
    }

    @Test
    void rejectsDigitStringsForYear() {
      assertThat(rejection("{\"month\": 3, \"year\": \"2024\"}"))
          .startsWith("year")
          .contains("\"2024\"", "without quotes");
    }
  }

  @Nested
  class ScheduledEvents {
    @Test
    void takesTheMonthOfTheDayBeforeTheSchedulerDefaultEventTime() {
      Trigger trigger = parser.parse(fixture("scheduler-default.json"));

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(trigger.origin()).contains("2024-04-01T00:30:00Z", "UTC");
    }

    @Test
    void readsTheSchedulerDefaultFixtureAsSentBySchedulerWithDetailAsAString() throws IOException {
      // Guards the fixture itself: Scheduler's default body carries detail as the string "{}".
      assertThat(JSON.readTree(fixture("scheduler-default.json")).get("detail").isTextual())
          .isTrue();
      assertThat(JSON.readTree(fixture("events-rule.json")).get("detail").isObject()).isTrue();
    }

    @ParameterizedTest(name = "{0} at {1} builds {2}")
    @CsvSource({
      "scheduler-default.json, 2024-04-01T00:30:00Z, 2024-03",
      "scheduler-default.json, 2024-03-15T00:00:00Z, 2024-03",
      "scheduler-default.json, 2024-01-01T00:00:00Z, 2023-12",
      "scheduler-default.json, 2024-03-01T00:00:00+01:00, 2024-02",
      "events-rule.json, 2024-04-01T00:30:00Z, 2024-03",
      "events-rule.json, 2024-03-15T00:00:00Z, 2024-03",
      "events-rule.json, 2024-01-01T00:00:00Z, 2023-12",
    })
    void takesTheMonthOfTheDayBeforeTheEventTime(String fixture, String time, String expected) {
      assertThat(parser.parse(withTime(fixture, time)).month())
          .isEqualTo(YearMonth.parse(expected));
    }

    @Test
    void takesTheSameMonthFromTheScheduleOwnInput() {
      Trigger trigger = parser.parse(fixture("schedule-input.json"));

      assertThat(trigger.month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(trigger.origin()).contains("2024-04-01T00:30:00Z");
    }

    @Test
    void rejectsAScheduledRunWhoseMonthHasNotStartedYet() {
      assertThat(rejection(withTime("scheduler-default.json", "2024-06-02T00:30:00Z")))
          .contains("2024-06", "has not started", "2024-05-15");
    }
  }

  @Nested
  class TimeZone {
    private final TriggerParser berlin = new TriggerParser(BERLIN, MAY_15);

    @Test
    void buildsFebruaryForARunAtHalfPastMidnightOnTheFirstOfMarchInBerlin() {
      // 00:30 on 1 March 2024 in Berlin (CET, UTC+1); the day before is 29 February either way.
      String body = withTime("scheduler-default.json", "2024-02-29T23:30:00Z");

      assertThat(berlin.parse(body).month()).isEqualTo(YearMonth.of(2024, 2));
      assertThat(parser.parse(body).month()).isEqualTo(YearMonth.of(2024, 2));
    }

    @Test
    void buildsMarchForARunAtHalfPastMidnightOnTheFirstOfAprilInBerlin() {
      // 00:30 on 1 April 2024 in Berlin (CEST, UTC+2); the day before is 31 March in Berlin, 30
      // March in UTC.
      String body = withTime("scheduler-default.json", "2024-03-31T22:30:00Z");

      assertThat(berlin.parse(body).month()).isEqualTo(YearMonth.of(2024, 3));
      assertThat(parser.parse(body).month()).isEqualTo(YearMonth.of(2024, 3));
    }

    @ParameterizedTest(name = "{0}: {1} in Berlin, {2} in UTC")
    @CsvSource({
      // 00:30 on 2 April in Berlin, still 1 April in UTC.
      "2024-04-01T22:30:00Z, 2024-04, 2024-03",
      // 00:30 on 2 January in Berlin (CET), still New Year's Day in UTC.
      "2024-01-01T23:30:00Z, 2024-01, 2023-12",
    })
    void takesTheDayBeforeInTheScheduleTimeZone(String time, String inBerlin, String inUtc) {
      String body = withTime("scheduler-default.json", time);

      assertThat(berlin.parse(body).month()).isEqualTo(YearMonth.parse(inBerlin));
      assertThat(parser.parse(body).month()).isEqualTo(YearMonth.parse(inUtc));
      assertThat(berlin.parse(body).origin()).contains("Europe/Berlin");
    }

    @Test
    void takesTheDayBeforeInAZoneWestOfUtc() {
      // 22:00 on 1 April in New York (EDT, UTC-4) is already 2 April in UTC.
      String body = "{\"scheduledTime\": \"2024-04-02T02:00:00Z\"}";

      assertThat(new TriggerParser(ZoneId.of("America/New_York"), MAY_15).parse(body).month())
          .isEqualTo(YearMonth.of(2024, 3));
      assertThat(parser.parse(body).month()).isEqualTo(YearMonth.of(2024, 4));
    }
  }

  @Nested
  class Rejections {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.partitionbuilder.core.TriggerParserTest#rejectedBodies")
    void rejectsWithAOneLineMessageNamingTheFieldAndValue(
        String why, String body, List<String> named) {
      String message = rejection(body);

      assertThat(message).contains(named).doesNotContain("\n").doesNotContain("\r");
    }
  }

  static Stream<Arguments> rejectedBodies() {
    return Stream.of(
        rejected("not JSON", "month: 3\nyear: 2024", "not JSON", "\"month: 3\\nyear: 2024\""),
        rejected(
            "trailing garbage after an object",
            "{\"month\": 3, \"year\": 2024} x",
            "not JSON",
            "2024} x"),
        rejected(
            "trailing second object", "{\"month\": 3, \"year\": 2024}{}", "not JSON", "2024}{}"),
        rejected("empty body", "", "message body is empty"),
        rejected("blank body", "  \n\t ", "message body is empty"),
        rejected("a JSON array", "[3, 2024]", "JSON object", "an array", "[3,2024]"),
        rejected("a JSON string at the root", "\"2024-03\"", "JSON object", "a string", "2024-03"),
        rejected("a JSON number at the root", "202403", "JSON object", "an integer", "202403"),
        rejected("JSON null at the root", "null", "JSON object", "null"),
        rejected("month 3.5", "{\"month\": 3.5, \"year\": 2024}", "month", "a decimal number 3.5"),
        rejected("month null", "{\"month\": null, \"year\": 2024}", "month", "got null"),
        rejected(
            "month \"March\"",
            "{\"month\": \"March\", \"year\": 2024}",
            "month",
            "a string \"March\""),
        rejected("month true", "{\"month\": true, \"year\": 2024}", "month", "a boolean true"),
        rejected(
            "month an object",
            "{\"month\": {\"value\": 3}, \"year\": 2024}",
            "month",
            "an object {\"value\":3}"),
        rejected("month 0", "{\"month\": 0, \"year\": 2024}", "month", "got 0"),
        rejected("month 13", "{\"month\": 13, \"year\": 2024}", "month", "got 13"),
        rejected(
            "month too big for an int",
            "{\"month\": 4294967299, \"year\": 2024}",
            "month",
            "4294967299"),
        rejected("year 24", "{\"month\": 3, \"year\": 24}", "year", "got 24"),
        rejected("year 10000", "{\"month\": 3, \"year\": 10000}", "year", "got 10000"),
        rejected("missing month", "{\"year\": 2024}", "month is missing"),
        rejected("missing year", "{\"month\": 3}", "year is missing"),
        rejected(
            "time unparseable",
            event(e -> e.put("time", "yesterday")),
            "time",
            "\"yesterday\"",
            "ISO-8601"),
        rejected(
            "time without offset",
            event(e -> e.put("time", "2024-04-01T00:30:00")),
            "time",
            "\"2024-04-01T00:30:00\""),
        rejected(
            "time a number",
            event(e -> e.put("time", 1711931400)),
            "time",
            "an integer 1711931400"),
        rejected("time missing", event(e -> e.remove("time")), "time is missing"),
        rejected("time null", event(e -> e.putNull("time")), "time is missing"),
        rejected("source aws.s3", event(e -> e.put("source", "aws.s3")), "source", "\"aws.s3\""),
        rejected("source not a string", event(e -> e.put("source", 7)), "source", "an integer 7"),
        rejected(
            "wrong detail-type",
            event(e -> e.put("detail-type", "Object Created")),
            "detail-type",
            "\"Object Created\""),
        rejected(
            "missing detail-type", event(e -> e.remove("detail-type")), "detail-type", "missing"),
        rejected(
            "scheduledTime unparseable",
            "{\"scheduledTime\": \"<aws.scheduler.scheduled-time>\"}",
            "scheduledTime",
            "<aws.scheduler.scheduled-time>"),
        rejected(
            "both scheduledTime and month",
            "{\"scheduledTime\": \"2024-04-01T00:30:00Z\", \"month\": 3, \"year\": 2024}",
            "scheduledTime (a string \"2024-04-01T00:30:00Z\")",
            "month (an integer 3)"),
        rejected(
            "both scheduledTime and year",
            "{\"scheduledTime\": \"2024-04-01T00:30:00Z\", \"year\": 2024}",
            "scheduledTime (a string \"2024-04-01T00:30:00Z\")",
            "year (an integer 2024)"),
        rejected(
            "a month written twice",
            "{\"month\": 3, \"month\": 4, \"year\": 2024}",
            "key \"month\" appears twice",
            "\"/month\""),
        rejected(
            "a key twice in a nested extra field",
            "{\"month\": 3, \"year\": 2024, \"by\": {\"u\": 1, \"u\": 2}}",
            "key \"u\" appears twice",
            "\"/by/u\""),
        rejected(
            "nesting deeper than 1,000",
            "[".repeat(1_001) + "]".repeat(1_001),
            "limit of the JSON reader",
            "nesting depth (1001)",
            "line 1, column 1002"),
        rejected(
            "a number of more than 1,000 digits",
            "{\"month\": " + "9".repeat(1_001) + "}",
            "limit of the JSON reader",
            "Number value length (1001)"),
        rejected(
            "a detail-type without source, month or year",
            "{\"detail-type\": \"Scheduled Event\"}",
            "source",
            "missing"),
        rejected(
            "a huge body is shortened, not echoed",
            "x".repeat(10_000),
            "not JSON",
            "x".repeat(70) + "..."));
  }

  @Nested
  class ParseMonth {
    @Test
    void acceptsYearDashMonth() {
      assertThat(parser.parseMonth("2024-03")).isEqualTo(YearMonth.of(2024, 3));
    }

    @Test
    void acceptsTheCurrentMonth() {
      assertThat(parser.parseMonth("2024-05")).isEqualTo(YearMonth.of(2024, 5));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {"2024-3", "24-03", "2024-13", "2024-00", "March", "", "2024/03", "2024-03-01"})
    void rejectsAnythingButAStartedMonthWrittenYyyyMm(String text) {
      assertThat(rejection(() -> parser.parseMonth(text))).contains("month", "\"" + text + "\"");
    }

    @Test
    void rejectsAMonthThatHasNotStartedYet() {
      assertThat(rejection(() -> parser.parseMonth("2024-06"))).contains("2024-06", "2024-05-15");
    }
  }

  private String rejection(String body) {
    return rejection(parser, body);
  }

  private static String rejection(TriggerParser parser, String body) {
    return rejection(() -> parser.parse(body));
  }

  private static String rejection(Runnable call) {
    InvalidTriggerException e = catchThrowableOfType(InvalidTriggerException.class, call::run);
    assertThat(e).as("expected an InvalidTriggerException").isNotNull();
    return e.getMessage();
  }

  private static Arguments rejected(String why, String body, String... named) {
    return Arguments.of(why, body, List.of(named));
  }

  /** The Scheduler's default event with one change. */
  private static String event(Consumer<ObjectNode> change) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(fixture("scheduler-default.json"));
      change.accept(event);
      return JSON.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String withTime(String fixture, String time) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(fixture(fixture));
      event.put("time", time);
      return JSON.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fixture(String name) {
    try (InputStream in = TriggerParserTest.class.getResourceAsStream("/events/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test fixture events/" + name);
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
