package dev.partitionbuilder.local;

import static dev.partitionbuilder.local.TrinoTranslator.notSupported;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.Optional;

/**
 * What DuckDB's RE2 cannot do of the Java-like regular expressions Trino accepts: look-around,
 * atomic groups, possessive quantifiers and back-references. RE2 would reject most of them too,
 * but with a message about RE2 rather than about the query.
 */
final class Re2 {
  private Re2() {}

  static Optional<String> incompatibility(String pattern) {
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (i + 1 < pattern.length()) {
          char escaped = pattern.charAt(i + 1);
          if (!inClass && escaped >= '1' && escaped <= '9') {
            return Optional.of("back-reference \\" + escaped);
          }
          if (!inClass && escaped == 'k' && pattern.startsWith("<", i + 2)) {
            return Optional.of("back-reference \\k<...>");
          }
          if (escaped == 'Q') {
            int end = pattern.indexOf("\\E", i + 2);
            i = end < 0 ? pattern.length() : end + 1;
            continue;
          }
        }
        i++;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
        // A ']' right after '[' or '[^' is a literal, not the end of the class.
        if (pattern.startsWith("^", i + 1)) {
          i++;
        }
        if (pattern.startsWith("]", i + 1)) {
          i++;
        }
      } else if (c == '(') {
        for (String lookAround : new String[] {"(?<=", "(?<!", "(?=", "(?!"}) {
          if (pattern.startsWith(lookAround, i)) {
            return Optional.of("look-around " + lookAround);
          }
        }
        if (pattern.startsWith("(?>", i)) {
          return Optional.of("atomic group (?>");
        }
      } else if ((c == '*' || c == '+' || c == '?' || c == '}') && pattern.startsWith("+", i + 1)) {
        return Optional.of("possessive quantifier " + c + "+");
      }
    }
    return Optional.empty();
  }

  /** Java writes a named group (?<name>...), RE2 (?P<name>...); the rest of the pattern is kept. */
  static String withRe2NamedGroups(String pattern) {
    StringBuilder out = new StringBuilder(pattern.length() + 8);
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      out.append(c);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.append(pattern.charAt(++i));
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(' && pattern.startsWith("?<", i + 1) && i + 3 < pattern.length()
          && Character.isLetter(pattern.charAt(i + 3))) {
        out.append("?P<");
        i += 2;
      }
    }
    return out.toString();
  }

  /**
   * Checks a literal regexp_replace replacement. Trino reads {@code $g} (the longest group number
   * that exists), {@code ${name}} and {@code \x} for a literal x; RE2 has \0 to \9 only.
   */
  static void checkReplacement(String replacement, String literalPattern) {
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      boolean last = i + 1 == replacement.length();
      if (c == '\\') {
        if (last) {
          throw illegal(replacement);
        }
        i++;
      } else if (c == '$') {
        if (last) {
          throw illegal(replacement);
        }
        char next = replacement.charAt(i + 1);
        if (next == '{') {
          throw notSupported("named group reference " + replacement.substring(i, Math.max(replacement.indexOf('}', i) + 1, i + 2))
              + " in the replacement of regexp_replace (RE2 replacements have numbered groups only)");
        }
        if (next < '0' || next > '9') {
          throw illegal(replacement);
        }
        boolean twoDigits = i + 2 < replacement.length() && Character.isDigit(replacement.charAt(i + 2));
        if (twoDigits && (literalPattern == null || groupCount(literalPattern) >= 10)) {
          throw notSupported("group reference " + replacement.substring(i, i + 3) + " in the replacement of regexp_replace"
              + " (RE2 replacements have groups 0 to 9 only)");
        }
      }
    }
  }

  private static PartitionBuilderException illegal(String replacement) {
    return new PartitionBuilderException("regexp_replace: illegal replacement sequence " + SqlToken.quote(replacement)
        + " (Trino rejects it too)");
  }

  /** Capturing groups: '(' not followed by '?', or a named group, outside classes and escapes. */
  static int groupCount(String pattern) {
    int groups = 0;
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        boolean named = pattern.startsWith("(?<", i) && !pattern.startsWith("(?<=", i) && !pattern.startsWith("(?<!", i);
        if (!pattern.startsWith("(?", i) || named || pattern.startsWith("(?P<", i)) {
          groups++;
        }
      }
    }
    return groups;
  }
}
