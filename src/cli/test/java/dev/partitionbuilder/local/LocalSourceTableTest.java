package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.CtasTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSourceTableTest {
  @TempDir Path root;
  private Connection duckdb;
  private HiveDdl ddl;

  @BeforeEach
  void setUp() throws Exception {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    ddl = HiveDdl.parse(Files.readString(Path.of("ddl/cloudtrail_daily.sql")), "ddl/cloudtrail_daily.sql");
  }

  @AfterEach
  void tearDown() throws SQLException {
    duckdb.close();
  }

  private void write(String relative, String... lines) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private void register() throws SQLException {
    try (Statement s = duckdb.createStatement()) {
      for (String sql : LocalSourceTable.statements("cloudtrail", "cloudtrail_daily", ddl, root)) {
        s.execute(sql);
      }
    }
  }

  private List<Map<String, Object>> query(String sql) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement s = duckdb.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object value = rs.getObject(i);
          row.put(rs.getMetaData().getColumnLabel(i), value == null ? null : value.toString());
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void matchesKeysCaseInsensitivelyAtEveryStructLevel() throws Exception {
    write("2024/03/01/a.json.gz", "{\"eventID\":\"e1\",\"SourceIPAddress\":\"10.0.0.1\",\"userIdentity\":{\"Type\":\"IAMUser\","
        + "\"principalId\":\"P1\",\"sessionContext\":{\"sessionIssuer\":{\"ARN\":\"arn:issuer\"}}},"
        + "\"resources\":[{\"ARN\":\"arn:r1\",\"accountId\":\"111\"}]}");
    register();

    Map<String, Object> row = query("SELECT eventid, sourceipaddress, useridentity.type AS t, useridentity.principalid AS p, "
        + "useridentity.sessioncontext.sessionissuer.arn AS issuer, resources[1].arn AS r, resources[1].accountid AS a "
        + "FROM cloudtrail.cloudtrail_daily").get(0);

    assertThat(row).containsEntry("eventid", "e1").containsEntry("sourceipaddress", "10.0.0.1")
        .containsEntry("t", "IAMUser").containsEntry("p", "P1").containsEntry("issuer", "arn:issuer")
        .containsEntry("r", "arn:r1").containsEntry("a", "111");
  }

  @Test
  void keepsANestedObjectInAStringColumnAsCompactJsonWithItsOwnKeyCase() throws Exception {
    write("2024/03/01/a.json.gz", "{\"eventID\":\"e1\",\"requestParameters\": {\"bucketName\": \"b\", \"Nested\": {\"X\": [1, 2]}}}");
    register();

    assertThat(query("SELECT requestparameters FROM cloudtrail.cloudtrail_daily").get(0))
        .containsEntry("requestparameters", "{\"bucketName\":\"b\",\"Nested\":{\"X\":[1,2]}}");
  }

  @Test
  void turnsEachMalformedLineIntoOneRowOfNullsWithoutSwallowingTheNext() throws Exception {
    write("2024/03/01/a.json.gz", "{\"eventID\":\"e1\"}", "{\"eventID\": \"broken", "{\"eventID\":\"e3\"}",
        "not json at all", "{\"eventID\":\"e5\"}");
    register();

    List<Map<String, Object>> rows = query("SELECT eventid, year, month, day FROM cloudtrail.cloudtrail_daily");

    assertThat(rows).extracting(r -> r.get("eventid")).containsExactly("e1", null, "e3", null, "e5");
    assertThat(rows).allSatisfy(r -> assertThat(r).containsEntry("year", "2024").containsEntry("day", "01"));
  }

  @Test
  void takesTheLastOfKeysThatDifferOnlyInCase() throws Exception {
    write("2024/03/01/a.json.gz", "{\"EVENTID\":\"first\",\"eventId\":\"last\"}");
    register();

    assertThat(query("SELECT eventid FROM cloudtrail.cloudtrail_daily").get(0)).containsEntry("eventid", "last");
  }

  @Test
  void ignoresUnknownKeysAndReadsASingleObjectAsAOneElementArray() throws Exception {
    write("2024/03/01/a.json.gz", "{\"eventID\":\"e1\",\"somethingNew\":{\"a\":1},\"resources\":{\"ARN\":\"arn:only\"}}");
    register();

    assertThat(query("SELECT eventid, len(resources) AS n, resources[1].arn AS r FROM cloudtrail.cloudtrail_daily").get(0))
        .containsEntry("eventid", "e1").containsEntry("n", "1").containsEntry("r", "arn:only");
  }

  @Test
  void rendersNonStringValuesOfStringColumnsAsText() throws Exception {
    write("2024/03/01/a.json.gz", "{\"eventID\":42,\"readOnly\":true,\"errorCode\":null,\"userIdentity\":\"   \"}");
    register();

    assertThat(query("SELECT eventid, readonly, errorcode, useridentity FROM cloudtrail.cloudtrail_daily").get(0))
        .containsEntry("eventid", "42").containsEntry("readonly", "true").containsEntry("errorcode", null)
        .containsEntry("useridentity", null);
  }

  @Test
  void takesPartitionValuesFromTheDirectoriesAndSkipsHiddenFiles() throws Exception {
    write("2024/02/29/a.json.gz", "{\"eventID\":\"feb\"}");
    write("2024/03/01/a.json.gz", "{\"eventID\":\"mar1\"}");
    write("2024/03/31/b.json.gz", "{\"eventID\":\"mar31\"}");
    write("2024/03/31/_SUCCESS.json.gz", "{\"eventID\":\"hidden\"}");
    register();

    assertThat(query("SELECT eventid, day FROM cloudtrail.cloudtrail_daily WHERE year = '2024' AND month = '03' ORDER BY day"))
        .extracting(r -> r.get("eventid") + "@" + r.get("day")).containsExactly("mar1@01", "mar31@31");
  }

  @Test
  void readsASpellingTheSampleNeverSawBeyondTheSampledLines() throws Exception {
    String[] lines = new String[KeySample.LINES_PER_FILE + 2];
    for (int i = 0; i < lines.length - 1; i++) {
      lines[i] = "{\"eventID\":\"e" + i + "\",\"userIdentity\":{\"principalId\":\"p" + i + "\"}}";
    }
    // Past every sampled line: other spellings at the top level and in the struct.
    lines[lines.length - 1] = "{\"EventId\":\"late\",\"USERIDENTITY\":{\"PrincipalID\":\"late-principal\"}}";
    write("2024/03/01/a.json.gz", lines);
    register();

    assertThat(query("SELECT eventid, useridentity.principalid AS p FROM cloudtrail.cloudtrail_daily "
        + "WHERE eventid IN ('e7', 'late') ORDER BY eventid"))
        .extracting(r -> r.get("eventid") + "/" + r.get("p")).containsExactly("e7/p7", "late/late-principal");
  }

  @Test
  void definesAnEmptyTableWhenThereIsNoData() throws Exception {
    register();

    assertThat(query("SELECT count(*) AS n FROM cloudtrail.cloudtrail_daily").get(0)).containsEntry("n", "0");
  }

  @Test
  void readsTheColumnsTheBundledTemplateSelects() throws Exception {
    assertThat(CtasTemplate.bundled()).isNotNull();
    assertThat(ddl.columns()).extracting(HiveType.Field::name).contains("eventid", "requestid", "eventtime",
        "eventsource", "eventname", "awsregion", "sourceipaddress", "recipientaccountid", "useridentity", "resources");
    assertThat(ddl.partitionColumns()).extracting(HiveType.Field::name).containsExactly("year", "month", "day");
    assertThat(ddl.partitionLayout()).isEqualTo("${year}/${month}/${day}/");
    assertThat(ddl.ignoresMalformedJson()).isTrue();
  }
}
