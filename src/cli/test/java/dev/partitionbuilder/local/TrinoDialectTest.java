package dev.partitionbuilder.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each expected value is Trino's documented result (https://trino.io/docs/current/functions/...),
 * the doc's own example where it has one, or what Trino's source does where the doc is silent; the
 * comment above a test says which.
 */
class TrinoDialectTest {
  private Connection duckdb;

  @BeforeEach
  void connect() throws SQLException {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    TrinoDialect.install(duckdb);
  }

  @AfterEach
  void close() throws SQLException {
    duckdb.close();
  }

  // ---- helpers: run "SELECT <trino expression>" through translate() ----

  private ResultSet select(String trinoExpression) throws SQLException {
    ResultSet result = duckdb.createStatement().executeQuery("SELECT " + TrinoDialect.translate(trinoExpression));
    assertThat(result.next()).isTrue();
    return result;
  }

  private Object value(String trinoExpression) throws SQLException {
    return select(trinoExpression).getObject(1);
  }

  private String string(String trinoExpression) throws SQLException {
    return (String) value(trinoExpression);
  }

  private long bigint(String trinoExpression) throws SQLException {
    return ((Number) value(trinoExpression)).longValue();
  }

  private LocalDateTime timestamp(String trinoExpression) throws SQLException {
    ResultSet result = select(trinoExpression);
    assertThat(result.getMetaData().getColumnTypeName(1)).isEqualTo("TIMESTAMP");
    return result.getObject(1, LocalDateTime.class);
  }

