package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text split into tokens, the one place that knows where a literal, a quoted name or a comment
 * ends; what a statement means is left to its readers (the CTAS template check, the local CTAS
 * translation, the Hive DDL reader), each with its own grammar over these tokens.
 *
 * <p>The tokens cover the text without a gap, so joining their texts gives it back. A word is a run
 * of letters, digits, {@code _}, {@code $}, <code>{</code> and <code>}</code> (so that a <code>
 * {{placeholder}}</code> is one word); whitespace is one token per run; any other character is a
 * punctuation token of its own.
 */
public final class SqlTokens {

  /** Where the two SQLs this project reads split differently. */
  public enum Dialect {
    /**
     * Athena engine v3 (Trino) SQL, for the CTAS: {@code '...'} is a string literal and {@code
     * "..."} a quoted identifier, each with its quote doubled inside; no backslash escapes; {@code
     * /* ... *}{@code /} block comments; a backtick is punctuation (Trino rejects it).
     */
    TRINO,
    /**
     * Hive DDL, as Athena runs {@code CREATE EXTERNAL TABLE}: {@code '...'} and {@code "..."} are
     * both string literals with backslash escapes, and {@code 'a''b'} is two literals side by side
     * (Hive's grammar joins them, so it reads {@code ab}); {@code `...`} is a quoted identifier; no
     * block comments.
     */
    HIVE
  }

  public enum Kind {
    WORD("word"),
    STRING("string literal"),
    QUOTED_IDENTIFIER("quoted identifier"),
    LINE_COMMENT("-- comment"),
    BLOCK_COMMENT("/* comment"),
    WHITESPACE("whitespace"),
    PUNCTUATION("punctuation");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    /** How a message names it, such as {@code string literal}. */
    public String description() {
      return description;
    }
  }

  /**
   * One token: {@code text} as it stands in the SQL, quotes and comment markers included, from
   * offset {@code start}. A line comment ends before its line break.
   */
  public record Token(Kind kind, String text, int start) {
    public Token {
      requireNonNull(kind, "kind is null");
      requireNonNull(text, "text is null");
    }

    public int end() {
      return start + text.length();
    }

    /** Neither whitespace nor a comment. */
    public boolean significant() {
      return kind != Kind.WHITESPACE && kind != Kind.LINE_COMMENT && kind != Kind.BLOCK_COMMENT;
    }

    /** A word equal to {@code keyword}, ignoring case. */
    public boolean isWord(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    /** The punctuation character {@code c}. */
    public boolean is(char c) {
      return kind == Kind.PUNCTUATION && text.charAt(0) == c;
    }
  }

  /** A literal, quoted identifier or block comment that the text ends inside. */
  public static final class UnterminatedException extends IllegalArgumentException {
    private final Kind kind;
    private final int start;
    private final int line;

    UnterminatedException(Kind kind, String sql, int start) {
      super(
          "unterminated "
              + kind.description()
              + " at line "
              + lineOf(sql, start)
              + ", column "
              + columnOf(sql, start)
              + ": "
              + SafeText.quote(sql.substring(start, Math.min(sql.length(), start + 30))));
      this.kind = kind;
      this.start = start;
      this.line = lineOf(sql, start);
    }

    public Kind kind() {
      return kind;
    }

    /** Offset of its opening quote or comment marker. */
    public int start() {
      return start;
    }

    /** Line of its opening quote or comment marker, from 1. */
    public int line() {
      return line;
    }
  }

  private SqlTokens() {}

  /**
   * Every token of {@code sql}, whitespace and comments included.
   *
   * @throws UnterminatedException when a literal, quoted identifier or block comment is not closed
   */
  public static List<Token> scan(String sql, Dialect dialect) {
    requireNonNull(sql, "sql is null");
    requireNonNull(dialect, "dialect is null");
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      Kind kind;
      if (Character.isWhitespace(c)) {
        end = i + 1;
        while (end < n && Character.isWhitespace(sql.charAt(end))) {
          end++;
        }
        kind = Kind.WHITESPACE;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        kind = Kind.LINE_COMMENT;
      } else if (c == '/' && dialect == Dialect.TRINO && i + 1 < n && sql.charAt(i + 1) == '*') {
        end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          throw new UnterminatedException(Kind.BLOCK_COMMENT, sql, i);
        }
        end += 2;
        kind = Kind.BLOCK_COMMENT;
      } else if (c == '\'' || c == '"' || (c == '`' && dialect == Dialect.HIVE)) {
        kind =
            c == '\'' || (c == '"' && dialect == Dialect.HIVE)
                ? Kind.STRING
                : Kind.QUOTED_IDENTIFIER;
        end = dialect == Dialect.HIVE ? hiveQuoteEnd(sql, i) : doubledQuoteEnd(sql, i);
        if (end < 0) {
          throw new UnterminatedException(kind, sql, i);
        }
      } else if (isWordPart(c)) {
        end = i + 1;
        while (end < n && isWordPart(sql.charAt(end))) {
          end++;
        }
        kind = Kind.WORD;
      } else {
        end = i + 1;
        kind = Kind.PUNCTUATION;
      }
      tokens.add(new Token(kind, sql.substring(i, end), i));
      i = end;
    }
    return tokens;
  }

  /** The tokens of {@code sql} that are neither whitespace nor comments. */
  public static List<Token> significant(String sql, Dialect dialect) {
    return scan(sql, dialect).stream().filter(Token::significant).toList();
  }

  /**
   * The index in {@code tokens} of the parenthesis that closes the one at index {@code open}; -1 if
   * none.
   */
  public static int closingParenthesis(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      if (tokens.get(i).is('(')) {
        depth++;
      } else if (tokens.get(i).is(')') && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The line, from 1, that {@code offset} of {@code sql} is on. */
  public static int lineOf(String sql, int offset) {
    int line = 1;
    for (int at = sql.indexOf('\n'); at >= 0 && at < offset; at = sql.indexOf('\n', at + 1)) {
      line++;
    }
    return line;
  }

  private static int columnOf(String sql, int offset) {
    return offset - (sql.lastIndexOf('\n', offset - 1) + 1) + 1;
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '{' || c == '}';
  }

  /**
   * The end of the quoted text opening at {@code open}, where a doubled quote stays inside; -1 if
   * none.
   */
  private static int doubledQuoteEnd(String sql, int open) {
    char quote = sql.charAt(open);
    int close = sql.indexOf(quote, open + 1);
    while (close >= 0 && close + 1 < sql.length() && sql.charAt(close + 1) == quote) {
      close = sql.indexOf(quote, close + 2);
    }
    return close < 0 ? -1 : close + 1;
  }

  /**
   * As Hive's lexer reads it: a backslash escapes the next character, except in a backtick name; -1
   * if none.
   */
  private static int hiveQuoteEnd(String sql, int open) {
    char quote = sql.charAt(open);
    for (int i = open + 1; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    return -1;
  }
}
