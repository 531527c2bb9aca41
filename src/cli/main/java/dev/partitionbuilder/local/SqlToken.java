package dev.partitionbuilder.local;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One lexical token of a Trino query, with its place in the text. Enough of Trino's lexer to tell
 * code from string literals, quoted identifiers and comments; it does not parse.
 */
record SqlToken(Kind kind, String text, int start, int end) {
  enum Kind {
    SPACE,
    COMMENT,
    STRING,
    QUOTED_IDENTIFIER,
    IDENTIFIER,
    NUMBER,
    SYMBOL
  }

  boolean isCode() {
    return kind != Kind.SPACE && kind != Kind.COMMENT;
  }

  boolean is(String symbol) {
    return kind == Kind.SYMBOL && text.equals(symbol);
  }

  /** An unquoted identifier or keyword, compared as Trino does: case-insensitively. */
  boolean isWord(String word) {
    return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(word);
  }

  String lowerText() {
    return text.toLowerCase(Locale.ROOT);
  }

  /** The value of a string literal: without the quotes, '' read as '. */
  String stringValue() {
    if (kind != Kind.STRING) {
      throw new IllegalStateException("not a string literal: " + text);
    }
    return text.substring(1, text.length() - 1).replace("''", "'");
  }

  /** A string literal whose value is {@code value}. */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** A quoted identifier naming {@code name}, whatever characters it holds. */
  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static List<SqlToken> tokenize(String sql) {
    List<SqlToken> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int start = i;
      Kind kind;
      if (Character.isWhitespace(c)) {
        kind = Kind.SPACE;
        while (i < n && Character.isWhitespace(sql.charAt(i))) {
          i++;
        }
      } else if (sql.startsWith("--", i)) {
        kind = Kind.COMMENT;
        int newline = sql.indexOf('\n', i);
        i = newline < 0 ? n : newline;
      } else if (sql.startsWith("/*", i)) {
        kind = Kind.COMMENT;
        int close = sql.indexOf("*/", i + 2);
        if (close < 0) {
          throw new PartitionBuilderException("Cannot translate the query: the comment at offset " + start + " is never closed");
        }
        i = close + 2;
      } else if (c == '\'' || c == '"') {
        kind = c == '\'' ? Kind.STRING : Kind.QUOTED_IDENTIFIER;
        i = endOfQuoted(sql, i, c);
      } else if (Character.isLetter(c) || c == '_') {
        kind = Kind.IDENTIFIER;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
          i++;
        }
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
        kind = Kind.NUMBER;
        i = endOfNumber(sql, i);
      } else {
        kind = Kind.SYMBOL;
        i += isTwoCharSymbol(sql, i) ? 2 : 1;
      }
      tokens.add(new SqlToken(kind, sql.substring(start, i), start, i));
    }
    return tokens;
  }

  private static int endOfQuoted(String sql, int open, char quote) {
    int i = open + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    String what = quote == '\'' ? "string literal" : "quoted identifier";
    throw new PartitionBuilderException("Cannot translate the query: the " + what + " at offset " + open + " is never closed");
  }

  private static int endOfNumber(String sql, int i) {
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      boolean exponentSign = (c == '+' || c == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E');
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign)) {
        return i;
      }
      i++;
    }
    return i;
  }

  private static boolean isTwoCharSymbol(String sql, int i) {
    if (i + 1 >= sql.length()) {
      return false;
    }
    String two = sql.substring(i, i + 2);
    return List.of("->", "=>", "||", "<=", ">=", "<>", "!=", "::").contains(two);
  }
}