  private Instant timestampWithTimeZone(String trinoExpression) throws SQLException {
    ResultSet result = select(trinoExpression);
    assertThat(result.getMetaData().getColumnTypeName(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
    OffsetDateTime value = result.getObject(1, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private LocalDate date(String trinoExpression) throws SQLException {
    ResultSet result = select(trinoExpression);
    assertThat(result.getMetaData().getColumnTypeName(1)).isEqualTo("DATE");
    return result.getObject(1, LocalDate.class);
  }

  private List<Object> array(String trinoExpression) throws SQLException {
    java.sql.Array array = select(trinoExpression).getArray(1);
    return array == null ? null : Arrays.asList((Object[]) array.getArray());
  }

  private String failure(String trinoExpression) {
    return catchThrowableOfType(SQLException.class, () -> value(trinoExpression)).getMessage();
  }

  private static String notSupported(String trinoSql) {
    PartitionBuilderException e =
        catchThrowableOfType(PartitionBuilderException.class, () -> TrinoDialect.translate(trinoSql));
    assertThat(e).as("translate(%s) should fail", trinoSql).isNotNull();
    assertThat(e.getMessage()).startsWith("not supported locally: ").doesNotContain("\n");
    return e.getMessage();
  }

  private static LocalDateTime at(String isoLocal) {
    return LocalDateTime.parse(isoLocal);
  }

  @Nested
  class DateAndTime {
    // datetime.md, from_iso8601_timestamp: '2020-05-11T11:15:05.055+01:00' -> 2020-05-11 11:15:05.055 +01:00
    @Test
    void fromIso8601TimestampReadsANumericOffsetAndFractionalSeconds() throws SQLException {
      assertThat(timestampWithTimeZone("from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')"))
          .isEqualTo(Instant.parse("2020-05-11T10:15:05.055Z"));
    }

    // datetime.md: the time defaults to 00:00:00.000 and the zone to the session's (UTC on Athena)
    @Test
    void fromIso8601TimestampDefaultsTheTimeToMidnightAndTheZoneToTheSessionsUtc() throws SQLException {
      assertThat(timestampWithTimeZone("from_iso8601_timestamp('2020-05-11')"))
          .isEqualTo(Instant.parse("2020-05-11T00:00:00Z"));
      assertThat(timestampWithTimeZone("from_iso8601_timestamp('2020-05-11T11:15:05')"))
          .isEqualTo(Instant.parse("2020-05-11T11:15:05Z"));
    }

    // CloudTrail's eventTime shape; timestamp(3): digits past the millisecond are dropped
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2024-03-05T10:20:30Z, 2024-03-05T10:20:30Z",
        "2024-03-05T10:20:30.123456Z, 2024-03-05T10:20:30.123Z",
        "2024-03-05T12:20:30+0200, 2024-03-05T10:20:30Z",
        "2024-03-05T05:20:30-05, 2024-03-05T10:20:30Z"})
    void fromIso8601TimestampAcceptsZuluAndEveryOffsetForm(String text, String instant) throws SQLException {
      assertThat(timestampWithTimeZone("from_iso8601_timestamp('" + text + "')")).isEqualTo(Instant.parse(instant));
    }

    @Test
    void fromIso8601TimestampOfNullIsNullAndOfGarbageFails() throws SQLException {
      assertThat(timestampWithTimeZone("from_iso8601_timestamp(NULL)")).isNull();
      assertThat(failure("from_iso8601_timestamp('05/11/2020')")).contains("05/11/2020");
    }

    // datetime.md, from_iso8601_date examples
    @ParameterizedTest(name = "{0}")
    @CsvSource({"2020-05-11, 2020-05-11", "2020-W10, 2020-03-02", "2020-123, 2020-05-02"})
    void fromIso8601DateReadsCalendarWeekAndOrdinalDates(String text, String expected) throws SQLException {
      assertThat(date("from_iso8601_date('" + text + "')")).isEqualTo(LocalDate.parse(expected));
    }

    // ToIso8601 (source): uuuu-MM-dd'T'HH:mm:ss plus the fraction, and ZoneOffset's id: Z for UTC
    @Test
    void toIso8601FormatsDatesTimestampsAndUtcTimestampsWithTimeZone() throws SQLException {
      assertThat(string("to_iso8601(DATE '2020-05-11')")).isEqualTo("2020-05-11");
      assertThat(string("to_iso8601(from_iso8601_timestamp('2020-05-11T11:15:05.055Z'))"))
          .isEqualTo("2020-05-11T11:15:05.055Z");
      assertThat(string("to_iso8601(CAST(from_iso8601_timestamp('2020-05-11T11:15:05.055Z') AS timestamp))"))
          .isEqualTo("2020-05-11T11:15:05.055");
      assertThat(value("to_iso8601(CAST(NULL AS timestamp))")).isNull();
    }

    // datetime.md: unixtime is the number of seconds since 1970-01-01 00:00:00 UTC
    @Test
    void fromUnixtimeTakesSecondsWithAFractionAsATimestampWithTimeZone() throws SQLException {
      assertThat(timestampWithTimeZone("from_unixtime(1589195705.055)")).isEqualTo(Instant.parse("2020-05-11T11:15:05.055Z"));
      assertThat(timestampWithTimeZone("from_unixtime(0)")).isEqualTo(Instant.EPOCH);
      assertThat(timestampWithTimeZone("from_unixtime(1589195705, 'Europe/Berlin')"))
          .isEqualTo(Instant.parse("2020-05-11T11:15:05Z"));
      assertThat(timestampWithTimeZone("from_unixtime(NULL)")).isNull();
    }

    @Test
    void toUnixtimeReturnsSecondsAsADouble() throws SQLException {
      assertThat(value("to_unixtime(from_iso8601_timestamp('2020-05-11T11:15:05.055Z'))")).isEqualTo(1589195705.055);
      assertThat(value("to_unixtime(TIMESTAMP '1970-01-01 00:00:01.500')")).isEqualTo(1.5);
      assertThat(value("to_unixtime(CAST(NULL AS timestamp))")).isNull();
    }

    // datetime.md, date_add examples
    @Test
    void dateAddMatchesTheDocumentedExamples() throws SQLException {
      assertThat(timestamp("date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00')")).isEqualTo(at("2020-03-01T00:01:26"));
      assertThat(timestamp("date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')")).isEqualTo(at("2020-03-01T09:00:00"));
      assertThat(timestampWithTimeZone("date_add('day', -1, TIMESTAMP '2020-03-01 00:00:00 UTC')"))
          .isEqualTo(Instant.parse("2020-02-29T00:00:00Z"));
    }

    // datetime.md: timestamp '2012-10-31 01:00' + interval '1' month = 2012-11-30 01:00 (date_add adds the same Joda field)
    @Test
    void dateAddOfAMonthStopsAtTheEndOfAShorterMonthAndKeepsTheInputType() throws SQLException {
      assertThat(timestamp("date_add('month', 1, TIMESTAMP '2012-10-31 01:00')")).isEqualTo(at("2012-11-30T01:00:00"));
      assertThat(date("date_add('month', 1, DATE '2012-10-31')")).isEqualTo(LocalDate.parse("2012-11-30"));
      assertThat(timestamp("date_add('day', NULL, TIMESTAMP '2012-10-31 01:00')")).isNull();
    }

    // DateTimeFunctions.getDateField (source): a DATE has no hours
    @Test
    void dateAddRejectsATimeUnitForADate() {
      assertThat(failure("date_add('hour', 1, DATE '2020-03-01')")).contains("'hour' is not a valid DATE field");
    }

    // datetime.md, date_diff examples
    @Test
    void dateDiffMatchesTheDocumentedExamples() throws SQLException {
      assertThat(bigint("date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00')")).isEqualTo(86400);
      assertThat(bigint("date_diff('hour', TIMESTAMP '2020-03-01 00:00:00 UTC', TIMESTAMP '2020-03-02 00:00:00 UTC')")).isEqualTo(24);
      assertThat(bigint("date_diff('day', DATE '2020-03-01', DATE '2020-03-02')")).isEqualTo(1);
      assertThat(bigint("date_diff('second', TIMESTAMP '2020-06-01 12:30:45.000000', TIMESTAMP '2020-06-02 12:30:45.123456')"))
          .isEqualTo(86400);
      assertThat(bigint("date_diff('millisecond', TIMESTAMP '2020-06-01 12:30:45.000000', TIMESTAMP '2020-06-02 12:30:45.123456')"))
          .isEqualTo(86400123);
    }

    // DateDiff (source) counts whole units with Joda's getDifferenceAsLong, not boundaries crossed
    @Test
    void dateDiffCountsWholeUnitsNotBoundariesCrossed() throws SQLException {
      assertThat(bigint("date_diff('day', TIMESTAMP '2024-01-01 23:00', TIMESTAMP '2024-01-02 01:00')")).isEqualTo(0);
      assertThat(bigint("date_diff('day', TIMESTAMP '2024-01-02 01:00', TIMESTAMP '2024-01-01 23:00')")).isEqualTo(0);
      assertThat(bigint("date_diff('month', TIMESTAMP '2024-01-31 10:00', TIMESTAMP '2024-02-29 09:00')")).isEqualTo(0);
      assertThat(bigint("date_diff('month', TIMESTAMP '2024-01-31 10:00', TIMESTAMP '2024-02-29 10:00')")).isEqualTo(1);
      assertThat(bigint("date_diff('year', DATE '2020-02-29', DATE '2021-02-28')")).isEqualTo(1);
      assertThat(value("date_diff('day', NULL, TIMESTAMP '2024-01-01 23:00')")).isNull();
    }

    // datetime.md, the date_trunc table for 2001-08-22 03:04:05.321
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "millisecond, 2001-08-22T03:04:05.321",
        "second, 2001-08-22T03:04:05",
        "minute, 2001-08-22T03:04:00",
        "hour, 2001-08-22T03:00:00",
        "day, 2001-08-22T00:00:00",
        "week, 2001-08-20T00:00:00",
        "month, 2001-08-01T00:00:00",
        "quarter, 2001-07-01T00:00:00",
        "year, 2001-01-01T00:00:00"})
    void dateTruncMatchesTheDocumentedTableAndKeepsATimestampATimestamp(String unit, String expected) throws SQLException {
      assertThat(timestamp("date_trunc('" + unit + "', TIMESTAMP '2001-08-22 03:04:05.321')")).isEqualTo(at(expected));
    }

    @Test
    void dateTruncKeepsADateADateAndATimestampWithTimeZoneInUtc() throws SQLException {
      assertThat(date("date_trunc('month', DATE '2022-10-20')")).isEqualTo(LocalDate.parse("2022-10-01"));
      assertThat(timestampWithTimeZone("date_trunc('day', from_iso8601_timestamp('2022-10-20T23:10:00Z'))"))
          .isEqualTo(Instant.parse("2022-10-20T00:00:00Z"));
    }

    // datetime.md, date_format and date_parse examples
    @Test
    void dateFormatAndDateParseMatchTheDocumentedExamples() throws SQLException {
      assertThat(string("date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H')")).isEqualTo("10-20-2022 05");
      assertThat(timestamp("date_parse('2022/10/20/05', '%Y/%m/%d/%H')")).isEqualTo(at("2022-10-20T05:00:00"));
    }

    // datetime.md, the MySQL specifier table; %f prints 6 digits of a value truncated to milliseconds
    @Test
    void dateFormatPrintsEverySupportedSpecifier() throws SQLException {
      assertThat(string("date_format(TIMESTAMP '2022-10-20 15:04:09.123456', "
          + "'%a|%b|%c|%d|%e|%f|%H|%h|%I|%i|%j|%k|%l|%M|%m|%p|%r|%S|%s|%T|%v|%W|%x|%Y|%y|%%|%Q')"))
          .isEqualTo("Thu|Oct|10|20|20|123000|15|03|03|04|293|15|3|October|10|PM|03:04:09 PM|09|09|15:04:09"
              + "|42|Thursday|2022|2022|22|%|Q");
    }

    // datetime.md: %y reads 70 as 1970 and 69 as 2069; %f reads 1 to 9 digits; fields default to 1970-01-01 00:00
    @Test
    void dateParseReadsTwoDigitYearsFractionsAndDefaultsMissingFields() throws SQLException {
      assertThat(timestamp("date_parse('70', '%y')")).isEqualTo(at("1970-01-01T00:00:00"));
      assertThat(timestamp("date_parse('69', '%y')")).isEqualTo(at("2069-01-01T00:00:00"));
      assertThat(timestamp("date_parse('05:10:09.123456789', '%H:%i:%s.%f')")).isEqualTo(at("1970-01-01T05:10:09.123"));
      assertThat(timestamp("date_parse('10/20/2022 3:04:09 PM', '%m/%d/%Y %l:%i:%s %p')")).isEqualTo(at("2022-10-20T15:04:09"));
      assertThat(timestamp("date_parse(NULL, '%Y')")).isNull();
    }

    // datetime.md: "The following specifiers are not currently supported: %D %U %u %V %w %X"
    @ParameterizedTest
    @ValueSource(strings = {"%D", "%U", "%u", "%V", "%w", "%X"})
    void dateFormatRejectsTheSpecifiersTrinoDoesNotSupport(String specifier) {
      PartitionBuilderException e = catchThrowableOfType(
          PartitionBuilderException.class, () -> TrinoDialect.translate("date_format(x, '" + specifier + "')"));
      assertThat(e.getMessage()).contains(specifier + " not supported in date format string");
    }
  }

