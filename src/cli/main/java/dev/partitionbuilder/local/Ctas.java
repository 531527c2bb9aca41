package dev.partitionbuilder.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The head of an Athena {@code CREATE TABLE <name> WITH (<properties>) AS <query>}: the table, its
 * properties and the query text, which is left as written.
 */
record Ctas(String schema, String table, Map<String, Object> properties, String query) {
  private static final Pattern HEAD = Pattern.compile(
      "(?is)\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:\"[^\"]+\"|[a-z0-9_]+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|[a-z0-9_]+))?)\\s*");
  private static final Pattern NAME_PART = Pattern.compile("\"([^\"]+)\"|([a-zA-Z0-9_]+)");

  static Ctas parse(String sql) {
    Matcher head = HEAD.matcher(sql);
    if (!head.lookingAt()) {
      throw new UnsupportedOperationException("not supported locally: a query that is not CREATE TABLE ... AS SELECT");
    }
    List<String> parts = new ArrayList<>();
    Matcher part = NAME_PART.matcher(head.group(1));
    while (part.find()) {
      parts.add((part.group(1) != null ? part.group(1) : part.group(2)).toLowerCase(Locale.ROOT));
    }
    Tokens tokens = new Tokens(sql, head.end());
    Map<String, Object> properties = new LinkedHashMap<>();
    if (tokens.acceptWord("WITH")) {
      tokens.expect('(');
      do {
        String key = tokens.word().toLowerCase(Locale.ROOT);
        tokens.expect('=');
        properties.put(key, tokens.value());
      } while (tokens.accept(','));
      tokens.expect(')');
    }
    if (!tokens.acceptWord("AS")) {
      throw new IllegalArgumentException("expected AS after the table properties at offset " + tokens.at);
    }
    String query = sql.substring(tokens.at).strip();
    if (query.startsWith("(") && query.endsWith(")")) {
      query = query.substring(1, query.length() - 1);
    }
    return new Ctas(parts.size() > 1 ? parts.get(0) : null, parts.get(parts.size() - 1), properties, query);
  }

  String stringProperty(String key) {
    Object value = properties.get(key);
    return value == null ? null : value.toString();
  }

  /** Reads the property values Athena's CTAS takes: 'text', numbers, true/false, ARRAY['a', ...]. */
  private static final class Tokens {
    private final String sql;
    private int at;

    Tokens(String sql, int at) {
      this.sql = sql;
      this.at = at;
    }

    private void skipSpace() {
      while (at < sql.length()) {
        if (Character.isWhitespace(sql.charAt(at))) {
          at++;
        } else if (sql.startsWith("--", at)) {
          int end = sql.indexOf('\n', at);
          at = end < 0 ? sql.length() : end + 1;
        } else {
          return;
        }
      }
    }

    boolean acceptWord(String word) {
      skipSpace();
      int end = at + word.length();
      if (sql.regionMatches(true, at, word, 0, word.length())
          && (end >= sql.length() || !Character.isLetterOrDigit(sql.charAt(end)))) {
        at = end;
        return true;
      }
      return false;
    }

    boolean accept(char c) {
      skipSpace();
      if (at < sql.length() && sql.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      if (!accept(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + at);
      }
    }

    String word() {
      skipSpace();
      int start = at;
      while (at < sql.length() && (Character.isLetterOrDigit(sql.charAt(at)) || sql.charAt(at) == '_')) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("expected a property name at offset " + at);
      }
      return sql.substring(start, at);
    }

    Object value() {
      skipSpace();
      if (accept('\'')) {
        StringBuilder text = new StringBuilder();
        while (true) {
          int end = sql.indexOf('\'', at);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated string literal");
          }
          text.append(sql, at, end);
          at = end + 1;
          if (at < sql.length() && sql.charAt(at) == '\'') {
            text.append('\'');
            at++;
          } else {
            return text.toString();
          }
        }
      }
      if (acceptWord("ARRAY")) {
        expect('[');
        List<Object> items = new ArrayList<>();
        if (!accept(']')) {
          do {
            items.add(value());
          } while (accept(','));
          expect(']');
        }
        return items;
      }
      return word();
    }
  }
}
