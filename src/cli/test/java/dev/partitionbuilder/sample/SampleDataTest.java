package dev.partitionbuilder.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final Pattern FILE_NAME =
      Pattern.compile("cloudtrail_(\\d{8})_\\d{3}\\.json\\.gz");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private static final Pattern EVENT_TIME =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** One line as written, with the day of the directory holding its file. */
  record Line(LocalDate day, String text) {}

  /** March 2024 with 2,000 events and seed 42, written once and only read by the tests below. */
  @TempDir static Path shared;

  private static SampleData.Summary summary;
  private static List<Line> lines;
  private static List<JsonNode> events;

  @BeforeAll
  static void writeMarch() throws IOException {
    summary = SampleData.generate(shared, MARCH, 2_000, 42);
    lines = readLines(shared, MARCH);
    events = new ArrayList<>();
    for (Line line : lines) {
      JsonNode event = parse(line.text());
      if (event != null) {
        events.add(event);
      }
    }
  }

  @Test
  void writesOneToThreeGzipFilesForEveryDayOfTheMonthAndNothingElse() throws IOException {
    Path month = shared.resolve("2024/03");

    assertThat(list(month))
        .containsExactlyElementsOf(
            Stream.iterate(1, d -> d + 1).limit(31).map(d -> String.format("%02d", d)).toList());
    for (int d = 1; d <= 31; d++) {
      List<String> files = list(month.resolve(String.format("%02d", d)));
      assertThat(files).hasSizeBetween(1, 3);
      for (String name : files) {
        Matcher m = FILE_NAME.matcher(name);
        assertThat(m.matches()).as(name).isTrue();
        assertThat(m.group(1)).isEqualTo(String.format("202403%02d", d));
        byte[] head =
            Arrays.copyOf(
                Files.readAllBytes(month.resolve(String.format("%02d", d)).resolve(name)), 10);
        assertThat(head[0] & 0xff).as("gzip magic").isEqualTo(0x1f);
        assertThat(head[1] & 0xff).as("gzip magic").isEqualTo(0x8b);
        assertThat(Arrays.copyOfRange(head, 4, 8))
            .as("gzip mtime, which must not vary")
            .containsOnly(0);
      }
    }
  }

  @Test
  void writesOneNonBlankLinePerEventEachEndingInANewline() throws IOException {
    for (Path file : files(shared.resolve("2024/03"))) {
      String text = gunzip(file);
      if (!text.isEmpty()) {
        assertThat(text).as(file.toString()).endsWith("\n");
      }
      assertThat(text).doesNotContain("\r").doesNotContain("\n\n").doesNotStartWith("\n");
    }
    assertThat(lines).hasSize(2_002).allSatisfy(line -> assertThat(line.text()).isNotBlank());
  }

  @Test
  void aMonthAppearsWholeAndWhatAStoppedGenerationLeftIsRemoved(@TempDir Path root)
      throws IOException {
    // A generation stopped midway (Ctrl-C, kill -9) left its partial month beside the month, never
    // in it.
    Path stopped = Files.createDirectories(root.resolve("2024/.05.generating-1234/01"));
    Files.writeString(stopped.resolve("cloudtrail_20240501_000.json.gz"), "half");

    SampleData.generate(root, YearMonth.of(2024, 5), 100, 42);

    assertThat(list(root.resolve("2024"))).containsExactly("05");
    assertThat(list(root.resolve("2024/05"))).hasSize(31);
  }

  @Test
  void givesAFebruaryOfALeapYear29DayDirectoriesAndOtherFebruaries28(@TempDir Path root)
      throws IOException {
    SampleData.generate(root, YearMonth.of(2024, 2), 100, 42);
    SampleData.generate(root, YearMonth.of(2023, 2), 100, 42);

    assertThat(list(root.resolve("2024/02"))).hasSize(29).last().isEqualTo("29");
    assertThat(list(root.resolve("2023/02"))).hasSize(28).last().isEqualTo("28");
  }

  @Test
  void writesAFileForEveryDayEvenWhenAskedForNoEvents(@TempDir Path root) throws IOException {
    SampleData.Summary empty = SampleData.generate(root, YearMonth.of(2024, 4), 0, 42);

    assertThat(empty)
        .isEqualTo(new SampleData.Summary(YearMonth.of(2024, 4), 0, 0, 30, empty.bytes()));
    assertThat(files(root.resolve("2024/04"))).hasSize(30);
    assertThat(readLines(root, YearMonth.of(2024, 4))).isEmpty();
  }

  @Test
  void writesByteIdenticalFilesForTheSameMonthCountAndSeed(
      @TempDir Path first, @TempDir Path second) throws IOException {
    SampleData.generate(first, MARCH, 2_000, 42);
    SampleData.generate(second, MARCH, 2_000, 42);

    Map<String, byte[]> a = contents(first);
    Map<String, byte[]> b = contents(second);
    assertThat(a.keySet()).isEqualTo(b.keySet()).isEqualTo(contents(shared).keySet());
    a.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(b.get(name)));
  }

  @Test
  void writesDifferentFilesForADifferentSeed(@TempDir Path root) throws IOException {
    SampleData.generate(root, MARCH, 2_000, 43);

    Set<String> otherIds = eventIds(readLines(root, MARCH));
    assertThat(otherIds).hasSize(2_000).doesNotContainAnyElementsOf(eventIds(lines));
  }

  @Test
  void givesEveryMonthEventIdsOfItsOwn(@TempDir Path root) throws IOException {
    SampleData.generate(root, MARCH.plusMonths(1), 2_000, 42);

    Set<String> april = eventIds(readLines(root, MARCH.plusMonths(1)));
    assertThat(april).hasSize(2_000).doesNotContainAnyElementsOf(eventIds(lines));
  }

  @Test
  void reportsTheLinesMalformedLinesFilesAndBytesThatAreOnDisk() throws IOException {
    List<Path> files = files(shared.resolve("2024/03"));
    long bytes = 0;
    for (Path file : files) {
      bytes += Files.size(file);
    }

    assertThat(summary.month()).isEqualTo(MARCH);
    assertThat(summary.lines()).isEqualTo(lines.size()).isEqualTo(2_002);
    assertThat(summary.malformedLines()).isEqualTo(lines.size() - events.size()).isEqualTo(2);
    assertThat(summary.files()).isEqualTo(files.size());
    assertThat(summary.bytes()).isEqualTo(bytes);
  }

  @Test
  void malformedLinesAreExactlyTheLinesJacksonCannotParse() {
    List<String> unparseable =
        lines.stream().map(Line::text).filter(text -> parse(text) == null).toList();

    assertThat(unparseable).hasSize((int) summary.malformedLines());
    assertThat(unparseable).anySatisfy(text -> assertThat(text).isEqualTo("not json at all"));
    assertThat(unparseable)
        .anySatisfy(text -> assertThat(text).startsWith("{\"eventVersion\":\"1.0"));
    assertThat(events).allSatisfy(event -> assertThat(event.isObject()).isTrue());
  }

  @Test
  void writesTwoMalformedLinesFrom1000EventsOnAndOnePer20000Events(@TempDir Path root)
      throws IOException {
    assertThat(SampleData.generate(root, MARCH, 999, 42).malformedLines()).isZero();
    assertThat(readLines(root, MARCH))
        .allSatisfy(line -> assertThat(parse(line.text())).isNotNull());
    assertThat(SampleData.generate(root, MARCH, 1_000, 42).malformedLines()).isEqualTo(2);
    assertThat(readLines(root, MARCH).stream().filter(line -> parse(line.text()) == null))
        .hasSize(2);
    assertThat(SampleData.malformedLines(59_999)).isEqualTo(2);
    assertThat(SampleData.malformedLines(60_000)).isEqualTo(3);
    assertThat(SampleData.malformedLines(1_000_000)).isEqualTo(50);
  }

  @Test
  void everyEventHasAUniqueIdAndATimeOnTheDayOfItsDirectory() {
    Set<String> ids = new HashSet<>();
    for (Line line : lines) {
      JsonNode event = parse(line.text());
      if (event == null) {
        continue;
      }
      String time = event.path("eventTime").asText();
      assertThat(time).matches(EVENT_TIME);
      assertThat(LocalDate.ofInstant(Instant.parse(time), ZoneOffset.UTC)).isEqualTo(line.day());
      assertThat(event.path("eventID").asText()).matches(UUID);
      ids.add(event.path("eventID").asText());
    }
    assertThat(ids).hasSize(2_000);
  }

  @Test
  void usesCloudTrailsOwnKeysAndCasing() {
    for (JsonNode event : events) {
      assertThat(names(event))
          .contains(
              "eventVersion",
              "userIdentity",
              "eventTime",
              "eventSource",
              "eventName",
              "awsRegion",
              "sourceIPAddress",
              "userAgent",
              "requestParameters",
              "responseElements",
              "eventID",
              "readOnly",
              "eventType",
              "managementEvent",
              "recipientAccountId",
              "eventCategory");
      assertThat(names(event))
          .doesNotContain("eventId", "requestId", "sourceIpAddress", "useridentity");
      assertThat(event.get("readOnly").isBoolean()).isTrue();
      assertThat(event.get("managementEvent").isBoolean()).isTrue();
      assertThat(event.path("eventVersion").asText()).isIn("1.08", "1.09");
      assertThat(event.path("recipientAccountId").asText()).matches("\\d{12}");
      if (!event.path("eventName").asText().equals("ConsoleLogin")) {
        assertThat(names(event)).contains("requestID");
      }
      for (JsonNode resource : event.path("resources")) {
        assertThat(names(resource)).contains("ARN", "type").doesNotContain("arn");
      }
    }
    assertThat(events)
        .anySatisfy(event -> assertThat(event.path("resources").path(0).has("accountId")).isTrue());
  }

  @Test
  void nestsOnlyFieldsTheSourceTableDeclares() throws IOException {
    Map<String, Object> columns =
        SourceTable.columns(Files.readString(Path.of("ddl/cloudtrail_daily.sql"), UTF_8));

    for (JsonNode event : events) {
      for (Map.Entry<String, JsonNode> field : event.properties()) {
        String column = field.getKey().toLowerCase(Locale.ROOT);
        if (column.equals("managementevent")) {
          continue; // a real CloudTrail field the table leaves out
        }
        assertThat(columns).as("column for %s", field.getKey()).containsKey(column);
        SourceTable.assertFits(field.getKey(), field.getValue(), columns.get(column));
      }
    }
  }

  @Test
  void writesAllFiveIdentityTypesIn2000Events() {
    assertThat(
            events.stream()
                .map(event -> event.path("userIdentity").path("type").asText())
                .distinct())
        .containsExactlyInAnyOrder("IAMUser", "AssumedRole", "AWSService", "Root", "AWSAccount");
  }

  @Test
  void awsServiceEventsNameTheInvokingServiceInsteadOfAPrincipal() {
    List<JsonNode> service = withIdentity("AWSService");

    assertThat(service)
        .isNotEmpty()
        .allSatisfy(
            event -> {
              JsonNode identity = event.get("userIdentity");
              assertThat(identity.path("invokedBy").asText()).endsWith(".amazonaws.com");
              assertThat(identity.has("principalId")).isFalse();
              assertThat(identity.has("arn")).isFalse();
              assertThat(event.path("sourceIPAddress").asText())
                  .isEqualTo(identity.path("invokedBy").asText());
            });
  }

  @Test
  void assumedRoleEventsNameTheRoleThatIssuedTheSession() {
    List<JsonNode> assumed = withIdentity("AssumedRole");

    assertThat(assumed)
        .isNotEmpty()
        .allSatisfy(
            event -> {
              JsonNode identity = event.get("userIdentity");
              JsonNode issuer = identity.path("sessionContext").path("sessionIssuer");
              assertThat(issuer.path("type").asText()).isEqualTo("Role");
              assertThat(issuer.path("arn").asText())
                  .startsWith("arn:aws:iam::" + identity.path("accountId").asText() + ":role/");
              assertThat(identity.path("arn").asText())
                  .contains(":assumed-role/" + issuer.path("userName").asText() + "/");
              assertThat(identity.path("principalId").asText())
                  .startsWith(issuer.path("principalId").asText() + ":");
              assertThat(
                      identity
                          .path("sessionContext")
                          .path("attributes")
                          .path("creationDate")
                          .asText())
                  .matches(EVENT_TIME);
            });
  }

  @Test
  void otherCallersAreNamedAsCloudTrailNamesThem() {
    assertThat(withIdentity("IAMUser"))
        .isNotEmpty()
        .allSatisfy(
            event ->
                assertThat(event.path("userIdentity").path("arn").asText())
                    .isEqualTo(
                        "arn:aws:iam::"
                            + event.path("userIdentity").path("accountId").asText()
                            + ":user/"
                            + event.path("userIdentity").path("userName").asText()));
    assertThat(withIdentity("Root"))
        .isNotEmpty()
        .allSatisfy(
            event -> assertThat(event.path("userIdentity").path("arn").asText()).endsWith(":root"));
    assertThat(withIdentity("AWSAccount"))
        .isNotEmpty()
        .allSatisfy(
            event -> {
              assertThat(event.path("userIdentity").path("accountId").asText())
                  .isNotEqualTo(event.path("recipientAccountId").asText());
              assertThat(event.has("sharedEventID")).isTrue();
            });
  }

  @Test
  void sourceAddressesAreIPv4UnlessAServiceCalled() {
    for (JsonNode event : events) {
      String address = event.path("sourceIPAddress").asText();
      if (event.path("userIdentity").path("type").asText().equals("AWSService")) {
        continue;
      }
      Matcher m = IPV4.matcher(address);
      assertThat(m.matches()).as(address).isTrue();
      for (int i = 1; i <= 4; i++) {
        assertThat(Integer.parseInt(m.group(i))).as(address).isBetween(0, 255);
      }
    }
  }

  @Test
  void about5PercentOfEventsFailWithAnErrorCodeAndMessage() {
    List<JsonNode> failed = events.stream().filter(event -> event.has("errorCode")).toList();

    assertThat(failed.size()).isBetween(40, 200);
    assertThat(failed)
        .allSatisfy(
            event -> {
              assertThat(event.path("errorMessage").asText()).isNotBlank();
              assertThat(event.get("responseElements").isNull()).isTrue();
            });
    assertThat(failed.stream().map(event -> event.get("errorCode").asText()))
        .contains("AccessDenied")
        .anyMatch(code -> code.contains("Throttling") || code.contains("LimitExceeded"));
  }

  @Test
  void about40PercentOfEventsListResourcesAndTheOthersHaveNoResourcesKey() {
    long withResources = events.stream().filter(event -> event.has("resources")).count();

    assertThat(withResources).isBetween(600L, 1_000L);
    assertThat(events)
        .filteredOn(event -> event.has("resources"))
        .allSatisfy(
            event ->
                assertThat(event.get("resources").isArray() && event.get("resources").size() > 0)
                    .isTrue());
  }

  @Test
  void variesTheFieldsCloudTrailWritesOnlySometimes() {
    assertThat(distinct("eventSource"))
        .contains(
            "s3.amazonaws.com",
            "ec2.amazonaws.com",
            "iam.amazonaws.com",
            "sts.amazonaws.com",
            "lambda.amazonaws.com",
            "kms.amazonaws.com");
    assertThat(distinct("eventType")).contains("AwsApiCall", "AwsServiceEvent");
    assertThat(distinct("eventCategory")).containsExactlyInAnyOrder("Management", "Data");
    assertThat(distinct("readOnly")).containsExactlyInAnyOrder("true", "false");
    assertThat(distinct("awsRegion").size()).isGreaterThan(2);
    assertSometimes(event -> event.get("requestParameters").isNull());
    assertSometimes(
        event ->
            event.get("requestParameters").isObject()
                && event.get("requestParameters").elements().hasNext()
                && hasNestedObject(event.get("requestParameters")));
    assertSometimes(event -> event.get("responseElements").isObject());
    assertSometimes(event -> event.has("tlsDetails"));
    assertSometimes(event -> event.has("sharedEventID"));
    assertSometimes(event -> event.has("vpcEndpointId"));
    assertSometimes(event -> event.has("additionalEventData"));
  }

  @Test
  void givesEachEventNameOneSource() {
    Map<String, Set<String>> sources = new TreeMap<>();
    for (JsonNode event : events) {
      sources
          .computeIfAbsent(event.path("eventName").asText(), name -> new HashSet<>())
          .add(event.path("eventSource").asText());
    }

    assertThat(sources)
        .hasSizeGreaterThan(20)
        .allSatisfy((name, set) -> assertThat(set).as(name).hasSize(1));
  }

  @Test
  void regeneratingAMonthReplacesItsFilesAndLeavesEveryOtherFileAlone(@TempDir Path root)
      throws IOException {
    SampleData.generate(root, YearMonth.of(2024, 3), 500, 42);
    SampleData.generate(root, YearMonth.of(2024, 4), 500, 42);
    SampleData.generate(root, YearMonth.of(2023, 3), 500, 42);
    Path stray = Files.writeString(root.resolve("2024/03/05/stray.json.gz"), "old");
    Path notes = Files.writeString(root.resolve("2024/notes.txt"), "keep me");
    Map<String, byte[]> before = contents(root);

    SampleData.Summary again = SampleData.generate(root, YearMonth.of(2024, 3), 300, 7);

    assertThat(stray).doesNotExist();
    assertThat(notes).hasContent("keep me");
    assertThat(readLines(root, YearMonth.of(2024, 3))).hasSize(300);
    assertThat(again.lines()).isEqualTo(300);
    Map<String, byte[]> after = contents(root);
    before.forEach(
        (name, bytes) -> {
          if (!name.startsWith("2024/03/")) {
            assertThat(after.get(name)).as(name).isEqualTo(bytes);
          }
        });
    assertThat(after.keySet().stream().filter(name -> !name.startsWith("2024/03/")))
        .containsExactlyInAnyOrderElementsOf(
            before.keySet().stream().filter(name -> !name.startsWith("2024/03/")).toList());
  }

  @Test
  void rejectsANegativeEventCountAndWritesNothing(@TempDir Path root) {
    assertThatThrownBy(() -> SampleData.generate(root, MARCH, -1, 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events must be 0 or more, got -1");
    assertThat(root).isEmptyDirectory();
  }

  private static void assertSometimes(Predicate<JsonNode> condition) {
    assertThat(events).anyMatch(condition).anyMatch(condition.negate());
  }

  private static boolean hasNestedObject(JsonNode node) {
    for (JsonNode child : node) {
      if (child.isContainerNode()) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> distinct(String field) {
    Set<String> values = new HashSet<>();
    events.forEach(event -> values.add(event.path(field).asText()));
    return values;
  }

  private static List<JsonNode> withIdentity(String type) {
    return events.stream()
        .filter(event -> event.path("userIdentity").path("type").asText().equals(type))
        .toList();
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static Set<String> eventIds(List<Line> lines) {
    Set<String> ids = new HashSet<>();
    for (Line line : lines) {
      JsonNode event = parse(line.text());
      if (event != null) {
        ids.add(event.path("eventID").asText());
      }
    }
    return ids;
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Every file under {@code root}, by its path relative to root with '/' separators. */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    for (Path file : files(root)) {
      contents.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
    }
    return contents;
  }

  private static String gunzip(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of every file of {@code month}, split on '\n' only, in file order. */
  static List<Line> readLines(Path root, YearMonth month) throws IOException {
    List<Line> lines = new ArrayList<>();
    Path dir = root.resolve(String.format("%04d/%02d", month.getYear(), month.getMonthValue()));
    for (Path file : files(dir)) {
      LocalDate day = month.atDay(Integer.parseInt(file.getParent().getFileName().toString()));
      String text = gunzip(file);
      int start = 0;
      for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        lines.add(new Line(day, text.substring(start, end)));
        start = end + 1;
      }
      assertThat(text.substring(start)).as("text after the last newline of %s", file).isEmpty();
    }
    return lines;
  }
}
