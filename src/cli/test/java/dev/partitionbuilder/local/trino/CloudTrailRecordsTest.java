package dev.partitionbuilder.local.trino;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trino.testing.MaterializedRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables whose DDL names CloudTrail's input format, read by the local engine from real gzip files
 * laid out as CloudTrail delivers them: each file one {"Records":[...]} object.
 */
class CloudTrailRecordsTest {
  @RegisterExtension static final ClassEngine ENGINE = new ClassEngine();
  @TempDir Path source;

  /** Athena's CloudTrail example with partition projection, cut to the columns these tests read. */
  private static final String DDL =
      """
      CREATE EXTERNAL TABLE ct.%s (
        eventversion STRING,
        useridentity STRUCT<type: STRING, arn: STRING, sessioncontext: STRUCT<attributes: STRUCT<mfaauthenticated: STRING>>>,
        eventtime STRING,
        eventname STRING,
        requestparameters STRING,
        responseelements STRING,
        additionaleventdata STRING,
        eventid STRING,
        readonly STRING,
        resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
        addendum STRUCT<reason: STRING, updatedfields: STRING>
      )
      PARTITIONED BY (`timestamp` string)
      ROW FORMAT SERDE '%s'
      STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
      OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
      LOCATION 's3://bucket/AWSLogs/123456789012/CloudTrail/us-east-1'
      TBLPROPERTIES (
        'projection.enabled'='true',
        'projection.timestamp.format'='yyyy/MM/dd',
        'projection.timestamp.interval'='1',
        'projection.timestamp.interval.unit'='DAYS',
        'projection.timestamp.range'='2020/01/01,NOW',
        'projection.timestamp.type'='date',
        'storage.location.template'='s3://bucket/AWSLogs/123456789012/CloudTrail/us-east-1/${timestamp}')
      """;

  private static final String HIVE_JSON = "org.apache.hive.hcatalog.data.JsonSerDe";

  private static final String FIRST =
      """
      {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice",\
      "sessionContext":{"attributes":{"mfaAuthenticated":"true"}}},"eventTime":"2024-03-31T23:58:01Z",\
      "eventName":"PutObject","requestParameters":{"bucketName":"b","key":"a/\\u00e9 \\"q\\"","size":1.50,\
      "tags":[{"k":"z","v":null},{"k":"a","v":true}]},"responseElements":null,"eventID":"e-1","readOnly":false,\
      "resources":[{"ARN":"arn:aws:s3:::b","accountId":"123456789012","type":"AWS::S3::Bucket"}],\
      "addendum":{"reason":"DELIVERY_DELAY","updatedFields":{"b":1,"a":2}}}""";
  private static final String SECOND =
      """
      {"eventVersion":"1.08","eventTime":"2024-03-31T12:00:00Z","eventName":"ListBuckets",\
      "requestParameters":"plain text","responseElements":[1,2.0,"x"],"additionalEventData":{"n":1e3},\
      "eventID":"e-2","readOnly":true}""";

  private void define(String name, String serde) {
    ENGINE.get().defineExternalTable(HiveDdl.parse(DDL.formatted(name, serde), "test"), source);
  }

  private List<List<Object>> rows(String sql) {
    return ENGINE.get().execute(sql).getMaterializedRows().stream()
        .map(MaterializedRow::getFields)
        .toList();
  }

