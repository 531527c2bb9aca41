package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.stree.JacksonJrsTreeCodec;
import com.fasterxml.jackson.jr.stree.JrSimpleTreeExtension;
import com.fasterxml.jackson.jr.stree.JrsNumber;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a message body into the month to build. Accepted bodies:
 *
 * <ul>
 *   <li>explicit: {@code {"month": 3, "year": 2024}} with JSON integers (not strings: {@code "03"}
 *       is rejected, so there is exactly one way to write a month); other fields are ignored;
 *   <li>an EventBridge Scheduler event ({@code "source": "aws.scheduler"}) or EventBridge rule
 *       event ({@code "source": "aws.events"}) with {@code "detail-type": "Scheduled Event"}: the
 *       month of the day before {@code time}, taken in the schedule's time zone;
 *   <li>a schedule's own input {@code {"scheduledTime": "<aws.scheduler.scheduled-time>"}}: the
 *       same rule as the scheduled events.
 * </ul>
 *
 * Anything else throws {@link InvalidTriggerException} with a one-line reason naming the field and
 * value at fault. A month that has not started yet (in the schedule's time zone) is rejected.
 */
public final class TriggerParser {
  // Jackson jr's tree rather than databind's: the same parser core at a twelfth of the size in
  // the Lambda zip, and fewer classes to load at cold start.
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JacksonJrsTreeCodec TREES = new JacksonJrsTreeCodec();
  private static final Pattern YEAR_MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
  private static final String SCHEDULED_TIME = "scheduledTime";

  private final ZoneId zone;
  private final Clock clock;

  public TriggerParser(ZoneId zone, Clock clock) {
    this.zone = requireNonNull(zone, "zone is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public Trigger parse(String body) {
    if (body == null || body.isBlank()) {
      throw new InvalidTriggerException(
          "message body is empty: expected {\"month\": M, \"year\": YYYY} "
              + "or an EventBridge Scheduled Event");
    }
    JsonNode root = read(body);
    if (!root.isObject()) {
      throw new InvalidTriggerException(
          "message body must be a JSON object, got "
              + kind(root)
              + " "
              + SafeText.quote(root.toString()));
    }
    if (isEventBridgeEvent(root)) {
      return scheduledEvent(root);
    }
    if (root.has(SCHEDULED_TIME)) {
      if (root.has("month") || root.has("year")) {
        String other = root.has("month") ? "month" : "year";
        throw new InvalidTriggerException(
            "message has both "
                + SCHEDULED_TIME
                + " ("
                + shown(root.get(SCHEDULED_TIME))
                + ") and "
                + other
                + " ("
                + shown(root.get(other))
                + "): give one or the other");
      }
      return scheduled(SCHEDULED_TIME, root.get(SCHEDULED_TIME));
    }
    return explicit(root);
  }

  /**
   * The body as a tree. Whatever the text holds, this either returns or throws {@link
   * InvalidTriggerException}: Jackson's own limits (nesting deeper than 1,000, a number of more
   * than 1,000 digits) end here as rejections like any other malformed body.
   */
  private static JsonNode read(String body) {
    try (JsonParser parser = new UniqueKeys(FACTORY.createParser(body))) {
      return read(parser, body);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read a message body held in memory", e);
    }
  }

  /** Reads while the parser is open, so that it can still say where it stopped. */
  private static JsonNode read(JsonParser parser, String body) throws IOException {
    try {
      JsonNode root = new JsonNode(TREES.readTree(parser));
      if (parser.nextToken() != null) {
        throw new JsonParseException(
            parser, "Trailing token (of type " + parser.currentToken() + ") found after value");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new InvalidTriggerException(
          "message body exceeds a limit of the JSON reader ("
              + e.getOriginalMessage()
              + where(e, parser)
              + "): "
              + SafeText.quote(body));
    } catch (JsonProcessingException e) {
      throw new InvalidTriggerException(
          "message body is not JSON ("
              + e.getOriginalMessage()
              + where(e, parser)
              + "): "
              + SafeText.quote(body));
    }
  }

  /** Jackson's constraint exceptions carry no location; the parser still knows where it stopped. */
  private static String where(JsonProcessingException e, JsonParser parser) {
    JsonLocation location = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
    return location == null
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /**
   * Refuses a key given twice in one object, at any depth, naming it and where it is: {@code
   * {"month": 3, "month": 4}} would otherwise mean whichever came last, and there is to be exactly
   * one way to write a month. Jackson's STRICT_DUPLICATE_DETECTION does the same check but says
   * "not JSON" in a message we would have to pick apart to name the key.
   */
  private static final class UniqueKeys extends JsonParserDelegate {
    private final Deque<Set<String>> objects = new ArrayDeque<>();

    UniqueKeys(JsonParser parser) {
      super(parser);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken token = super.nextToken();
      if (token == JsonToken.START_OBJECT) {
        objects.push(new HashSet<>());
      } else if (token == JsonToken.END_OBJECT) {
        objects.pop();
      } else if (token == JsonToken.FIELD_NAME && !objects.peek().add(currentName())) {
        throw new InvalidTriggerException(
            "key "
                + SafeText.quote(currentName())
                + " appears twice in one object (at "
                + SafeText.quote(getParsingContext().pathAsPointer().toString())
                + "): give each key once, so that a message says one thing");
      }
      return token;
    }
  }

  /** A month given as {@code YYYY-MM} on a command line, held to the same rules as a message. */
  public YearMonth parseMonth(String text) {
    Matcher m = YEAR_MONTH.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new InvalidTriggerException(
          "month " + SafeText.quote(text) + " is not in the form YYYY-MM, such as 2024-03");
    }
    int month = Integer.parseInt(m.group(2));
    if (month < 1 || month > 12) {
      throw new InvalidTriggerException(
          "month " + SafeText.quote(text) + ": the month must be 01 to 12");
    }
    return requireStarted(YearMonth.of(Integer.parseInt(m.group(1)), month));
  }

  private Trigger explicit(JsonNode root) {
    int month = integer(root, "month", 1, 12, "from 1 to 12");
    int year = integer(root, "year", 1000, 9999, "of four digits");
    return new Trigger(requireStarted(YearMonth.of(year, month)), "explicit");
  }

  /**
   * EventBridge events carry an AWS "source" and a "detail-type". A "source" of our own, or a
   * "detail-type" beside a month or year, in an explicit message is just an extra field; a
   * "detail-type" without month and year is taken as an event whose source is wrong or missing.
   */
  private static boolean isEventBridgeEvent(JsonNode root) {
    JsonNode source = root.get("source");
    if (source != null && source.isTextual() && source.asText().startsWith("aws.")) {
      return true;
    }
    return root.has("detail-type") && !root.has("month") && !root.has("year");
  }

  private Trigger scheduledEvent(JsonNode root) {
    JsonNode source = root.get("source");
    String name = source != null && source.isTextual() ? source.asText() : null;
    if (!"aws.scheduler".equals(name) && !"aws.events".equals(name)) {
      throw new InvalidTriggerException(
          "source: expected \"aws.scheduler\" or \"aws.events\", got " + shown(source));
    }
    JsonNode detailType = root.get("detail-type");
    if (detailType == null
        || !detailType.isTextual()
        || !detailType.asText().equals("Scheduled Event")) {
      throw new InvalidTriggerException(
          "detail-type: expected \"Scheduled Event\" for source "
              + name
              + ", got "
              + shown(detailType));
    }
    return scheduled("time", root.get("time"));
  }

  private Trigger scheduled(String field, JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new InvalidTriggerException(
          field + " is missing: a scheduled event needs its ISO-8601 time");
    }
    if (!node.isTextual()) {
      throw new InvalidTriggerException(
          field
              + ": expected an ISO-8601 time string such as "
              + "\"2024-04-01T00:30:00Z\", got "
              + shown(node));
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(node.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidTriggerException(
          field
              + ": "
              + shown(node)
              + " is not an ISO-8601 time with offset, such as \"2024-04-01T00:30:00Z\"",
          e);
    }
    // The schedule fires on the first of the month to build the month before: "the day before",
    // taken where the schedule lives. 00:30 on 1 March in Berlin is 23:30 on 28/29 February in UTC.
    LocalDate dayBefore = time.atZone(zone).toLocalDate().minusDays(1);
    YearMonth month = YearMonth.from(dayBefore);
    return new Trigger(
        requireStarted(month), "schedule " + node.asText() + " (" + zoneName() + ")");
  }

  private YearMonth requireStarted(YearMonth month) {
    if (month.getYear() < 1000 || month.getYear() > 9999) {
      throw new InvalidTriggerException("year: expected four digits, got " + month.getYear());
    }
    LocalDate today = LocalDate.now(clock.withZone(zone));
    if (month.isAfter(YearMonth.from(today))) {
      throw new InvalidTriggerException(
          "month " + month + " has not started yet (today is " + today + " in " + zoneName() + ")");
    }
    return month;
  }

  /** The zone as people name it: UTC, not java.time's "Z" for the zero offset. */
  private String zoneName() {
    return zone instanceof ZoneOffset offset && offset.getTotalSeconds() == 0
        ? "UTC"
        : zone.getId();
  }

  private static int integer(JsonNode root, String field, int min, int max, String range) {
    JsonNode node = root.get(field);
    if (node == null) {
      throw new InvalidTriggerException(
          field
              + " is missing: expected {\"month\": M, \"year\": YYYY} "
              + "or an EventBridge Scheduled Event");
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      String hint =
          node.isTextual() && node.asText().strip().matches("\\d{1,4}")
              ? " (write it as a number, without quotes)"
              : "";
      throw new InvalidTriggerException(
          field + ": expected a JSON integer " + range + ", got " + shown(node) + hint);
    }
    int value = node.intValue();
    if (value < min || value > max) {
      throw new InvalidTriggerException(
          field + ": expected a JSON integer " + range + ", got " + value);
    }
    return value;
  }

  private static String shown(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing (the field is missing)";
    }
    if (node.isNull()) {
      return "null";
    }
    String text = node.toString();
    return kind(node) + " " + (text.length() > 80 ? text.substring(0, 77) + "..." : text);
  }

  private static String kind(JsonNode node) {
    return switch (node.value.asToken()) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> String.valueOf(node.value.asToken()).toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The few questions the parser asks of a JSON value, over Jackson jr's tree. */
  private static final class JsonNode {
    private static final JSON WRITER =
        JSON.builder().register(new JrSimpleTreeExtension(TREES)).build();
    private final JrsValue value;

    JsonNode(JrsValue value) {
      this.value = requireNonNull(value, "value is null");
    }

    boolean has(String field) {
      return value.get(field) != null;
    }

    JsonNode get(String field) {
      JrsValue child = value.get(field);
      return child == null ? null : new JsonNode(child);
    }

    boolean isObject() {
      return value.isObject();
    }

    boolean isTextual() {
      return value.asToken() == JsonToken.VALUE_STRING;
    }

    boolean isNull() {
      return value.asToken() == JsonToken.VALUE_NULL;
    }

    boolean isMissingNode() {
      return value.isMissingNode();
    }

    boolean isIntegralNumber() {
      return value.asToken() == JsonToken.VALUE_NUMBER_INT;
    }

    boolean canConvertToInt() {
      Number number = ((JrsNumber) value).getValue();
      return number instanceof Integer
          || number instanceof Short
          || number instanceof Byte
          || number instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE;
    }

    int intValue() {
      return ((JrsNumber) value).getValue().intValue();
    }

    String asText() {
      return value.asText();
    }

    /** Compact JSON, as the message carried it. */
    @Override
    public String toString() {
      try {
        return WRITER.asString(value);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot print a parsed JSON value", e);
      }
    }
  }
}
