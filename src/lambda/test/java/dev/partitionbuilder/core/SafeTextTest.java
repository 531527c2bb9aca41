package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTextTest {
  @ParameterizedTest(name = "U+{0}")
  @CsvSource({
    "0000, \\u0000",
    "0001, \\u0001",
    "001b, \\u001B",
    "001f, \\u001F",
    "0009, \\t",
    "000a, \\n",
    "000d, \\r",
    "007f, \\u007F",
    "0080, \\u0080",
    "0085, \\u0085",
    "009b, \\u009B",
    "009f, \\u009F",
    "2028, \\u2028",
    "2029, \\u2029",
    // Bidirectional controls, which reorder how a log line reads ("Trojan Source").
    "061c, \\u061C",
    "200e, \\u200E",
    "200f, \\u200F",
    "202a, \\u202A",
    "202e, \\u202E",
    "2066, \\u2066",
    "2069, \\u2069"
  })
  void escapesEachControlCharacterAndTheLineSeparators(String hex, String escaped) {
    String c = String.valueOf((char) Integer.parseInt(hex, 16));

    assertThat(SafeText.escape("a" + c + "b")).isEqualTo("a" + escaped + "b");
    assertThat(SafeText.quote("a" + c + "b")).isEqualTo("\"a" + escaped + "b\"");
  }

  @Test
  void leavesPrintableTextAndUnicodeAsItIs() {
    String text = "März 2024 – ok ✓ \"quoted\" \\ 😀 \u00a0\u00ff\u2027\u202f";

    assertThat(SafeText.escape(text)).isSameAs(text);
    assertThat(SafeText.of(text)).isEqualTo(text);
  }

  @Test
  void escapesHalfASurrogatePairButKeepsWholeOnes() {
    assertThat(SafeText.escape("a\ud800b\udc00c😀\ud83d")).isEqualTo("a\\uD800b\\uDC00c😀\\uD83D");
  }

  @Test
  void foldsLineBreaksOfAMessageIntoOneSpaceAndEscapesTheRest() {
    assertThat(
            SafeText.of("Cannot read s3://b/k:\r\n  Access Denied\n\tby policy\u001b[31m\u2028x"))
        .isEqualTo("Cannot read s3://b/k: Access Denied by policy\\u001B[31m\\u2028x");
  }

  @Test
  void quotesAValueWithItsLineBreaksEscapedNotFolded() {
    assertThat(SafeText.quote("month: 3\nyear: 2024")).isEqualTo("\"month: 3\\nyear: 2024\"");
  }

  @Test
  void shortensAQuotedValueWithoutCuttingASurrogatePairInTwo() {
    String value = "x".repeat(76) + "😀" + "y".repeat(10);

    String quoted = SafeText.quote(value);

    assertThat(quoted).isEqualTo("\"" + "x".repeat(76) + "...\"");
  }

  @Test
  void escapingTwiceChangesNothing() {
    String once = SafeText.escape("a\u0000b\u2028c\r\n");

    assertThat(SafeText.escape(once)).isEqualTo(once);
  }
}
