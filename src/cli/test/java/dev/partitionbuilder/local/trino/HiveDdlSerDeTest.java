package dev.partitionbuilder.local.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.ConfigException;
import io.trino.testing.MaterializedRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each SerDe the local engine accepts, on real files: a table defined from a Hive DDL as Athena
 * runs it, read back with its values and types. One engine for the class.
 */
class HiveDdlSerDeTest {
  @RegisterExtension static final ClassEngine ENGINE = new ClassEngine();
  @TempDir Path data;

  private void define(String ddl) {
    define(ddl, data);
  }

  private void define(String ddl, Path root) {
    ENGINE.get().defineExternalTable(HiveDdl.parse(ddl, "test"), root);
  }

  private List<List<Object>> rows(String sql) {
    return ENGINE.get().execute(sql).getMaterializedRows().stream()
        .map(MaterializedRow::getFields)
        .toList();
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(data.resolve(name), content);
  }

  @Test
  void openCsvReadsQuotedFieldsWithCommasAndQuotesAndSkipsTheHeader() throws IOException {
    write(
        "people.csv",
        """
        id,name,quote,note
        1,"Smith, John","say ""hi""\",
        2,Jane,"a \\"b\\" c",plain
        """);
    define(
        """
        CREATE EXTERNAL TABLE db.csv (id STRING, name STRING, quote STRING, note STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\\"', 'escapeChar' = '\\\\')
        STORED AS TEXTFILE
        LOCATION 's3://bucket/csv/'
        TBLPROPERTIES ('skip.header.line.count' = '1')
        """);

    assertThat(rows("SELECT id, name, quote, note FROM db.csv ORDER BY id"))
        .containsExactly(
            List.of("1", "Smith, John", "say \"hi\"", ""),
            List.of("2", "Jane", "a \"b\" c", "plain"));
  }

  @Test
  void openCsvWithAnotherSeparatorAndQuote() throws IOException {
    write("t.csv", "a;'x;y'\nb;z\n");
    define(
        """
        CREATE EXTERNAL TABLE db.csv_semicolon (k STRING, v STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ('separatorChar' = ';', 'quoteChar' = '\\'')
        LOCATION 's3://bucket/csv/'
        """);

    assertThat(rows("SELECT k, v FROM db.csv_semicolon ORDER BY k"))
        .containsExactly(List.of("a", "x;y"), List.of("b", "z"));
  }

  @Test
  void tabSeparatedTextReadsTypedColumnsAndBackslashNAsNull() throws IOException {
    write("t.tsv", "1\tone\t1.5\t2024-03-01\n2\t\\N\t\\N\t\\N\n");
    define(
        """
        CREATE EXTERNAL TABLE db.tsv (n INT, s STRING, d DOUBLE, day DATE)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
        STORED AS TEXTFILE
        LOCATION 's3://bucket/tsv'
        """);

    assertThat(rows("SELECT n, s, d, CAST(day AS VARCHAR), typeof(day) FROM db.tsv ORDER BY n"))
        .containsExactly(
            List.of(1, "one", 1.5, "2024-03-01", "date"),
            Arrays.asList(2, null, null, null, "date"));
  }

  @Test
  void delimitedTextReadsArraysMapsAndStructsWithItsCollectionAndMapKeyDelimiters()
      throws IOException {
    write("t.txt", "1|x,y,z|a:1,b:2|s,7|NA\n2|NA|NA|NA|here\n");
    define(
        """
        CREATE EXTERNAL TABLE db.nested (
          id BIGINT, tags ARRAY<STRING>, counts MAP<STRING, INT>, info STRUCT<a: STRING, b: INT>, note STRING)
        ROW FORMAT DELIMITED
          FIELDS TERMINATED BY '|' ESCAPED BY '\\\\'
          COLLECTION ITEMS TERMINATED BY ','
          MAP KEYS TERMINATED BY ':'
          LINES TERMINATED BY '\\n'
          NULL DEFINED AS 'NA'
        LOCATION 's3://bucket/nested/'
        """);

    assertThat(
            rows(
                "SELECT id, cardinality(tags), tags[3], counts['b'], info.a, info.b, note FROM db.nested ORDER BY id"))
        .containsExactly(
            Arrays.asList(1L, 3L, "z", 2, "s", 7, null),
            Arrays.asList(2L, null, null, null, null, null, "here"));
  }

