package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partitionbuilder.core.SqlTokens.Dialect;
import dev.partitionbuilder.core.SqlTokens.Kind;
import dev.partitionbuilder.core.SqlTokens.Token;
import dev.partitionbuilder.core.SqlTokens.UnterminatedException;
import io.trino.grammar.sql.SqlBaseLexer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How SQL text splits into tokens, in both dialects; what the tokens mean is their readers'
 * business.
 */
class SqlTokensTest {

  /** Each token as kind:text, whitespace left out. */
  private static List<String> tokens(String sql, Dialect dialect) {
    return SqlTokens.scan(sql, dialect).stream()
        .filter(t -> t.kind() != Kind.WHITESPACE)
        .map(t -> t.kind() + ":" + t.text())
        .toList();
  }

  /** The project's CTAS templates, rendered, and statements that mix quotes and comment markers. */
  static Stream<String> trinoStatements() {
    TableLayout layout = Config.fromEnvironment(ConfigTest.BASE).layout();
    Stream<String> templates =
        Stream.of(
                "ddl/cloudtrail_monthly_ctas.sql",
                "examples/raw-cloudtrail/cloudtrail_raw_ctas.sql",
                "examples/sales-csv/sales_monthly_ctas.sql")
            .map(
                file -> CtasTemplate.parse(read(file), file).render(layout, YearMonth.of(2024, 3)));
    Stream<String> mixed =
        Stream.of(
            "SELECT 'it''s -- not a comment' AS \"a \"\" b\" -- it's a comment\nFROM t /* 'x' \"y\" -- */ WHERE x = ''",
            "SELECT 1 --\n--x\r\n/**/ /* several\nlines */ \"\"\"\" '''' '/* no */' a-b, a - -1, 'x'/*c*/'y' --");
    return Stream.concat(templates, mixed);
  }