  private Path deliver(String day, String name, String json) throws IOException {
    Path file = source.resolve(day).resolve(name);
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(json.getBytes(UTF_8));
    }
    return file;
  }

  private static String records(String... records) {
    return "{\"Records\":[" + String.join(",", records) + "]}";
  }

  @Test
  void everyRecordOfEveryFileIsOneRowWithItsDaysPartition() throws IOException {
    deliver(
        "2024/03/31",
        "123456789012_CloudTrail_us-east-1_20240331T1205Z_aaaa.json.gz",
        records(SECOND));
    deliver(
        "2024/04/01",
        "123456789012_CloudTrail_us-east-1_20240401T0005Z_bbbb.json.gz",
        records(FIRST, SECOND.replace("e-2", "e-3")));
    deliver(
        "2024/04/02",
        "123456789012_CloudTrail_us-east-1_20240402T0005Z_cccc.json.gz",
        records(SECOND.replace("e-2", "e-4")));
    define("hive", HIVE_JSON);

    assertThat(
            rows(
                "SELECT eventid, \"timestamp\", eventname, readonly, useridentity.arn, "
                    + "useridentity.sessioncontext.attributes.mfaauthenticated, cardinality(resources), resources[1].arn "
                    + "FROM ct.hive WHERE \"timestamp\" BETWEEN '2024/03/31' AND '2024/04/01' ORDER BY eventid"))
        .containsExactly(
            Arrays.asList(
                "e-1",
                "2024/04/01",
                "PutObject",
                "false",
                "arn:aws:iam::123456789012:user/alice",
                "true",
                1L,
                "arn:aws:s3:::b"),
            Arrays.asList("e-2", "2024/03/31", "ListBuckets", "true", null, null, null, null),
            Arrays.asList("e-3", "2024/04/01", "ListBuckets", "true", null, null, null, null));
  }

  @Test
  void aJsonObjectOrArrayInAStringColumnIsItsTextAsWrittenAsAthenaReturnsIt() throws IOException {
    // Pretty-printed, to show that the white space between tokens is left out, not the text in
    // strings.
    deliver(
        "2024/03/31", "f.json.gz", records(FIRST.replace(",\"key\"", ",\n    \"key\" "), SECOND));
    define("text", HIVE_JSON);

    assertThat(
            rows(
                "SELECT requestparameters, responseelements, additionaleventdata, addendum.updatedfields "
                    + "FROM ct.text WHERE \"timestamp\" = '2024/03/31' ORDER BY eventid"))
        .containsExactly(
            Arrays.asList(
                "{\"bucketName\":\"b\",\"key\":\"a/\\u00e9 \\\"q\\\"\",\"size\":1.50,"
                    + "\"tags\":[{\"k\":\"z\",\"v\":null},{\"k\":\"a\",\"v\":true}]}",
                null,
                null,
                "{\"b\":1,\"a\":2}"),
            Arrays.asList("plain text", "[1,2.0,\"x\"]", "{\"n\":1e3}", null));
  }

  @Test
  void trinosOwnHiveJsonReaderFailsOnAnObjectInAStringColumnWhichIsWhyItIsWrittenAsText()
      throws IOException {
    Path plain = source.resolve("plain");
    Files.createDirectories(plain);
    Files.writeString(plain.resolve("lines.json"), "{\"requestparameters\":{\"a\":1}}\n");
    ENGINE
        .get()
        .defineExternalTable(
            HiveDdl.parse(
                """
        CREATE EXTERNAL TABLE ct.plain (requestparameters STRING)
        ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
        LOCATION 's3://bucket/plain/'
        """,
                "test"),
            plain);

    assertThatThrownBy(() -> rows("SELECT requestparameters FROM ct.plain"))
        .hasStackTraceContaining("Invalid JSON: varchar value must be a scalar json value");
  }

  /** OpenX writes an object's text itself (its strings re-escaped), as it does for daily NDJSON. */
  @Test
  void openXReadsTheSameRecordsWithItsOwnTextForObjects() throws IOException {
    deliver("2024/03/31", "f.json.gz", records(FIRST, SECOND));
    define("openx", "org.openx.data.jsonserde.JsonSerDe");

    List<List<Object>> rows =
        rows(
            "SELECT eventid, requestparameters, responseelements FROM ct.openx "
                + "WHERE \"timestamp\" = '2024/03/31' ORDER BY eventid");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get(1))
        .isEqualTo(
            "{\"bucketName\":\"b\",\"key\":\"a/\u00e9 \\\"q\\\"\",\"size\":1.50,\"tags\":[{\"k\":\"z\",\"v\":null},{\"k\":\"a\",\"v\":true}]}");
    assertThat(rows.get(1).subList(1, 3)).containsExactly("plain text", "[1,2.0,\"x\"]");
  }

  @Test
  void theShadowFileHoldsOneLinePerRecordAsWrittenWithObjectsInStringColumnsAsText(
      @TempDir Path shadow) throws IOException {
    String pretty =
        "{\"eventID\" : \"e-9\",\n  \"readOnly\": true, \"n\": 1.50e0, \"s\": \"a\\u00e9\\/b\",\n"
            + "  \"resources\": [ {\"ARN\": \"x\", \"extra\": {\"k\": [1, 2]}} ],\n"
            + "  \"requestParameters\": { \"z\" : 1, \"a\" : \"sp ace\" } }";
    deliver("2024/03/31", "f.json.gz", "{\"Records\":[\n" + pretty + ",\n{}\n]}");

    CloudTrailRecords.Summary summary =
        CloudTrailRecords.unwrap(
            source, shadow, HiveDdl.parse(DDL.formatted("x", HIVE_JSON), "test").columns(), true);

    assertThat(summary).isEqualTo(new CloudTrailRecords.Summary(1, 2));
    try (var in =
        new java.util.zip.GZIPInputStream(
            Files.newInputStream(shadow.resolve("2024/03/31/f.json.gz")))) {
      assertThat(new String(in.readAllBytes(), UTF_8))
          .isEqualTo(
              "{\"eventID\":\"e-9\",\"readOnly\":true,\"n\":1.50e0,\"s\":\"a\\u00e9\\/b\","
                  + "\"resources\":[{\"ARN\":\"x\",\"extra\":{\"k\":[1,2]}}],"
                  + "\"requestParameters\":\"{\\\"z\\\":1,\\\"a\\\":\\\"sp ace\\\"}\"}\n"
                  + "{}\n");
    }
  }

  @Test
  void aFileWithAnEmptyRecordsArrayHasNoRows() throws IOException {
    deliver("2024/03/30", "empty.json.gz", "{\"Records\":[]}");
    deliver("2024/03/31", "one.json.gz", records(SECOND));
    define("empty", HIVE_JSON);

    assertThat(
            rows(
                "SELECT \"timestamp\", count(*) FROM ct.empty WHERE \"timestamp\" >= '2024/03/01' GROUP BY 1"))
        .containsExactly(List.of("2024/03/31", 1L));
  }

  @Test
  void hiddenFilesAreLeftOutAsTrinoLeavesThemOut() throws IOException {
    deliver("2024/03/31", "one.json.gz", records(SECOND));
    deliver("2024/03/31", ".partial.json.gz", "not even json");
    deliver("2024/03/31", "_tmp.json.gz", "not even json");
    define("hidden", HIVE_JSON);

    assertThat(rows("SELECT count(*) FROM ct.hidden WHERE \"timestamp\" = '2024/03/31'"))
        .containsExactly(List.of(1L));
  }

  @Test
  void aFileThatIsNotGzipIsOneErrorNamingIt() throws IOException {
    Path file = source.resolve("2024/03/31/bad.json.gz");
    Files.createDirectories(file.getParent());
    Files.writeString(file, records(SECOND));

    assertThatThrownBy(() -> define("notgzip", HIVE_JSON))
        .hasMessageStartingWith("CloudTrail file " + file + " is not gzip: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aGzipFileCutShortIsOneErrorNamingIt() throws IOException {
    Path file = deliver("2024/03/31", "cut.json.gz", records(FIRST, SECOND));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> define("cut", HIVE_JSON))
        .hasMessage("CloudTrail file " + file + " is a gzip file cut short");
  }

  @Test
  void jsonCutShortIsOneErrorNamingTheFileAndWhere() throws IOException {
    String json = records(FIRST, SECOND);
    Path file = deliver("2024/03/31", "cut.json.gz", json.substring(0, 200));

    assertThatThrownBy(() -> define("cutjson", HIVE_JSON))
        .hasMessageStartingWith("CloudTrail file " + file + " is not JSON: ")
        .hasMessageContaining("at line 1, column ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void anObjectWithoutRecordsOrWithRecordsThatAreNotObjectsIsOneErrorNamingTheFile()
      throws IOException {
    Path file = deliver("2024/03/31", "norecords.json.gz", "{\"records\":[" + SECOND + "]}");
    assertThatThrownBy(() -> define("norecords", HIVE_JSON))
        .hasMessage("CloudTrail file " + file + " has no \"Records\" array");

    Files.delete(file);
    Path lines = deliver("2024/03/31", "ndjson.json.gz", SECOND + "\n" + SECOND + "\n");
    assertThatThrownBy(() -> define("ndjson", HIVE_JSON))
        .hasMessage("CloudTrail file " + lines + " has no \"Records\" array");

    Files.delete(lines);
    Path strings = deliver("2024/03/31", "strings.json.gz", "{\"Records\":[" + SECOND + ",\"x\"]}");
    assertThatThrownBy(() -> define("strings", HIVE_JSON))
        .hasMessage(
            "CloudTrail file " + strings + " has a record that is not a JSON object (record 2)");
  }

  @Test
  void cloudTrailsOwnSerDeIsRefusedNamingTheOneToUse() {
    assertThatThrownBy(() -> define("serde", "com.amazon.emr.hive.serde.CloudTrailSerde"))
        .hasMessageStartingWith(
            "not supported locally: ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'")
        .hasMessageContaining("'org.apache.hive.hcatalog.data.JsonSerDe'");
  }

  @Test
  void anotherInputFormatWithJsonIsStillRefused() {
    assertThatThrownBy(
            () ->
                ENGINE
                    .get()
                    .defineExternalTable(
                        HiveDdl.parse(
                            DDL.formatted("other", HIVE_JSON)
                                .replace(
                                    "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
                                    "com.example.MyInputFormat"),
                            "test"),
                        source))
        .hasMessageStartingWith(
            "not supported locally: INPUTFORMAT 'com.example.MyInputFormat' with JsonSerDe");
  }
}