  @Nested
  class Json {
    // json.md, "Cast to JSON" examples
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CAST(1 AS JSON)|1",
        "CAST(9223372036854775807 AS JSON)|9223372036854775807",
        "CAST('abc' AS JSON)|\"abc\"",
        "CAST(true AS JSON)|true",
        "CAST(1.234 AS JSON)|1.234",
        "CAST(ARRAY[1, 23, 456] AS JSON)|[1,23,456]",
        "CAST(ARRAY[1, NULL, 456] AS JSON)|[1,null,456]",
        "CAST(ARRAY[ARRAY[1, 23], ARRAY[456]] AS JSON)|[[1,23],[456]]",
        "CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[1, 23, 456]) AS JSON)|{\"k1\":1,\"k2\":23,\"k3\":456}",
        "CAST(CAST(ROW(123, 'abc', true) AS ROW(v1 BIGINT, v2 VARCHAR, v3 BOOLEAN)) AS JSON)|{\"v1\":123,\"v2\":\"abc\",\"v3\":true}",
        "CAST('not_json' AS JSON)|\"not_json\"",
        "CAST('[1, 2, 3]' AS JSON)|\"[1, 2, 3]\""})
    void castToJsonMatchesTheDocumentedExamples(String cast, String json) throws SQLException {
      assertThat(string("json_format(" + cast + ")")).isEqualTo(json);
    }

    // json.md: casting a standalone NULL gives SQL NULL, not JSON 'null'
    @Test
    void castOfNullToJsonIsSqlNullAndSoIsItsJsonFormat() throws SQLException {
      assertThat(value("CAST(NULL AS JSON)")).isNull();
      assertThat(value("json_format(CAST(NULL AS JSON))")).isNull();
      assertThat(value("json_format(CAST(CAST(NULL AS ROW(a VARCHAR)) AS JSON))")).isNull();
    }

    // RowToJsonCast (source): field names, in order, with null fields written as null
    @Test
    void castOfARowWithNullFieldsToJsonWritesThemAsNull() throws SQLException {
      assertThat(string("json_format(CAST(CAST(ROW('a', NULL) AS ROW(x VARCHAR, y VARCHAR)) AS JSON))"))
          .isEqualTo("{\"x\":\"a\",\"y\":null}");
    }

    // json.md, json_format and json_parse examples
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "JSON '[1, 2, 3]'|[1,2,3]",
        "JSON '\"a\"'|\"a\"",
        "JSON '{\"a\": 1, \"b\": 2}'|{\"a\":1,\"b\":2}",
        "JSON '42'|42",
        "JSON 'true'|true",
        "JSON 'null'|null",
        "json_parse('[1, 2, 3]')|[1,2,3]",
        "json_parse('\"abc\"')|\"abc\""})
    void jsonFormatGivesCompactText(String json, String text) throws SQLException {
      assertThat(string("json_format(" + json + ")")).isEqualTo(text);
    }

    @Test
    void castOfJsonToJsonLeavesItAsItIs() throws SQLException {
      assertThat(string("json_format(CAST(json_parse('{\"a\": [1, \"x\"]}') AS JSON))")).isEqualTo("{\"a\":[1,\"x\"]}");
    }

    @Test
    void jsonParseRejectsTextThatIsNotJson() {
      assertThat(failure("json_parse('not_json')")).isNotBlank();
    }

    private static final String STORE = "'{\"store\": {\"book\": [{\"category\": \"reference\", \"author\": \"Nigel Rees\","
        + " \"price\": 8.95, \"contributors\": [[\"Adam\", \"Levine\"], [\"Bob\", \"Strong\"]]},"
        + " {\"category\": \"fiction\", \"author\": \"Evelyn Waugh\", \"isbn\": \"0-553-21311-3\", \"last_owner\": null}],"
        + " \"bicycle\": {\"color\": \"red\", \"price\": 19.95}}}'";

    // JsonExtract's javadoc (source): the scalar examples, in dot and bracket notation
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "$.store.book[0].author|Nigel Rees",
        "$.store.bicycle.price|19.95",
        "$.store.book[0].contributors[0][1]|Levine",
        "$[\"store\"][\"book\"][0][\"author\"]|Nigel Rees",
        "$.store[bicycle].color|red"})
    void jsonExtractScalarReadsDotAndBracketPaths(String path, String expected) throws SQLException {
      assertThat(string("json_extract_scalar(" + STORE + ", '" + path + "')")).isEqualTo(expected);
    }

    // JsonExtract's javadoc: a missing key and a JSON null are NULL; json.md: the value must be a scalar
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"$.store.book[0].isbn", "$.store.book[1].last_owner", "$.store.bicycle", "$.store.book", "$.store.book[5]"})
    void jsonExtractScalarIsNullForMissingValuesJsonNullsObjectsAndArrays(String path) throws SQLException {
      assertThat(value("json_extract_scalar(" + STORE + ", '" + path + "')")).isNull();
    }

    // json.md example: json_extract_scalar('[1, 2, 3]', '$[2]')
    @Test
    void jsonExtractScalarReturnsStringsUnquotedAndNumbersAsText() throws SQLException {
      assertThat(string("json_extract_scalar('[1, 2, 3]', '$[2]')")).isEqualTo("3");
      assertThat(string("json_extract_scalar('{\"a\": \"say \\\"hi\\\"\"}', '$.a')")).isEqualTo("say \"hi\"");
      assertThat(string("json_extract_scalar('{\"a\": true}', '$.a')")).isEqualTo("true");
      assertThat(value("json_extract_scalar(NULL, '$.a')")).isNull();
    }

    // JsonExtract's javadoc: JSON values, a JSON null as the JSON text null
    @Test
    void jsonExtractReturnsJsonValues() throws SQLException {
      assertThat(string("json_format(json_extract(" + STORE + ", '$.store.bicycle'))")).isEqualTo("{\"color\":\"red\",\"price\":19.95}");
      assertThat(string("json_format(json_extract(" + STORE + ", '$.store.book[0].author'))")).isEqualTo("\"Nigel Rees\"");
      assertThat(string("json_format(json_extract(" + STORE + ", '$.store.book[1].last_owner'))")).isEqualTo("null");
      assertThat(string("json_format(json_extract(" + STORE + ", '$.store.book[0].contributors[0]'))")).isEqualTo("[\"Adam\",\"Levine\"]");
      assertThat(value("json_extract(" + STORE + ", '$.store.book[0].isbn')")).isNull();
    }

    // JsonExtract.extract (source): a JsonParseException makes the result NULL
    @Test
    void jsonExtractOfTextThatIsNotJsonIsNull() throws SQLException {
      assertThat(value("json_extract('{not json', '$.a')")).isNull();
      assertThat(value("json_extract_scalar('{not json', '$.a')")).isNull();
    }

    // JsonPathTokenizer (source): a path starts with $
    @Test
    void jsonExtractRejectsAnInvalidPath() {
      assertThat(failure("json_extract('{}', 'store.book')")).contains("Invalid JSON path: 'store.book'");
    }

    // json.md: json_array_length('[1, 2, 3]') is 3
    @Test
    void jsonArrayLengthCountsTheElements() throws SQLException {
      assertThat(bigint("json_array_length('[1, 2, 3]')")).isEqualTo(3);
      assertThat(value("json_array_length('{\"a\": 1}')")).isNull();
    }
  }

  @Nested
  class ArraysAndMaps {
    // array.md: 1-based, NULL past the end, negative from the last element
    @ParameterizedTest(name = "element_at(ARRAY[10, 20, 30], {0})")
    @CsvSource({"1, 10", "3, 30", "-1, 30", "-3, 10"})
    void elementAtOfAnArrayCountsFromOneAndFromTheEndWhenNegative(int index, int expected) throws SQLException {
      assertThat(bigint("element_at(ARRAY[10, 20, 30], " + index + ")")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "element_at(ARRAY[10, 20, 30], {0})")
    @ValueSource(ints = {4, -4, 100})
    void elementAtOfAnArrayIsNullOutOfRange(int index) throws SQLException {
      assertThat(value("element_at(ARRAY[10, 20, 30], " + index + ")")).isNull();
    }

    // ArrayElementAtFunction (source): index 0 fails
    @Test
    void elementAtOfAnArrayRejectsIndexZero() {
      assertThat(failure("element_at(ARRAY[10, 20, 30], 0)")).contains("SQL array indices start at 1");
    }

    // map.md: NULL if the key is not contained in the map
    @Test
    void elementAtOfAMapIsTheValueOrNullForAMissingKey() throws SQLException {
      assertThat(string("element_at(MAP(ARRAY['key1', 'key2'], ARRAY['v1', 'v2']), 'key2')")).isEqualTo("v2");
      assertThat(value("element_at(MAP(ARRAY['key1', 'key2'], ARRAY['v1', 'v2']), 'key3')")).isNull();
      assertThat(value("element_at(CAST(NULL AS ARRAY(INTEGER)), 1)")).isNull();
    }

    // array.md and map.md: the size of the array or map
    @Test
    void cardinalityCountsArrayElementsAndMapEntries() throws SQLException {
      assertThat(bigint("cardinality(ARRAY[1, NULL, 3])")).isEqualTo(3);
      assertThat(bigint("cardinality(ARRAY[])")).isEqualTo(0);
      assertThat(bigint("cardinality(MAP(ARRAY['k1', 'k2'], ARRAY[1, 2]))")).isEqualTo(2);
      assertThat(value("cardinality(CAST(NULL AS ARRAY(INTEGER)))")).isNull();
    }

    // array.md: null elements are omitted, or replaced by null_replacement
    @Test
    void arrayJoinOmitsOrReplacesNullElements() throws SQLException {
      assertThat(string("array_join(ARRAY['a', NULL, 'b'], ',')")).isEqualTo("a,b");
      assertThat(string("array_join(ARRAY['a', NULL, 'b'], ',', 'x')")).isEqualTo("a,x,b");
      assertThat(string("array_join(ARRAY[1, NULL, 3], '-', 'n')")).isEqualTo("1-n-3");
      assertThat(value("array_join(ARRAY['a'], NULL)")).isNull();
    }

    // string.md and array.md: concat of strings or arrays; Trino returns NULL for a NULL argument
    @Test
    void concatJoinsStringsAndArraysAndIsNullWithANullArgument() throws SQLException {
      assertThat(string("concat('a', 'b', 'c')")).isEqualTo("abc");
      assertThat(array("concat(ARRAY[1], ARRAY[2, 3])")).containsExactly(1, 2, 3);
      assertThat(value("concat('a', NULL)")).isNull();
    }
  }

  @Nested
  class StringsAndRegularExpressions {
    // regexp.md examples
    @Test
    void regexpFunctionsMatchTheDocumentedExamples() throws SQLException {
      assertThat(value("regexp_like('1a 2b 14m', '\\d+b')")).isEqualTo(true);
      assertThat(string("regexp_extract('1a 2b 14m', '\\d+')")).isEqualTo("1");
      assertThat(string("regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2)")).isEqualTo("a");
      assertThat(array("regexp_extract_all('1a 2b 14m', '\\d+')")).containsExactly("1", "2", "14");
      assertThat(array("regexp_extract_all('1a 2b 14m', '(\\d+)([a-z]+)', 2)")).containsExactly("a", "b", "m");
      assertThat(string("regexp_replace('1a 2b 14m', '\\d+[ab] ')")).isEqualTo("14m");
      assertThat(string("regexp_replace('1a 2b 14m', '(\\d+)([ab]) ', '3c$2 ')")).isEqualTo("3ca 3cb 14m");
      assertThat(bigint("regexp_count('1a 2b 14m', '\\s*[a-z]+\\s*')")).isEqualTo(3);
    }

    // regexp.md: Java pattern syntax, where a named group is (?<name>...)
    @Test
    void regexpFunctionsAcceptJavaNamedGroups() throws SQLException {
      assertThat(string("regexp_extract('1a 2b', '(?<digits>\\d+)(?<letter>[a-z])', 2)")).isEqualTo("a");
      assertThat(string("regexp_replace('1a 2b', '(?<d>\\d)', '<$1>')")).isEqualTo("<1>a <2>b");
    }

    // RegexpFunctions.regexpExtract (source): no match is NULL, not ''
    @Test
    void regexpExtractIsNullWhenNothingMatches() throws SQLException {
      assertThat(value("regexp_extract('abc', 'x')")).isNull();
      assertThat(value("regexp_extract('abc', '(x)(y)', 1)")).isNull();
      assertThat(value("regexp_extract(NULL, 'x')")).isNull();
      assertThat(value("regexp_like(NULL, 'x')")).isNull();
    }

    // regexp.md: a $ is written \$ in the replacement; appendReplacement (source): \x is a literal x
    @Test
    void regexpReplaceReadsTrinoEscapesInTheReplacement() throws SQLException {
      assertThat(string("regexp_replace('price: 5', '(\\d+)', '\\$$1')")).isEqualTo("price: $5");
      assertThat(string("regexp_replace('a.b', '\\.', '\\\\')")).isEqualTo("a\\b");
      assertThat(string("regexp_replace('a-b', '-', CAST(NULL AS VARCHAR))")).isNull();
    }

    // string.md: split keeps trailing empty strings; with a limit the last element holds the rest
    @Test
    void splitKeepsEmptyPartsAndPutsTheRestInTheLastElement() throws SQLException {
      assertThat(array("split('a,b,', ',')")).containsExactly("a", "b", "");
      assertThat(array("split('', ',')")).containsExactly("");
      assertThat(array("split('a,b,c,d', ',', 2)")).containsExactly("a", "b,c,d");
      assertThat(array("split(NULL, ',')")).isNull();
    }

    // string.md: split_part is NULL when the index is larger than the number of fields
    @Test
    void splitPartIsNullPastTheLastField() throws SQLException {
      assertThat(string("split_part('a,b,c', ',', 2)")).isEqualTo("b");
      assertThat(value("split_part('a,b,c', ',', 4)")).isNull();
    }

    // string.md: positions start with 1, 0 if not found; a negative instance searches from the end
    @Test
    void strposCountsFromOneAndFindsTheNthInstanceFromEitherEnd() throws SQLException {
      assertThat(bigint("strpos('high', 'ig')")).isEqualTo(2);
      assertThat(bigint("strpos('high', 'x')")).isEqualTo(0);
      assertThat(bigint("strpos('a,b,c', ',', 2)")).isEqualTo(4);
      assertThat(bigint("strpos('a,b,c', ',', -1)")).isEqualTo(4);
      assertThat(bigint("strpos('a,b,c', ',', -2)")).isEqualTo(2);
      assertThat(bigint("strpos('a,b,c', ',', 3)")).isEqualTo(0);
      assertThat(value("strpos(NULL, ',')")).isNull();
    }

    // url.md: [protocol:][//host[:port]][path][?query][#fragment]
    @Test
    void urlExtractHostReturnsTheHostWithoutPortOrUser() throws SQLException {
      assertThat(string("url_extract_host('http://localhost:8080/req_path')")).isEqualTo("localhost");
      assertThat(string("url_extract_host('https://user@example.com/a?b=c#d')")).isEqualTo("example.com");
      assertThat(value("url_extract_host('/req_path')")).isNull();
    }
  }

  @Nested
  class Format {
    // conversion.md, format examples
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "format('%s%%', 123)|123%",
        "format('%.5f', pi())|3.14159",
        "format('%03d', 8)|008",
        "format('%,.2f', 1234567.89)|1,234,567.89",
        "format('%-7s,%7s', 'hello', 'world')|hello  ,  world",
        "format('%2$s %3$s %1$s', 'a', 'b', 'c')|b c a"})
    void formatMatchesTheDocumentedExamples(String call, String expected) throws SQLException {
      assertThat(string(call)).isEqualTo(expected);
    }

    // FormatFunction (source): a NULL argument reaches java.util.Formatter as null, printed "null"
    @Test
    void formatPrintsNullArgumentsAsJavaDoes() throws SQLException {
      assertThat(string("format('%s|%5d|%b', NULL, CAST(NULL AS INTEGER), NULL)")).isEqualTo("null| null|false");
    }

    @Test
    void formatRejectsDateTimeConversionsAsNotSupportedLocally() {
      assertThat(notSupported("format('%1$tA, %1$tB %1$te, %1$tY', date '2006-07-04')")).contains("%1$tA");
    }
  }

  @Nested
  class Aggregates {
    // aggregate.md: approximates count(DISTINCT x), zero when all inputs are null; exact locally
    @Test
    void approxDistinctCountsDistinctNonNullValuesAndIsZeroForOnlyNulls() throws SQLException {
      ResultSet result = duckdb.createStatement().executeQuery(TrinoDialect.translate(
          "SELECT approx_distinct(x), approx_distinct(CAST(NULL AS INTEGER)) FROM (VALUES (1), (1), (2), (NULL)) AS t(x)"));
      result.next();
      assertThat(result.getLong(1)).isEqualTo(2);
      assertThat(result.getLong(2)).isEqualTo(0);
    }
  }

  @Nested
  class Translation {
    @Test
    void renamesCallsOfProvidedFunctionsToTheirMacros() {
      assertThat(TrinoDialect.translate("SELECT json_format(CAST(x AS JSON)), date_diff('day', a, b) FROM t"))
          .isEqualTo("SELECT trino_json_format(trino_cast_json(x)), trino_date_diff('day', a, b) FROM t");
    }

    @Test
    void matchesFunctionNamesCaseInsensitively() {
      assertThat(TrinoDialect.translate("SELECT JSON_FORMAT(x), Date_Diff('day', a, b)"))
          .isEqualTo("SELECT trino_json_format(x), trino_date_diff('day', a, b)");
    }

    @Test
    void leavesNamesInStringLiteralsQuotedIdentifiersAndCommentsAlone() {
      String sql = "SELECT 'json_format(x)', \"split\"(x), \"date_diff\" -- split(x)\n/* strpos(a, b) */ FROM t";
      assertThat(TrinoDialect.translate(sql)).isEqualTo(sql);
    }

    @Test
    void leavesColumnsNamedLikeFunctionsAloneWhenNoParenthesisFollows() {
      String sql = "SELECT split, format, t.cardinality, t.split(x) FROM t WITH (format = 'PARQUET')";
      assertThat(TrinoDialect.translate(sql)).isEqualTo(sql);
    }

    @Test
    void leavesAggregateFiltersAlone() {
      String sql = "SELECT count(*) FILTER (WHERE x > 0) FROM t";
      assertThat(TrinoDialect.translate(sql)).isEqualTo(sql);
    }

    @Test
    void translatesInsideNestedCallsAndCasts() {
      assertThat(TrinoDialect.translate("json_format(CAST(CAST(split(a, ',') AS JSON) AS JSON))"))
          .isEqualTo("trino_json_format(trino_cast_json(trino_cast_json(trino_split(a, ','))))");
    }

    @Test
    void turnsATimestampLiteralWithAZoneIntoATimestampWithTimeZone() {
      assertThat(TrinoDialect.translate("TIMESTAMP '2012-10-31 01:00 UTC'")).isEqualTo("TIMESTAMPTZ '2012-10-31 01:00:00 UTC'");
      assertThat(TrinoDialect.translate("TIMESTAMP '2012-10-31 01:00:00.5+01:00'")).isEqualTo("TIMESTAMPTZ '2012-10-31 01:00:00.5+01:00'");
      assertThat(TrinoDialect.translate("TIMESTAMP '2012-10-31 01:00'")).isEqualTo("TIMESTAMP '2012-10-31 01:00'");
    }

    @Test
    void writesTrinosArrayTypeAsDuckDbDoes() {
      assertThat(TrinoDialect.translate("CAST(x AS ARRAY(ARRAY(ROW(a VARCHAR))))")).isEqualTo("CAST(x AS ROW(a VARCHAR)[][])");
    }

    @Test
    void runsUnnestWithOneColumnOrWithOrdinality() throws SQLException {
      ResultSet result = duckdb.createStatement().executeQuery(TrinoDialect.translate(
          "SELECT x, n FROM (VALUES (1)) AS v(a) CROSS JOIN UNNEST(ARRAY[10, 20]) WITH ORDINALITY AS t(x, n) ORDER BY n"));
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        rows.add(result.getInt(1) + ":" + result.getInt(2));
      }
      assertThat(rows).containsExactly("10:1", "20:2");
    }

    @Test
    void rejectsAnUnclosedStringLiteral() {
      assertThat(catchThrowableOfType(PartitionBuilderException.class, () -> TrinoDialect.translate("SELECT 'abc")))
          .hasMessageContaining("never closed");
    }
  }

  @Nested
  class NotSupportedLocally {
    @Test
    void rejectsLambdaExpressions() {
      assertThat(notSupported("SELECT regexp_replace('new york', '(\\w)(\\w*)', x -> upper(x[1]) || lower(x[2]))"))
          .contains("lambda expression x -> ...");
      assertThat(notSupported("SELECT foo(ARRAY[1], (s, x) -> s + x)")).contains("lambda expression (s, x) -> ...");
    }

    @ParameterizedTest
    @ValueSource(strings = {"transform", "reduce", "zip_with", "map_agg", "filter", "any_match", "greatest", "array_position"})
    void rejectsTrinoFunctionsThatAreNotProvidedNamingThem(String function) {
      assertThat(notSupported("SELECT " + function.toUpperCase() + "(a, b) FROM t")).contains(function + "()");
    }

    @Test
    void rejectsUnnestWithMoreThanOneColumnAlias() {
      assertThat(notSupported("SELECT * FROM t CROSS JOIN UNNEST(t.resources) AS r(arn, type)"))
          .contains("UNNEST(...) AS r(arn, type)");
      assertThat(notSupported("SELECT * FROM UNNEST(ARRAY[1], ARRAY[2]) WITH ORDINALITY AS r(a, b, n)"))
          .contains("more than one column alias");
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?=b)", "(?!b)", "(?<=a)", "(?<!a)"})
    void rejectsLookAroundInALiteralPattern(String lookAround) {
      assertThat(notSupported("SELECT regexp_like(x, 'a" + lookAround + "c') FROM t"))
          .contains("look-around " + lookAround.substring(0, lookAround.length() - 2), "regexp_like");
    }

    @Test
    void acceptsLookAroundCharactersThatAreEscapedOrInAClassOrOutsideAPattern() {
      assertThat(TrinoDialect.translate("regexp_like(x, '\\(?=[(?=]')")).startsWith("trino_regexp_like(");
      assertThat(TrinoDialect.translate("SELECT '(?=b)' FROM t")).isEqualTo("SELECT '(?=b)' FROM t");
    }

    @Test
    void rejectsBackReferencesAndNamedGroupReplacements() {
      assertThat(notSupported("regexp_like(x, '(a)\\1')")).contains("back-reference \\1");
      assertThat(notSupported("regexp_replace(x, '(?<y>a)', '${y}')")).contains("named group reference ${y}");
    }

    @Test
    void rejectsDateFormatsAndFormatStringsThatAreNotLiterals() {
      assertThat(notSupported("date_format(x, fmt)")).contains("date_format()");
      assertThat(notSupported("date_parse(x, fmt)")).contains("date_parse()");
      assertThat(notSupported("format(fmt, x)")).contains("format()");
    }
  }

  @Nested
  class BundledCtasTemplate {
    private static final String SOURCE_TABLE = "CREATE TABLE src ("
        + "eventid VARCHAR, requestid VARCHAR, eventtime VARCHAR, eventsource VARCHAR, eventname VARCHAR,"
        + " awsregion VARCHAR, sourceipaddress VARCHAR, recipientaccountid VARCHAR,"
        + " useridentity STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR,"
        + " accesskeyid VARCHAR, username VARCHAR, sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR,"
        + " creationdate VARCHAR), sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR,"
        + " accountid VARCHAR, username VARCHAR), sourceidentity VARCHAR)),"
        + " resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[], year VARCHAR, month VARCHAR)";

    private String template() throws IOException {
      try (InputStream in = TrinoDialect.class.getResourceAsStream("/ddl/cloudtrail_monthly_ctas.sql")) {
        return new String(in.readAllBytes(), UTF_8);
      }
    }

    @Test
    void translatesTheWholeTemplateWithoutAnythingNotSupported() throws IOException {
      String translated = TrinoDialect.translate(template());
      assertThat(translated).contains("trino_json_format(trino_cast_json(useridentity))", "format = 'PARQUET'");
    }

    @Test
    void runsTheTemplatesSelectListOnDuckDbWithTrinosResults() throws Exception {
      String template = template();
      String selectList = template.substring(template.indexOf("SELECT") + "SELECT".length(), template.indexOf("\nFROM"));
      try (Statement statement = duckdb.createStatement()) {
        statement.execute(SOURCE_TABLE);
        statement.execute("INSERT INTO src VALUES ('e1', 'r1', '2024-03-05T10:20:30Z', 's3.amazonaws.com', 'GetObject',"
            + " 'eu-west-1', '203.0.113.7', '123456789012',"
            + " {'type': 'IAMUser', 'principalid': 'AIDAEXAMPLE', 'arn': 'arn:aws:iam::123456789012:user/alice',"
            + " 'accountid': '123456789012', 'invokedby': NULL, 'accesskeyid': 'AKIAEXAMPLE', 'username': 'alice',"
            + " 'sessioncontext': NULL},"
            + " [{'arn': 'arn:aws:s3:::bucket/key', 'accountid': '123456789012', 'type': 'AWS::S3::Object'}], '2024', '03')");
        statement.execute("INSERT INTO src VALUES ('e2', 'r2', '2024-03-31T23:59:59.999Z', 'ec2.amazonaws.com', 'RunInstances',"
            + " 'us-east-1', 'autoscaling.amazonaws.com', '123456789012',"
            + " {'type': 'AWSService', 'principalid': NULL, 'arn': NULL, 'accountid': NULL,"
            + " 'invokedby': 'autoscaling.amazonaws.com', 'accesskeyid': NULL, 'username': NULL, 'sessioncontext': NULL},"
            + " NULL, '2024', '03')");

        ResultSet result = statement.executeQuery("SELECT " + TrinoDialect.translate(selectList) + " FROM src ORDER BY event_id");

        Map<String, Object> first = row(result);
        assertThat(first.get("event_time")).isEqualTo(at("2024-03-05T10:20:30"));
        assertThat(first.get("user_identity")).isEqualTo("{\"type\":\"IAMUser\",\"principalid\":\"AIDAEXAMPLE\","
            + "\"arn\":\"arn:aws:iam::123456789012:user/alice\",\"accountid\":\"123456789012\",\"invokedby\":null,"
            + "\"accesskeyid\":\"AKIAEXAMPLE\",\"username\":\"alice\",\"sessioncontext\":null}");
        assertThat(first.get("resources"))
            .isEqualTo("[{\"arn\":\"arn:aws:s3:::bucket/key\",\"accountid\":\"123456789012\",\"type\":\"AWS::S3::Object\"}]");
        assertThat(first.get("principal_id")).isEqualTo("AIDAEXAMPLE");
        assertThat(first.get("invoked_by")).isNull();

        Map<String, Object> second = row(result);
        assertThat(second.get("event_time")).isEqualTo(at("2024-03-31T23:59:59.999"));
        assertThat(second.get("invoked_by")).isEqualTo("autoscaling.amazonaws.com");
        // json.md: CAST(NULL AS JSON) is SQL NULL, and so is json_format of it
        assertThat(second.get("resources")).isNull();
        assertThat(result.next()).isFalse();
      }
    }

    private Map<String, Object> row(ResultSet result) throws SQLException {
      assertThat(result.next()).isTrue();
      Map<String, Object> row = new HashMap<>();
      for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
        String column = result.getMetaData().getColumnLabel(i);
        row.put(column, column.equals("event_time") ? result.getObject(i, LocalDateTime.class) : result.getObject(i));
      }
      return row;
    }
  }

  @Nested
  class SessionTimeZone {
    @Test
    void aHostTimeZoneSetBeforeInstallDoesNotShiftResults() throws SQLException {
      try (Connection newYork = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = newYork.createStatement()) {
        statement.execute("SET TimeZone = 'America/New_York'");
        TrinoDialect.install(newYork);

        ResultSet result = statement.executeQuery(TrinoDialect.translate("SELECT"
            + " CAST(from_iso8601_timestamp('2024-03-05T01:20:30Z') AS timestamp),"
            + " CAST(from_iso8601_timestamp('2024-03-05T01:20:30') AS timestamp),"
            + " date_format(from_iso8601_timestamp('2024-03-05T01:20:30Z'), '%Y-%m-%d %H'),"
            + " CAST(date_trunc('day', from_iso8601_timestamp('2024-03-05T01:20:30Z')) AS timestamp),"
            + " to_iso8601(from_unixtime(0))"));
        result.next();

        assertThat(result.getObject(1, LocalDateTime.class)).isEqualTo(at("2024-03-05T01:20:30"));
        assertThat(result.getObject(2, LocalDateTime.class)).isEqualTo(at("2024-03-05T01:20:30"));
        assertThat(result.getString(3)).isEqualTo("2024-03-05 01");
        assertThat(result.getObject(4, LocalDateTime.class)).isEqualTo(at("2024-03-05T00:00:00"));
        assertThat(result.getString(5)).isEqualTo("1970-01-01T00:00:00.000Z");
      }
    }

    @Test
    void installingTwiceIsHarmless() throws SQLException {
      TrinoDialect.install(duckdb);
      assertThat(string("date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H')")).isEqualTo("10-20-2022 05");
    }
  }
}