  @Test
  void storedAsTextfileWithoutRowFormatSplitsOnHivesDefaultControlA() throws IOException {
    write("t.txt", "1\u0001one\n2\u0001two\n");
    define(
        """
        CREATE EXTERNAL TABLE db.ctrl_a (n INT, s STRING)
        STORED AS TEXTFILE
        LOCATION 's3://bucket/ctrl_a/'
        """);

    assertThat(rows("SELECT n, s FROM db.ctrl_a ORDER BY n"))
        .containsExactly(List.of(1, "one"), List.of(2, "two"));
  }

  @Test
  void anOctalDelimiterIsTheByteItNames() throws IOException {
    write("t.txt", "1\u0002one\n");
    define(
        """
        CREATE EXTERNAL TABLE db.octal (n INT, s STRING)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\002'
        LOCATION 's3://bucket/octal/'
        """);

    assertThat(rows("SELECT n, s FROM db.octal")).containsExactly(List.of(1, "one"));
  }

  @Test
  void hiveJsonReadsJsonLines() throws IOException {
    write(
        "t.json",
        """
        {"id": 1, "name": "a", "tags": ["x", "y"], "at": "2024-03-01 10:00:00"}
        {"id": 2, "name": null, "tags": []}
        """);
    define(
        """
        CREATE EXTERNAL TABLE db.hive_json (id INT, name STRING, tags ARRAY<STRING>, at TIMESTAMP)
        ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
        LOCATION 's3://bucket/json/'
        """);

    assertThat(
            rows(
                "SELECT id, name, cardinality(tags), CAST(at AS VARCHAR) FROM db.hive_json ORDER BY id"))
        .containsExactly(
            List.of(1, "a", 2L, "2024-03-01 10:00:00.000"), Arrays.asList(2, null, 0L, null));
  }

  @Test
  void openXJsonKeepsReadingPastAMalformedLineWhenAskedTo() throws IOException {
    write("t.json", "{\"id\": 1}\n{not json\n{\"id\": 3}\n");
    define(
        """
        CREATE EXTERNAL TABLE db.openx (id INT)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')
        LOCATION 's3://bucket/openx/'
        """);

    assertThat(rows("SELECT id FROM db.openx WHERE id IS NOT NULL ORDER BY id"))
        .containsExactly(List.of(1), List.of(3));
  }

  @Test
  void parquetFilesTheEngineWroteReadBackThroughAStoredAsParquetDdl() {
    Path files = writeWithEngine("PARQUET", "written_parquet");
    define(
        """
        CREATE EXTERNAL TABLE db.parquet (id BIGINT, name STRING, amount DOUBLE, day DATE)
        STORED AS PARQUET
        LOCATION 's3://bucket/parquet/'
        """,
        files);

    assertThat(
            rows(
                "SELECT id, name, amount, CAST(day AS VARCHAR), typeof(day) FROM db.parquet ORDER BY id"))
        .containsExactly(
            List.of(1L, "one", 1.25, "2024-03-01", "date"),
            Arrays.asList(2L, null, 2.5, "2024-03-02", "date"));
  }

  @Test
  void orcFilesTheEngineWroteReadBackThroughAnOrcSerdeDdl() {
    Path files = writeWithEngine("ORC", "written_orc");
    define(
        """
        CREATE EXTERNAL TABLE db.orc (id BIGINT, name STRING, amount DOUBLE, day DATE)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.orc.OrcSerde'
        STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat'
        OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat'
        LOCATION 's3://bucket/orc/'
        """,
        files);

    assertThat(
            rows(
                "SELECT id, name, amount, CAST(day AS VARCHAR), typeof(day) FROM db.orc ORDER BY id"))
        .containsExactly(
            List.of(1L, "one", 1.25, "2024-03-01", "date"),
            Arrays.asList(2L, null, 2.5, "2024-03-02", "date"));
  }

