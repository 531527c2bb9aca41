package dev.partitionbuilder.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partitionbuilder.testing.AthenaTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CtasTemplateTest {
  private static final TableLayout LAYOUT = Config.fromEnvironment(ConfigTest.BASE).layout();
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String MINIMAL = AthenaTemplates.MINIMAL;
  private static final Function<String, String> NO_S3 =
      uri -> {
        throw new AssertionError("the S3 reader must not be called, was called with " + uri);
      };

  @Nested
  class BundledTemplate {
    private final String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);

    @Test
    void createsTheMonthsTempTableInTheDatabase() {
      assertThat(sql).contains("CREATE TABLE \"cloudtrail\".\"cloudtrail_monthly_temp_202403\"");
    }

    @Test
    void writesSnappyParquetBucketedByEventIdToThePartitionLocation() {
      assertThat(sql)
          .contains(
              "external_location = 's3://my-bucket/cloudtrail_monthly/_staging/2024/03/'",
              "format = 'PARQUET'",
              "write_compression = 'SNAPPY'",
              "bucketed_by = ARRAY['event_id']",
              "bucket_count = 4");
    }

    @Test
    void readsOneMonthOfTheSourceTable() {
      assertThat(sql)
          .contains(
              "FROM \"cloudtrail\".\"cloudtrail_daily\"", "WHERE year = '2024' AND month = '03'");
    }

    @Test
    void padsTheMonthAndChangesWithIt() {
      String december = CtasTemplate.bundled().render(LAYOUT, YearMonth.of(2023, 12));

      assertThat(december)
          .contains(
              "\"cloudtrail_monthly_temp_202312\"",
              "'s3://my-bucket/cloudtrail_monthly/_staging/2023/12/'",
              "WHERE year = '2023' AND month = '12'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "event_id", "request_id", "event_time", "event_source", "event_name", "aws_region",
          "source_ip_address", "recipient_account_id", "user_identity", "invoked_by",
              "principal_id", "resources"
        })
    void selectsEveryColumnUnderItsAlias(String alias) {
      assertThat(sql).containsPattern("\\bAS " + alias + "\\s*(,|\\n|$)");
    }

    @Test
    void leavesNoPlaceholderBacktickCommentOrSemicolonInWhatIsSent() {
      assertThat(sql).doesNotContain("{{", "}}", "`");
      assertThat(sql).doesNotStartWith("--").doesNotStartWith(" ").doesNotStartWith("\n");
      assertThat(sql).doesNotEndWith(";");
    }

    @Test
    void namesItselfAsBundled() {
      assertThat(CtasTemplate.bundled().origin()).contains(CtasTemplate.BUNDLED);
    }
  }

  @Nested
  class Rendering {
    @Test
    void dropsCommentLinesAfterTheFinalSemicolon() {
      String sql =
          CtasTemplate.parse(MINIMAL + ";\n-- end of template\n\n", "test").render(LAYOUT, MARCH);

      assertThat(sql).endsWith("\"cloudtrail\".\"cloudtrail_daily\"");
    }

    @Test
    void fillsEveryKnownPlaceholder() {
      String sql =
          CtasTemplate.parse(
                  "CREATE TABLE {{temp_table}} WITH (external_location = '{{location}}') AS "
                      + "SELECT '{{database}}|{{source_table}}|{{destination_table}}|{{temp_table}}|{{location}}"
                      + "|{{year}}|{{month}}'",
                  "test")
              .render(LAYOUT, MARCH);

      assertThat(sql)
          .isEqualTo(
              "CREATE TABLE cloudtrail_monthly_temp_202403 WITH (external_location = "
                  + "'s3://my-bucket/cloudtrail_monthly/_staging/2024/03/') AS SELECT 'cloudtrail|cloudtrail_daily|cloudtrail_monthly"
                  + "|cloudtrail_monthly_temp_202403|s3://my-bucket/cloudtrail_monthly/_staging/2024/03/|2024|03'");
    }

    @Test
    void fillsTheNextMonthAcrossTheEndOfAYear() {
      CtasTemplate template =
          CtasTemplate.parse(
              MINIMAL
                  + " WHERE d BETWEEN '{{year}}/{{month}}/01' AND "
                  + "'{{next_year}}/{{next_month}}/02'",
              "test");

      assertThat(template.render(LAYOUT, MARCH))
          .endsWith("WHERE d BETWEEN '2024/03/01' AND '2024/04/02'");
      assertThat(template.render(LAYOUT, YearMonth.of(2024, 12)))
          .endsWith("WHERE d BETWEEN '2024/12/01' AND '2025/01/02'");
    }

    @Test
    void acceptsSpacesInsideThePlaceholderBraces() {
      String sql =
          CtasTemplate.parse(MINIMAL.replace("{{temp_table}}", "{{ temp_table }}"), "test")
              .render(LAYOUT, MARCH);

      assertThat(sql).contains("\"cloudtrail_monthly_temp_202403\"").doesNotContain("{{");
    }

    @Test
    void stripsASingleTrailingSemicolon() {
      String sql = CtasTemplate.parse(MINIMAL + " ;\n\n", "test").render(LAYOUT, MARCH);

      assertThat(sql).endsWith("\"cloudtrail_daily\"");
    }

    @Test
    void stripsLeadingCommentLines() {
      String sql =
          CtasTemplate.parse("\n-- first\n  -- second\n\n" + MINIMAL, "test").render(LAYOUT, MARCH);

      assertThat(sql).startsWith("CREATE TABLE").doesNotContain("first", "second");
    }

    @Test
    void acceptsWindowsLineEnds() {
      String sql =
          CtasTemplate.parse(("-- comment\n" + MINIMAL + ";\n").replace("\n", "\r\n"), "test")
              .render(LAYOUT, MARCH);

      assertThat(sql).startsWith("CREATE TABLE").doesNotEndWith(";");
    }

    @Test
    void allowsBackticksAndSemicolonsInsideLiteralsAndComments() {
      String template =
          MINIMAL
              + "\n"
              + "-- the old Hive DDL quoted `eventid`; not here\n"
              + "/* nor `here`; */\n"
              + "WHERE eventname <> 'a`b;c' AND \"weird;name\" IS NOT NULL";

      assertThat(CtasTemplate.parse(template, "test").render(LAYOUT, MARCH))
          .contains("'a`b;c'", "-- the old Hive DDL quoted `eventid`; not here");
    }

    @Test
    void allowsDoubledQuotesInsideALiteral() {
      String sql =
          CtasTemplate.parse(MINIMAL + "\nWHERE useragent <> 'it''s `x`; y'", "test")
              .render(LAYOUT, MARCH);

      assertThat(sql).endsWith("'it''s `x`; y'");
    }
  }

  @Nested
  class Rejections {
    @Test
    void doesNotCountAPlaceholderThatOnlyAppearsInAComment() {
      String commentedOut =
          "CREATE TABLE \"{{database}}\".\"{{temp_table}}\" -- at {{location}}\n"
              + "AS SELECT 1 AS x /* external_location = '{{location}}' */";

      assertThatThrownBy(() -> CtasTemplate.parse(commentedOut, "test"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("never uses {{location}}");
    }

    @Test
    void listsAnUnknownPlaceholderAndTheKnownOnes() {
      String message = rejection(MINIMAL + "\nWHERE year = '{{yr}}' AND x = '{{table}}'");

      assertThat(message)
          .contains(
              "{{table}}",
              "{{yr}}",
              "{{database}}",
              "{{source_table}}",
              "{{destination_table}}",
              "{{temp_table}}",
              "{{location}}",
              "{{year}}",
              "{{month}}");
    }

    @Test
    void rejectsShellStylePlaceholdersAsMissingTheRequiredOnes() {
      assertThat(
              rejection(
                  "CREATE TABLE ${temp_table} WITH (external_location = '${location}') AS SELECT 1"))
          .contains("{{temp_table}}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          // The output would land elsewhere while the query reports success: the partition would be
          // emptied.
          "an external_location outside the staging location|CREATE TABLE {{temp_table}} WITH (external_location = "
              + "'s3://other/{{year}}/') AS SELECT 1, '{{location}}' AS x|sets external_location = 's3://other/{{year}}/', "
              + "not exactly '{{location}}'",
          "a location below the staging location|CREATE TABLE {{temp_table}} WITH (external_location = '{{location}}x/') "
              + "AS SELECT 1|sets external_location = '{{location}}x/', not exactly '{{location}}'",
          "no external_location|CREATE TABLE {{temp_table}} WITH (format = 'PARQUET') AS SELECT '{{location}}' AS x|never "
              + "sets external_location",
          "two external_locations|CREATE TABLE {{temp_table}} WITH (external_location = '{{location}}', external_location "
              + "= 's3://b/') AS SELECT 1|not exactly '{{location}}'",
          "no WITH|CREATE TABLE {{temp_table}} AS SELECT '{{location}}' AS x|has no WITH (...) properties",
          "not a CTAS|INSERT INTO {{temp_table}} SELECT '{{location}}'|is not a CREATE TABLE ... AS statement (it starts "
              + "with \"INSERT INTO {{temp_table}} SEL\")",
          "a table with columns and no AS|CREATE TABLE {{temp_table}} WITH (external_location = '{{location}}') (x int)|is "
              + "not a CREATE TABLE ... AS statement (no AS after",
          "another table|CREATE TABLE other WITH (external_location = '{{location}}') AS SELECT '{{temp_table}}'|creates "
              + "\"other\", not {{temp_table}}",
        })
    void rejectsATemplateWhoseOutputWouldNotLandInTheStagingLocation(
        String what, String template, String expected) {
      assertThat(rejection(template))
          .as(what)
          .contains(expected)
          .contains(
              "the builder needs CREATE TABLE {{temp_table}} WITH (..., external_location = '{{location}}', ...) AS "
                  + "SELECT ...");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "create table if not exists {{database}}.{{temp_table}} with (external_location='{{location}}') as select 1",
          "CREATE TABLE \"awsdatacatalog\".\"{{database}}\".\"{{ temp_table }}\"\nWITH (\"external_location\" = "
              + "'{{location}}', partitioned_by = ARRAY['x'])\nAS WITH t AS (SELECT 1 AS x) SELECT * FROM t",
          "CREATE TABLE {{temp_table}} WITH (format = 'PARQUET', -- where: '{{location}}'\n external_location = "
              + "'{{location}}' /* staging */) AS (SELECT 1)",
          "CREATE TABLE {{temp_table}}-- a comment between two words keeps them apart\nWITH (external_location = "
              + "'{{location}}') AS SELECT 1",
          "CREATE TABLE {{temp_table}} WITH (comment = 'not here: external_location = x', external_location = "
              + "'{{location}}') AS SELECT 1",
        })
    void acceptsACtasIntoTheStagingLocationHoweverItIsWritten(String template) {
      assertThat(CtasTemplate.parse(template, "test").render(LAYOUT, MARCH))
          .contains("'s3://my-bucket/cloudtrail_monthly/_staging/2024/03/'");
    }

    /**
     * Quoted names and literals of any length: each once overflowed the stack of the regex that
     * reads the head.
     */
    @Test
    void rejectsAHugeExternalLocationInOneShortLine() {
      String huge = "{{location}}" + "x".repeat(100_000);

      assertThat(rejection(MINIMAL.replace("'{{location}}'", "'" + huge + "'")))
          .contains("sets external_location = '{{location}}xxx", "..., not exactly '{{location}}'")
          .hasSizeLessThan(500);
    }

    @Test
    void rejectsAHugeQuotedTableNameInOneShortLine() {
      assertThat(
              rejection(
                  MINIMAL.replace(
                      "\"{{temp_table}}\"", "\"{{temp_table}}" + "t\"\"".repeat(50_000) + "\"")))
          .contains("creates ", ", not {{temp_table}}")
          .hasSizeLessThan(500);
    }

    @Test
    void acceptsHugeLiteralsAndQuotedNamesElsewhere() {
      String template =
          "CREATE TABLE \"{{database}}\".\"{{temp_table}}\"\nWITH (comment = '"
              + "it''s ".repeat(30_000)
              + "', external_location = '{{location}}') AS\nSELECT '"
              + "y".repeat(100_000)
              + "' AS \""
              + "z".repeat(100_000)
              + "\" FROM \"{{database}}\".\"{{source_table}}\"";

      assertThat(CtasTemplate.parse(template, "test").render(LAYOUT, MARCH))
          .contains("external_location = 's3://my-bucket/cloudtrail_monthly/_staging/2024/03/'");
    }

    @Test
    void rejectsATemplateWithoutTheTempTable() {
      assertThat(rejection(MINIMAL.replace("{{temp_table}}", "cloudtrail_monthly")))
          .contains("{{temp_table}}");
    }

    @Test
    void rejectsATemplateWithoutTheLocation() {
      assertThat(rejection(MINIMAL.replace("{{location}}", "s3://my-bucket/x/")))
          .contains("{{location}}");
    }

    @Test
    void rejectsABacktickOutsideALiteralNamingItsLine() {
      assertThat(rejection(MINIMAL + "\nWHERE `year` = '2024'")).contains("backtick", "line 4");
    }

    @Test
    void countsTheLineOfABacktickFromTheTopOfTheFile() {
      // Line 4 of the file, after three comment lines the template drops before sending.
      String template = "-- one\n-- two\n\n" + "SELECT `eventid`\n" + MINIMAL;

      assertThat(rejection(template)).contains("backtick", "line 4");
    }

    @Test
    void rejectsTwoStatements() {
      assertThat(rejection(MINIMAL + ";\nDROP TABLE \"cloudtrail\".\"cloudtrail_daily\""))
          .contains("more than one statement", "line 3");
    }

    @Test
    void rejectsTwoTrailingSemicolons() {
      assertThat(rejection(MINIMAL + ";;")).contains("more than one statement");
    }

    @Test
    void rejectsAnUnterminatedLiteral() {
      assertThat(rejection(MINIMAL + "\nWHERE year = '2024"))
          .contains("unterminated string literal", "line 4");
    }

    @Test
    void namesABacktickThatComesBeforeAnUnterminatedLiteral() {
      assertThat(rejection(MINIMAL + "\nWHERE `year` = '2024"))
          .contains("uses a backtick at line 4");
    }

    @Test
    void rejectsAnUnterminatedQuotedIdentifier() {
      assertThat(rejection(MINIMAL + "\nWHERE \"year = '2024'"))
          .contains("unterminated quoted identifier");
    }

    @Test
    void rejectsAnUnterminatedBlockComment() {
      assertThat(rejection(MINIMAL + "\n/* WHERE year = '2024'"))
          .contains("unterminated /* comment");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "  \n\t", "-- only a comment\n-- and another", ";", "\n;\n"})
    void rejectsAnEmptyTemplate(String template) {
      assertThat(rejection(template)).contains("is empty");
    }

    @Test
    void namesTheTemplateInEveryMessage() {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> CtasTemplate.parse("SELECT 1", "s3://b/ddl/mine.sql"));

      assertThat(e.getMessage())
          .startsWith("CTAS template s3://b/ddl/mine.sql ")
          .doesNotContain("\n");
    }

    private String rejection(String template) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> CtasTemplate.parse(template, "test.sql"));
      assertThat(e).as("expected a ConfigException").isNotNull();
      assertThat(e.getMessage()).contains("test.sql").doesNotContain("\n");
      return e.getMessage();
    }
  }

  @Nested
  class Load {
    @Test
    void loadsTheBundledTemplateWhenNoneIsConfigured() {
      CtasTemplate template = CtasTemplate.load(Optional.empty(), NO_S3);

      assertThat(template.origin()).isEqualTo(CtasTemplate.bundled().origin());
      assertThat(template.render(LAYOUT, MARCH))
          .isEqualTo(CtasTemplate.bundled().render(LAYOUT, MARCH));
    }

    @Test
    void loadsAFilePath(@TempDir Path dir) throws IOException {
      Path file = dir.resolve("ctas.sql");
      Files.writeString(file, "-- mine\n" + MINIMAL + " WHERE month = '{{month}}';\n", UTF_8);

      CtasTemplate template = CtasTemplate.load(Optional.of(file.toString()), NO_S3);

      assertThat(template.origin()).isEqualTo(file.toString());
      assertThat(template.render(LAYOUT, MARCH))
          .startsWith("CREATE TABLE")
          .endsWith("WHERE month = '03'");
    }

    @Test
    void namesTheVariableAndPathOfAMissingFile(@TempDir Path dir) {
      String missing = dir.resolve("missing.sql").toString();

      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> CtasTemplate.load(Optional.of(missing), NO_S3));

      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains(Config.CTAS_TEMPLATE, missing, "no such file");
    }

    @Test
    void namesTheFileWhenItsContentIsInvalid(@TempDir Path dir) throws IOException {
      Path file = dir.resolve("bad.sql");
      Files.writeString(file, "SELECT `x`", UTF_8);

      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> CtasTemplate.load(Optional.of(file.toString()), NO_S3));

      assertThat(e.getMessage()).contains(file.toString(), "backtick");
    }

    @Test
    void readsAnS3TemplateThroughTheGivenReaderWithExactlyThatUri() {
      List<String> asked = new ArrayList<>();

      CtasTemplate template =
          CtasTemplate.load(
              Optional.of("s3://b/k"),
              uri -> {
                asked.add(uri);
                return MINIMAL;
              });

      assertThat(asked).containsExactly("s3://b/k");
      assertThat(template.origin()).isEqualTo("s3://b/k");
      assertThat(template.render(LAYOUT, MARCH)).contains("\"cloudtrail_monthly_temp_202403\"");
    }

    @Test
    void namesTheS3UriWhenItsContentIsInvalid() {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class,
              () -> CtasTemplate.load(Optional.of("s3://b/ddl/ctas.sql"), uri -> "SELECT 1"));

      assertThat(e.getMessage()).contains("s3://b/ddl/ctas.sql", "{{temp_table}}");
    }
  }
}
