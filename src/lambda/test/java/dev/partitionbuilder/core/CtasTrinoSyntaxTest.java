package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.testing.AthenaTemplates;
import io.trino.sql.ExpressionFormatter;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.CreateTableAsSelect;
import io.trino.sql.tree.Identifier;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.Property;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.Table;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the project sends to Athena, parsed by Trino's own SQL parser (Athena engine v3 runs Trino,
 * so a statement this parser rejects fails on Athena with a syntax error). This checks syntax only:
 * names and functions are resolved by Athena, not here.
 */
class CtasTrinoSyntaxTest {
  private static final SqlParser TRINO = new SqlParser();
  private static final List<YearMonth> MONTHS =
      List.of(
          YearMonth.of(2024, 1),
          YearMonth.of(2023, 12),
          YearMonth.of(2024, 2),
          YearMonth.of(2000, 2));

  /**
   * Layouts within Config's rules, each built through it so that they are checked as at cold start.
   */
  private static final Map<String, TableLayout> LAYOUTS = new LinkedHashMap<>();

  static {
    LAYOUTS.put(
        "example",
        layout(
            "cloudtrail",
            "cloudtrail_daily",
            "cloudtrail_monthly",
            "my-bucket",
            "cloudtrail_monthly/"));
    LAYOUTS.put(
        "names starting with digits",
        layout("2024_logs", "1_daily", "9monthly", "123-data.lake", "tables/9monthly/"));
    LAYOUTS.put(
        "'=', '.' and the other allowed characters in the prefix",
        layout(
            "logs",
            "daily",
            "monthly",
            "bucket.with.dots",
            "warehouse/dt=monthly/v1.2/.hidden/a..b/(x)!_-/"));
    LAYOUTS.put("SQL keywords as names", layout("select", "from", "table", "abc", "where/"));
    LAYOUTS.put(
        "longest destination table",
        layout("_", "_", "t".repeat(255 - Config.TEMP_SUFFIX_LENGTH), "a.b", "p/"));
  }

  private static TableLayout layout(
      String database, String source, String destination, String bucket, String prefix) {
    return Config.fromEnvironment(
            Map.of(
                Config.ATHENA_WORKGROUP, "primary",
                Config.GLUE_DATABASE, database,
                Config.SRC_TABLE_NAME, source,
                Config.DST_TABLE_NAME, destination,
                Config.DST_BUCKET, bucket,
                Config.DST_PREFIX, prefix))
        .layout();
  }

  static Stream<Arguments> layoutsAndMonths() {
    return LAYOUTS.entrySet().stream()
        .flatMap(e -> MONTHS.stream().map(m -> Arguments.of(e.getKey(), m)));
  }

  static Stream<String> testTemplates() {
    return AthenaTemplates.ALL.keySet().stream().sorted();
  }

  private static CreateTableAsSelect parseCtas(String sql) {
    Statement statement = TRINO.createStatement(sql);
    assertThat(statement).isInstanceOf(CreateTableAsSelect.class);
    return (CreateTableAsSelect) statement;
  }