  /** Files of {@code format} that Trino wrote, in a directory of their own. */
  private Path writeWithEngine(String format, String table) {
    Path files = data.resolve(table);
    ENGINE.get().execute("CREATE SCHEMA IF NOT EXISTS " + TrinoEngine.CATALOG + ".written");
    ENGINE
        .get()
        .execute(
            "CREATE TABLE "
                + TrinoEngine.CATALOG
                + ".written."
                + table
                + " WITH (format = '"
                + format
                + "', external_location = 'local://"
                + files.toAbsolutePath().toUri().getPath()
                + "') AS"
                + " SELECT * FROM (VALUES (BIGINT '1', 'one', DOUBLE '1.25', DATE '2024-03-01'),"
                + " (BIGINT '2', NULL, DOUBLE '2.5', DATE '2024-03-02')) AS t (id, name, amount, day)");
    return files;
  }

  @Test
  void refusesASerdeTheLocalEngineDoesNotRead() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
        WITH SERDEPROPERTIES ('input.regex' = '(.*)')
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'");
  }

  @Test
  void aMisspeltTypeIsNamedAsSuchBeforeWhatTheSerDeWouldMakeOfIt() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING, n STRNIG)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        LOCATION 's3://bucket/t/'
        """,
        "column n has a type Hive does not know: strnig");
  }

  @Test
  void refusesATypedOpenCsvColumnAsTrinoReadsCsvOnlyAsStrings() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING, n INT)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: OpenCSVSerde column n INT: the local engine reads CSV columns only as STRING,"
            + " where Athena converts them; declare it STRING and CAST in the template");
  }

  @Test
  void refusesAnOpenCsvSeparatorOfMoreThanOneCharacter() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ('separatorChar' = '||')
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: OpenCSVSerde separatorChar '||' (one character only)");
  }

  @Test
  void refusesASerdePropertyTrinoWouldIgnore() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
        WITH SERDEPROPERTIES ('field.delim' = ',', 'serialization.encoding' = 'windows-1252')
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: SERDEPROPERTIES 'serialization.encoding' of LazySimpleSerDe (the local engine"
            + " would ignore it or read it otherwise than Athena)");
  }

  @Test
  void refusesOpenXsNullForInvalidDataWhichTrinoDoesNotKnow() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a INT)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        WITH SERDEPROPERTIES ('use.null.for.invalid.data' = 'true')
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: SERDEPROPERTIES 'use.null.for.invalid.data' of JsonSerDe (the local engine"
            + " would ignore it or read it otherwise than Athena)");
  }

  @Test
  void refusesLinesTerminatedByAnythingButNewline() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\r'
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: LINES TERMINATED BY '\\r' (only '\\n')");
  }

  @Test
  void refusesAnInputFormatThatIsNotTheSerdesOwn() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
        STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.SequenceFileInputFormat'
        OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat'
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: INPUTFORMAT 'org.apache.hadoop.mapred.SequenceFileInputFormat' with"
            + " LazySimpleSerDe (the local engine reads it only from org.apache.hadoop.mapred.TextInputFormat)");
  }

  @Test
  void refusesParquetReadByColumnIndexAsTrinoReadsItByName() {
    assertRefused(
        """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
        WITH SERDEPROPERTIES ('parquet.column.index.access' = 'true')
        STORED AS PARQUET
        LOCATION 's3://bucket/t/'
        """,
        "not supported locally: SERDEPROPERTIES 'parquet.column.index.access' of ParquetHiveSerDe (the local"
            + " engine would ignore it or read it otherwise than Athena)");
  }

  @Test
  void refusesStoredAsAFormatItDoesNotRead() {
    assertThatThrownBy(
            () -> HiveDdl.parse("CREATE EXTERNAL TABLE db.t (a STRING) STORED AS AVRO", "x.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot read the table DDL x.sql: not supported locally: STORED AS AVRO (supported: TEXTFILE,"
                + " PARQUET, ORC, or INPUTFORMAT and OUTPUTFORMAT)");
  }

  private void assertRefused(String ddl, String message) {
    assertThatThrownBy(() -> define(ddl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