  /**
   * Where literals, quoted names and comments start and end, the Trino dialect reads as Trino's own
   * lexer does.
   */
  @ParameterizedTest
  @MethodSource("trinoStatements")
  void trinoDialectSplitsLiteralsNamesAndCommentsAsTrinosLexer(String sql) {
    Map<Integer, Kind> kinds =
        Map.of(
            SqlBaseLexer.STRING,
            Kind.STRING,
            SqlBaseLexer.QUOTED_IDENTIFIER,
            Kind.QUOTED_IDENTIFIER,
            SqlBaseLexer.SIMPLE_COMMENT,
            Kind.LINE_COMMENT,
            SqlBaseLexer.BRACKETED_COMMENT,
            Kind.BLOCK_COMMENT);
    SqlBaseLexer lexer = new SqlBaseLexer(CharStreams.fromString(sql));
    lexer.removeErrorListeners();
    lexer.addErrorListener(
        new BaseErrorListener() {
          @Override
          public void syntaxError(
              Recognizer<?, ?> recognizer,
              Object symbol,
              int line,
              int column,
              String message,
              RecognitionException e) {
            throw new AssertionError(
                "Trino's lexer cannot read the statement at "
                    + line
                    + ":"
                    + column
                    + ": "
                    + message);
          }
        });
    List<String> trinos = new ArrayList<>();
    for (org.antlr.v4.runtime.Token token : lexer.getAllTokens()) {
      Kind kind = kinds.get(token.getType());
      if (kind != null) {
        // Trino's line comment takes its line break along; ours leaves it to the whitespace after
        // it.
        trinos.add(
            kind + "@" + token.getStartIndex() + ":" + token.getText().replaceAll("[\r\n]+$", ""));
      }
    }

    List<String> ours =
        SqlTokens.scan(sql, Dialect.TRINO).stream()
            .filter(t -> kinds.containsValue(t.kind()))
            .map(t -> t.kind() + "@" + t.start() + ":" + t.text().replaceAll("[\r\n]+$", ""))
            .toList();

    assertThat(trinos).isNotEmpty();
    assertThat(ours).isEqualTo(trinos);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Nested
  class BothDialects {
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void givesBackTheTextWhenItsTokensAreJoined(Dialect dialect) {
      String sql = "CREATE TABLE t -- note 'x\n WITH (a = 'b', c = \"d\") AS SELECT 1.5, x<>y\r\n;";

      List<Token> tokens = SqlTokens.scan(sql, dialect);

      assertThat(tokens.stream().map(Token::text).collect(Collectors.joining())).isEqualTo(sql);
      for (int i = 1; i < tokens.size(); i++) {
        assertThat(tokens.get(i).start()).isEqualTo(tokens.get(i - 1).end());
      }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void splitsWordsWhitespaceAndOnePunctuationCharacterPerToken(Dialect dialect) {
      assertThat(tokens("a_1 $b {{temp_table}}.x(<>);", dialect))
          .containsExactly(
              "WORD:a_1",
              "WORD:$b",
              "WORD:{{temp_table}}",
              "PUNCTUATION:.",
              "WORD:x",
              "PUNCTUATION:(",
              "PUNCTUATION:<",
              "PUNCTUATION:>",
              "PUNCTUATION:)",
              "PUNCTUATION:;");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void endsALineCommentBeforeItsLineBreakAndHidesQuotesInIt(Dialect dialect) {
      List<Token> tokens = SqlTokens.scan("a -- it's \"x\" `y`\nb", dialect);

      assertThat(tokens)
          .extracting(Token::kind)
          .containsExactly(
              Kind.WORD, Kind.WHITESPACE, Kind.LINE_COMMENT, Kind.WHITESPACE, Kind.WORD);
      assertThat(tokens.get(2).text()).isEqualTo("-- it's \"x\" `y`");
      assertThat(tokens.get(2).significant()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void runsALineCommentOnTheLastLineToTheEnd(Dialect dialect) {
      assertThat(tokens("a --", dialect)).containsExactly("WORD:a", "LINE_COMMENT:--");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keepsCommentMarkersInsideALiteral(Dialect dialect) {
      assertThat(tokens("'-- /* x */'", dialect)).containsExactly("STRING:'-- /* x */'");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void givesEachTokenItsOffset(Dialect dialect) {
      List<Token> tokens = SqlTokens.significant("  a\n 'b'", dialect);

      assertThat(tokens)
          .containsExactly(new Token(Kind.WORD, "a", 2), new Token(Kind.STRING, "'b'", 5));
      assertThat(tokens.get(1).end()).isEqualTo(8);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void namesTheLineAndColumnAndStartOfAnUnterminatedLiteralInOneLine(Dialect dialect) {
      UnterminatedException e =
          catchThrowableOfType(
              UnterminatedException.class,
              () -> SqlTokens.scan("SELECT 1\nWHERE year = '2024\nAND x", dialect));

      assertThat(e.kind()).isEqualTo(Kind.STRING);
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.start()).isEqualTo(22);
      assertThat(e.getMessage())
          .isEqualTo("unterminated string literal at line 2, column 14: \"'2024\\nAND x\"");
    }
  }

  @Nested
  class Trino {
    @Test
    void readsADoubledQuoteAsPartOfTheLiteralOrName() {
      assertThat(tokens("'it''s' \"a\"\"b\" ''", Dialect.TRINO))
          .containsExactly("STRING:'it''s'", "QUOTED_IDENTIFIER:\"a\"\"b\"", "STRING:''");
    }

    @Test
    void hasNoBackslashEscape() {
      assertThat(tokens("'a\\' b", Dialect.TRINO)).containsExactly("STRING:'a\\'", "WORD:b");
    }

    @Test
    void readsABlockCommentAcrossLinesAndHidesQuotesInIt() {
      assertThat(tokens("a /* it's\n `x` -- */ b", Dialect.TRINO))
          .containsExactly("WORD:a", "BLOCK_COMMENT:/* it's\n `x` -- */", "WORD:b");
    }

    @Test
    void leavesABacktickAsPunctuationForTheReaderToRefuse() {
      assertThat(tokens("`a`", Dialect.TRINO))
          .containsExactly("PUNCTUATION:`", "WORD:a", "PUNCTUATION:`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a", "\"a\"\"", "'a''"})
    void refusesAnUnterminatedLiteralOrNameWhoseLastQuoteIsDoubled(String sql) {
      assertThat(
              catchThrowableOfType(
                  UnterminatedException.class, () -> SqlTokens.scan(sql, Dialect.TRINO)))
          .isNotNull();
    }

    @Test
    void namesAnUnterminatedQuotedIdentifier() {
      UnterminatedException e =
          catchThrowableOfType(
              UnterminatedException.class, () -> SqlTokens.scan("SELECT \"year", Dialect.TRINO));

      assertThat(e.kind()).isEqualTo(Kind.QUOTED_IDENTIFIER);
      assertThat(e.getMessage()).startsWith("unterminated quoted identifier at line 1, column 8");
    }

    @Test
    void namesAnUnterminatedBlockComment() {
      UnterminatedException e =
          catchThrowableOfType(
              UnterminatedException.class,
              () -> SqlTokens.scan("a\n\n  /* x */ /* y", Dialect.TRINO));

      assertThat(e.kind()).isEqualTo(Kind.BLOCK_COMMENT);
      assertThat(e.getMessage()).startsWith("unterminated /* comment at line 3, column 11");
    }

    @Test
    void findsTheClosingParenthesisPastNestedOnesAndThoseInLiteralsAndComments() {
      List<Token> tokens = SqlTokens.significant("f(a, (b), ')', \")\" /* ) */) x)", Dialect.TRINO);

      assertThat(tokens.get(SqlTokens.closingParenthesis(tokens, 1)).start()).isEqualTo(26);
      assertThat(SqlTokens.closingParenthesis(SqlTokens.significant("(a (b)", Dialect.TRINO), 0))
          .isEqualTo(-1);
    }

    @Test
    void splitsAHugeLiteralWithoutRunningOutOfStack() {
      String literal = "'" + "it''s ".repeat(100_000) + "'";

      assertThat(SqlTokens.scan(literal + " x", Dialect.TRINO))
          .extracting(Token::kind)
          .containsExactly(Kind.STRING, Kind.WHITESPACE, Kind.WORD);
    }
  }

  @Nested
  class Hive {
    @Test
    void readsBothQuotesAsStringLiteralsWithBackslashEscapes() {
      assertThat(tokens("'a\\'b' \"c\\\"d\" '\\\\'", Dialect.HIVE))
          .containsExactly("STRING:'a\\'b'", "STRING:\"c\\\"d\"", "STRING:'\\\\'");
    }

    @Test
    void readsADoubledQuoteAsTwoLiteralsSideBySide() {
      assertThat(tokens("'it''s'", Dialect.HIVE)).containsExactly("STRING:'it'", "STRING:'s'");
    }

    @Test
    void readsABacktickNameWithoutEscapes() {
      assertThat(tokens("`a\\` b", Dialect.HIVE))
          .containsExactly("QUOTED_IDENTIFIER:`a\\`", "WORD:b");
    }

    @Test
    void hasNoBlockComments() {
      assertThat(tokens("/* a */", Dialect.HIVE))
          .containsExactly(
              "PUNCTUATION:/", "PUNCTUATION:*", "WORD:a", "PUNCTUATION:*", "PUNCTUATION:/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'a\\'", "'a\\", "\"a", "`a"})
    void refusesALiteralWhoseClosingQuoteIsEscapedOrMissing(String sql) {
      assertThat(
              catchThrowableOfType(
                  UnterminatedException.class, () -> SqlTokens.scan(sql, Dialect.HIVE)))
          .isNotNull();
    }

    @Test
    void namesAnUnterminatedBacktickName() {
      UnterminatedException e =
          catchThrowableOfType(
              UnterminatedException.class,
              () -> SqlTokens.scan("CREATE TABLE `t (a int)", Dialect.HIVE));

      assertThat(e.kind()).isEqualTo(Kind.QUOTED_IDENTIFIER);
      assertThat(e.getMessage())
          .isEqualTo("unterminated quoted identifier at line 1, column 14: \"`t (a int)\"");
    }
  }
}
