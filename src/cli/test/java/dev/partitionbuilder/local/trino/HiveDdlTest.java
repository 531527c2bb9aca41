package dev.partitionbuilder.local.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.partitionbuilder.core.ConfigException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Hive DDL parser on its own: what each DDL form records, as Glue would. */
class HiveDdlTest {

  @Test
  void rowFormatDelimitedRecordsLazySimpleSerDeAndEachDelimiterAsHiveDoes() {
    HiveDdl ddl =
        HiveDdl.parse(
            """
        CREATE EXTERNAL TABLE db.t (a STRING, b ARRAY<STRING>, c MAP<STRING, INT>)
        ROW FORMAT DELIMITED
          FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'
          COLLECTION ITEMS TERMINATED BY '\\002'
          MAP KEYS TERMINATED BY '\\003'
          LINES TERMINATED BY '\\n'
          NULL DEFINED AS ''
        STORED AS TEXTFILE
        LOCATION 's3://bucket/t/'
        """,
            "t.sql");

    assertThat(ddl.serde()).isEqualTo("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
    assertThat(ddl.serdeProperties())
        .containsOnly(
            entry("field.delim", "\t"),
            entry("serialization.format", "\t"),
            entry("escape.delim", "\\"),
            entry("collection.delim", "\u0002"),
            entry("mapkey.delim", "\u0003"),
            entry("line.delim", "\n"),
            entry("serialization.null.format", ""));
    assertThat(ddl.inputFormat()).contains("org.apache.hadoop.mapred.TextInputFormat");
    assertThat(ddl.outputFormat())
        .contains("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
  }

  @Test
  void storedAsTextfileAloneMeansLazySimpleSerDeWithItsDefaults() {
    HiveDdl ddl =
        HiveDdl.parse(
            "CREATE EXTERNAL TABLE db.t (a STRING) STORED AS textfile LOCATION 's3://b/t/'",
            "t.sql");

    assertThat(ddl.serde()).isEqualTo("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
    assertThat(ddl.serdeProperties()).isEmpty();
  }

  @Test
  void storedAsOrcAndParquetRecordTheirSerDeAndFormats() {
    HiveDdl orc =
        HiveDdl.parse(
            "CREATE EXTERNAL TABLE db.t (a STRING) STORED AS ORC LOCATION 's3://b/t/'", "t.sql");
    HiveDdl parquet =
        HiveDdl.parse("CREATE EXTERNAL TABLE db.t (a STRING) STORED AS PARQUET", "t.sql");

    assertThat(orc.serde()).isEqualTo("org.apache.hadoop.hive.ql.io.orc.OrcSerde");
    assertThat(orc.inputFormat()).contains("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat");
    assertThat(orc.outputFormat()).contains("org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat");
    assertThat(parquet.serde())
        .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    assertThat(parquet.inputFormat())
        .contains("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
  }

  @Test
  void rowFormatSerdeKeepsItsPropertiesWithHivesBackslashEscapesRead() {
    HiveDdl ddl =
        HiveDdl.parse(
            """
        CREATE EXTERNAL TABLE db.t (a STRING)
        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
        WITH SERDEPROPERTIES ("separatorChar" = "\\t", 'quoteChar' = '\\'', 'escapeChar' = '\\\\')
        STORED AS TEXTFILE
        LOCATION 's3://b/t/'
        TBLPROPERTIES ('skip.header.line.count' = '1')
        """,
            "t.sql");

    assertThat(ddl.serde()).isEqualTo("org.apache.hadoop.hive.serde2.OpenCSVSerde");
    assertThat(ddl.serdeProperties())
        .containsOnly(
            entry("separatorChar", "\t"), entry("quoteChar", "'"), entry("escapeChar", "\\"));
    assertThat(ddl.tableProperties()).containsOnly(entry("skip.header.line.count", "1"));
    assertThat(ddl.location()).isEqualTo(Optional.of("s3://b/t/"));
  }

  @Test
  void unescapesAsHiveDoes() {
    assertThat(HiveDdl.unescapeForTest("\\001|\\t|\\u0041|\\'|\\%|x\\"))
        .isEqualTo("\u0001|\t|A|'|\\%|x\\");
  }

  @Test
  void adjacentStringLiteralsAreOneAsInHive() {
    HiveDdl ddl =
        HiveDdl.parse("CREATE EXTERNAL TABLE db.t (a STRING) LOCATION 's3://b/' 't/'", "t.sql");

    assertThat(ddl.location()).contains("s3://b/t/");
  }

  @Test
  void readsBacktickNamesAndSkipsLineCommentsWhateverTheyHold() {
    HiveDdl ddl =
        HiveDdl.parse(
            """
        -- the source table, 'quoted' and `ticked`
        CREATE EXTERNAL TABLE `db`.`t` (
          `A` STRING, -- it's the first
          b STRUCT<`c`: INT>)
        LOCATION "s3://b/t/";
        """,
            "t.sql");

    assertThat(ddl.database()).isEqualTo("db");
    assertThat(ddl.table()).isEqualTo("t");
    assertThat(ddl.columns())
        .containsExactly(
            new HiveDdl.Column("a", "string"), new HiveDdl.Column("b", "struct<c:int>"));
    assertThat(ddl.location()).contains("s3://b/t/");
  }

  @Test
  void namesTheLineAndColumnOfAnUnterminatedLiteral() {
    assertThatThrownBy(
            () ->
                HiveDdl.parse(
                    "CREATE EXTERNAL TABLE db.t (a STRING)\nLOCATION 's3://b/t/", "t.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot read the table DDL t.sql: unterminated string literal at line 2, column 10: "
                + "\"'s3://b/t/\"");
  }

  @Test
  void refusesAStoredAsFormatItDoesNotRead() {
    assertThatThrownBy(
            () ->
                HiveDdl.parse(
                    "CREATE EXTERNAL TABLE db.t (a STRING) STORED AS SEQUENCEFILE", "t.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot read the table DDL t.sql: not supported locally: STORED AS SEQUENCEFILE (supported:"
                + " TEXTFILE, PARQUET, ORC, or INPUTFORMAT and OUTPUTFORMAT)");
  }

  @Test
  void refusesARowFormatThatIsNeitherSerdeNorDelimited() {
    assertThatThrownBy(
            () -> HiveDdl.parse("CREATE EXTERNAL TABLE db.t (a STRING) ROW FORMAT JSON", "t.sql"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read the table DDL t.sql: expected DELIMITED, found JSON");
  }
}
