package dev.partitionbuilder.local.trino;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the translation puts Trino's WITH (...) into the statement's own text. */
class CtasTranslationTest {

  @Test
  void replacesTheWithClauseOnAsManyLinesAsBefore() {
    String sql =
        "CREATE TABLE t\nWITH (\n  format = 'PARQUET',\n  external_location = 'file:///tmp/x/'\n)\n"
            + "AS SELECT 1";

    CtasTranslation translated = CtasTranslation.of(sql);

    assertThat(translated.sql())
        .isEqualTo(
            "CREATE TABLE t\nWITH (format = 'PARQUET', external_location = 'local:///tmp/x/')\n\n\n\nAS SELECT 1");
    assertThat(translated.externalLocation()).contains("file:///tmp/x/");
  }

  @Test
  void findsTheEndOfTheWithClausePastParenthesesInLiteralsAndComments() {
    String sql =
        "CREATE TABLE t WITH (format = 'PARQUET' /* ) */, external_location = 'file:///tmp/a)b/' -- )\n"
            + ") AS SELECT 1";

    assertThat(CtasTranslation.of(sql).sql())
        .isEqualTo(
            "CREATE TABLE t WITH (format = 'PARQUET', external_location = 'local:///tmp/a)b/')\n AS SELECT 1");
  }

  @Test
  void addsAWithClauseBeforeTheAsKeywordWhateverItsCase() {
    assertThat(CtasTranslation.of("CREATE TABLE basket As SELECT 1 AS x").sql())
        .isEqualTo("CREATE TABLE basket WITH (format = 'PARQUET')\nAs SELECT 1 AS x");
  }

  @Test
  void leavesAStatementOtherThanACtasAsItIs() {
    assertThat(CtasTranslation.of("SELECT '(' AS x").sql()).isEqualTo("SELECT '(' AS x");
  }
}
