package dev.partitionbuilder.local.fidelity;

import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.local.trino.TrinoValues;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.SqlDecimal;
import io.trino.spi.type.SqlVarbinary;
import io.trino.spi.type.TypeOperators;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's notation and verdicts: they change how a value is written, never what it is, so a
 * real difference (precision, scale, type, a value) is never counted as equal.
 */
class FidelityRenderTest {
  private static final FidelityCase VALUE =
      new FidelityCase("math-1", "page", "example", "UTC", "SELECT 1", "3", "3", "integer");

  @Test
  void writesNullsArraysRowsAndBinaryAsTheDocsPrintThem() {
    assertThat(TrinoValues.render(new ArrayType(VARCHAR), Arrays.asList("a", null)))
        .isEqualTo("[a, NULL]");
    assertThat(
            TrinoValues.render(
                RowType.from(List.of(RowType.field("x", INTEGER), RowType.field("y", VARCHAR))),
                Arrays.asList(1, "b")))
        .isEqualTo("{x=1, y=b}");
    assertThat(TrinoValues.render(RowType.anonymous(List.of(INTEGER, INTEGER)), List.of(1, 2)))
        .isEqualTo("(1, 2)");
    assertThat(TrinoValues.render(VARCHAR, new SqlVarbinary(new byte[] {0x0a, (byte) 0xff})))
        .isEqualTo("0a ff");
  }

  @Test
  void sortsAMapByItsPrintedKeysSinceATrinoMapHasNoOrder() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("b", 2);
    map.put("a", 1);

    assertThat(TrinoValues.render(new MapType(VARCHAR, INTEGER, new TypeOperators()), map))
        .isEqualTo("{a=1, b=2}");
  }

  @Test
  void keepsADecimalsScale() {
    assertThat(TrinoValues.render(VARCHAR, new SqlDecimal(new BigInteger("150"), 5, 2)))
        .isEqualTo("1.50");
  }

  @Test
  void aValueOrTypeThatDiffersIsDifferentAndAFailureTheDocsDoNotExpectIsAnError() {
    assertThat(FidelityBenchmark.classify(VALUE, sql -> result("integer", "3")).verdict())
        .isEqualTo(FidelityBenchmark.Verdict.EQUAL);
    assertThat(FidelityBenchmark.classify(VALUE, sql -> result("integer", "3.5")).verdict())
        .isEqualTo(FidelityBenchmark.Verdict.DIFFERENT);
    assertThat(FidelityBenchmark.classify(VALUE, sql -> result("bigint", "3")).verdict())
        .isEqualTo(FidelityBenchmark.Verdict.DIFFERENT);
    assertThat(
            FidelityBenchmark.classify(
                    VALUE,
                    sql -> {
                      throw new IllegalStateException("boom");
                    })
                .verdict())
        .isEqualTo(FidelityBenchmark.Verdict.ERROR);
  }

  @Test
  void aStatementTheDocsSayFailsIsEqualOnlyWhenItFails() {
    FidelityCase fails =
        new FidelityCase("json-1", "page", "example", "UTC", "SELECT x", "ERROR", "ERROR", "");

    assertThat(
            FidelityBenchmark.classify(
                    fails,
                    sql -> {
                      throw new IllegalStateException("Cannot cast");
                    })
                .verdict())
        .isEqualTo(FidelityBenchmark.Verdict.EQUAL);
    assertThat(FidelityBenchmark.classify(fails, sql -> result("varchar", "x")).verdict())
        .isEqualTo(FidelityBenchmark.Verdict.DIFFERENT);
  }

  @Test
  void rowsInAnotherOrderAreEqualOnlyWhenTheQueryDoesNotOrderThem() {
    FidelityCase unordered =
        new FidelityCase(
            "select-1",
            "page",
            "example",
            "UTC",
            "SELECT 13 UNION SELECT 42",
            "13 42",
            "13⏎42",
            "");
    FidelityCase ordered =
        new FidelityCase(
            "select-2",
            "page",
            "example",
            "UTC",
            "SELECT x FROM (VALUES 13, 42) t(x) ORDER BY x DESC",
            "42 13",
            "42⏎13",
            "");
    FidelityEngine swapped =
        sql -> new FidelityEngine.Result(List.of("integer"), List.of(List.of("42"), List.of("13")));

    assertThat(FidelityBenchmark.classify(unordered, swapped).verdict())
        .isEqualTo(FidelityBenchmark.Verdict.EQUAL);
    assertThat(
            FidelityBenchmark.classify(
                    ordered,
                    sql ->
                        new FidelityEngine.Result(
                            List.of("integer"), List.of(List.of("13"), List.of("42"))))
                .verdict())
        .isEqualTo(FidelityBenchmark.Verdict.DIFFERENT);
    assertThat(
            FidelityBenchmark.classify(
                    unordered,
                    sql ->
                        new FidelityEngine.Result(
                            List.of("integer"), List.of(List.of("42"), List.of("42"))))
                .verdict())
        .as("other rows")
        .isEqualTo(FidelityBenchmark.Verdict.DIFFERENT);
  }

  @Test
  void onlyTheTwoDocumentedTypeShorthandsMatch() {
    assertThat(FidelityBenchmark.typeMatches("decimal(5)", "decimal(5,0)")).isTrue();
    assertThat(FidelityBenchmark.typeMatches("varchar", "varchar(12)")).isTrue();
    assertThat(FidelityBenchmark.typeMatches("decimal(20,10)", "decimal(15,10)")).isFalse();
    assertThat(FidelityBenchmark.typeMatches("varchar(3)", "varchar(5)")).isFalse();
    assertThat(FidelityBenchmark.typeMatches("timestamp(3)", "timestamp(0)")).isFalse();
    assertThat(FidelityBenchmark.typeMatches("double", "real")).isFalse();
  }

  @Test
  void
      aListedDifferenceIsKnownAndLeftOutOfTheRateButAListedEqualCaseIsFlaggedAndAnUnknownIdRefused() {
    FidelityCase other =
        new FidelityCase("math-2", "page", "example", "UTC", "SELECT 2", "2", "2", "integer");
    List<FidelityBenchmark.Outcome> outcomes =
        List.of(
            FidelityBenchmark.classify(VALUE, sql -> result("integer", "4")),
            FidelityBenchmark.classify(other, sql -> result("integer", "2")));

    List<FidelityBenchmark.Outcome> marked =
        FidelityBenchmark.withKnown(
            outcomes, Map.of("math-1", "docs erratum", "math-2", "was different once"));

    assertThat(marked.get(0).verdict()).isEqualTo(FidelityBenchmark.Verdict.KNOWN);
    assertThat(marked.get(0).note()).startsWith("docs erratum (value differs");
    assertThat(marked.get(1).verdict()).isEqualTo(FidelityBenchmark.Verdict.EQUAL);
    assertThat(
            FidelityBenchmark.summary(
                marked, new HiveBucketPlacement.Result(0, 0, new java.util.TreeMap<>(), List.of())))
        .contains("known but equal (remove from the list): math-2")
        .containsPattern("math\\s+2\\s+1\\s+1\\s+0\\s+0\\s+100.0%");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FidelityBenchmark.withKnown(outcomes, Map.of("math-9", "gone")))
        .hasMessage("The known differences list math-9, which is not a case");
  }

  private static FidelityEngine.Result result(String type, String value) {
    return new FidelityEngine.Result(List.of(type), List.of(List.of(value)));
  }
}