  /** Each WITH property, its value as Trino formats it back ('PARQUET', ARRAY['event_id'], 4). */
  private static Map<String, String> properties(CreateTableAsSelect ctas) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Property property : ctas.getProperties()) {
      properties.put(
          property.getName().getValue(),
          ExpressionFormatter.formatExpression(property.getNonDefaultValue()));
    }
    return properties;
  }

  private static List<String> parts(List<Identifier> name) {
    assertThat(name)
        .as("every part of %s is double-quoted", name)
        .allMatch(Identifier::isDelimited);
    return name.stream().map(Identifier::getValue).toList();
  }

  /** Every table the query reads, as [database, table]. */
  private static List<List<String>> tablesRead(Node node) {
    List<List<String>> tables = new ArrayList<>();
    if (node instanceof Table table) {
      tables.add(parts(table.getName().getOriginalParts()));
    }
    for (Node child : node.getChildren()) {
      tables.addAll(tablesRead(child));
    }
    return tables;
  }

  @Nested
  class BundledTemplate {
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.partitionbuilder.core.CtasTrinoSyntaxTest#layoutsAndMonths")
    void parsesAsACtasThatCreatesTheMonthsTempTableInTheDatabase(
        String layoutName, YearMonth month) {
      TableLayout layout = LAYOUTS.get(layoutName);

      CreateTableAsSelect ctas = parseCtas(CtasTemplate.bundled().render(layout, month));

      assertThat(parts(ctas.getName().getOriginalParts()))
          .containsExactly(layout.database(), layout.tempTable(month));
      assertThat(ctas.isWithData()).isTrue();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.partitionbuilder.core.CtasTrinoSyntaxTest#layoutsAndMonths")
    void writesSnappyParquetInFourBucketsByEventIdToThePartitionsLocation(
        String layoutName, YearMonth month) {
      TableLayout layout = LAYOUTS.get(layoutName);

      CreateTableAsSelect ctas = parseCtas(CtasTemplate.bundled().render(layout, month));

      assertThat(properties(ctas))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "format", "'PARQUET'",
                  "write_compression", "'SNAPPY'",
                  "external_location", "'" + layout.location(layout.stagingPrefix(month)) + "'",
                  "bucketed_by", "ARRAY['event_id']",
                  "bucket_count", "4"));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.partitionbuilder.core.CtasTrinoSyntaxTest#layoutsAndMonths")
    void readsOnlyTheSourceTableOfTheSameDatabase(String layoutName, YearMonth month) {
      TableLayout layout = LAYOUTS.get(layoutName);

      CreateTableAsSelect ctas = parseCtas(CtasTemplate.bundled().render(layout, month));

      assertThat(tablesRead(ctas.getQuery()))
          .containsExactly(List.of(layout.database(), layout.sourceTable()));
    }

    @Test
    void putsTheLocationWithItsEqualsSignsAndDotsIntoTheLiteralUnchanged() {
      TableLayout layout = LAYOUTS.get("'=', '.' and the other allowed characters in the prefix");

      CreateTableAsSelect ctas =
          parseCtas(CtasTemplate.bundled().render(layout, YearMonth.of(2024, 2)));

      assertThat(properties(ctas))
          .containsEntry(
              "external_location",
              "'s3://bucket.with.dots/warehouse/dt=monthly/v1.2/.hidden/a..b/(x)!_-/_staging/2024/02/'");
    }
  }

  @Nested
  class TestTemplates {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.partitionbuilder.core.CtasTrinoSyntaxTest#testTemplates")
    void parseAsACtasOfTheTempTableAtThePartitionsLocation(String name) {
      TableLayout layout = LAYOUTS.get("example");
      YearMonth month = YearMonth.of(2024, 3);

      CreateTableAsSelect ctas =
          parseCtas(CtasTemplate.parse(AthenaTemplates.ALL.get(name), name).render(layout, month));

      assertThat(parts(ctas.getName().getOriginalParts()))
          .containsExactly(layout.database(), layout.tempTable(month));
      assertThat(properties(ctas))
          .containsEntry(
              "external_location", "'" + layout.location(layout.stagingPrefix(month)) + "'");
    }
  }

  /** What CtasTemplate lets through and what it strips must agree with Trino's own lexer. */
  @Nested
  class WhatTheTemplateChecksLetThrough {
    private final TableLayout layout = LAYOUTS.get("example");
    private final YearMonth march = YearMonth.of(2024, 3);

    private String rendered(String template) {
      return CtasTemplate.parse(template, "test").render(layout, march);
    }

    @Test
    void commentsInsideTheStatementAndBackticksAndSemicolonsInLiteralsAndQuotedNamesParse() {
      String template =
          AthenaTemplates.MINIMAL
              + "\n"
              + "-- the old Hive DDL quoted `eventid`; not here\n"
              + "/* nor `here`; */\n"
              + "WHERE eventname <> 'a`b;c' AND \"weird;name\" IS NOT NULL AND useragent <> 'it''s'";

      CreateTableAsSelect ctas = parseCtas(rendered(template));

      assertThat(tablesRead(ctas.getQuery()))
          .containsExactly(List.of("cloudtrail", "cloudtrail_daily"));
    }

    @Test
    void aTrailingSemicolonWhichTrinoRejectsIsStrippedBeforeSending() {
      String template = "-- header\n" + AthenaTemplates.MINIMAL + ";\n-- end\n";

      assertThatThrownBy(() -> TRINO.createStatement(AthenaTemplates.MINIMAL + ";"))
          .isInstanceOf(ParsingException.class)
          .hasMessageContaining("mismatched input ';'");
      assertThat(parseCtas(rendered(template))).isNotNull();
    }
  }

  /**
   * Templates Athena would reject are stopped by CtasTemplate when loaded, at cold start, instead
   * of failing every message on Athena. Trino's parser rejects the same text, so the checks refuse
   * nothing Athena would run.
   */
  @Nested
  class WhatTheTemplateChecksStop {
    private String filled(String template) {
      TableLayout layout = LAYOUTS.get("example");
      YearMonth month = YearMonth.of(2024, 3);
      return Placeholders.render(
          template,
          Map.of(
              "database",
              layout.database(),
              "source_table",
              layout.sourceTable(),
              "temp_table",
              layout.tempTable(month),
              "location",
              layout.location(layout.stagingPrefix(month))));
    }

    @Test
    void backtickQuotedNamesAreRejectedByTheTemplateAndByTrino() {
      String template =
          "CREATE TABLE `{{database}}`.`{{temp_table}}` WITH (external_location = '{{location}}') AS\n"
              + "SELECT `eventid` FROM `{{database}}`.`{{source_table}}`";

      assertThatThrownBy(() -> CtasTemplate.parse(template, "test"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("backtick");
      assertThatThrownBy(() -> TRINO.createStatement(filled(template)))
          .isInstanceOf(ParsingException.class)
          .hasMessageContaining("backquoted identifiers are not supported");
    }

    @Test
    void twoStatementsAreRejectedByTheTemplateAndByTrino() {
      String template =
          AthenaTemplates.MINIMAL + ";\nDROP TABLE \"{{database}}\".\"{{source_table}}\"";

      assertThatThrownBy(() -> CtasTemplate.parse(template, "test"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("more than one statement");
      assertThatThrownBy(() -> TRINO.createStatement(filled(template)))
          .isInstanceOf(ParsingException.class)
          .hasMessageContaining("mismatched input ';'");
    }
  }
}
