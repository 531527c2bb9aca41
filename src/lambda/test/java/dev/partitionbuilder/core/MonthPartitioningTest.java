package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MonthPartitioningTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final List<TableDefinition.Column> YEAR_MONTH =
      List.of(
          new TableDefinition.Column("year", "string"),
          new TableDefinition.Column("month", "string"));

  private static Map<String, String> yearMonthProjection(String template) {
    Map<String, String> p =
        new HashMap<>(
            Map.of(
                "projection.enabled",
                "true",
                "projection.year.type",
                "integer",
                "projection.year.range",
                "2013,2099",
                "projection.month.type",
                "integer",
                "projection.month.range",
                "1,12",
                "projection.month.digits",
                "2"));
    if (template != null) {
      p.put("storage.location.template", template);
    }
    return p;
  }

  private static MonthPartitioning of(
      List<TableDefinition.Column> keys, Map<String, String> parameters) {
    return MonthPartitioning.of(new TableDefinition("db.t", "s3://bucket/t/", keys, parameters));
  }

  @Test
  void theBundledTemplatePutsAMonthUnderYearAndMonthDirectories() {
    MonthPartitioning p = of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/${year}/${month}/"));

    assertThat(p.projected()).isTrue();
    assertThat(p.prefix(MARCH)).isEqualTo("t/2024/03/");
    assertThat(p.values(MARCH)).containsExactly("2024", "03");
    assertThat(p.bucket()).isEqualTo("bucket");
  }

  @Test
  void aHiveStyleTemplateNamesTheKeysInThePath() {
    MonthPartitioning p =
        of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/data/year=${year}/month=${month}/"));

    assertThat(p.prefix(YearMonth.of(2025, 11))).isEqualTo("t/data/year=2025/month=11/");
  }

  @Test
  void projectionWithoutATemplateReadsHiveStylePathsUnderTheLocation() {
    MonthPartitioning p = of(YEAR_MONTH, yearMonthProjection(null));

    assertThat(p.prefix(MARCH)).isEqualTo("t/year=2024/month=03/");
  }

  @Test
  void aMonthWithoutDigitsIsWrittenAsItsNumber() {
    Map<String, String> p = yearMonthProjection("s3://bucket/t/${year}/${month}/");
    p.remove("projection.month.digits");

    assertThat(of(YEAR_MONTH, p).prefix(MARCH)).isEqualTo("t/2024/3/");
  }

  @Test
  void keysDeclaredMonthFirstStillGetTheirOwnValues() {
    List<TableDefinition.Column> keys =
        List.of(
            new TableDefinition.Column("month", "string"),
            new TableDefinition.Column("year", "string"));
    MonthPartitioning p = of(keys, yearMonthProjection("s3://bucket/t/${year}/${month}/"));

    assertThat(p.values(MARCH)).containsExactly("03", "2024");
    assertThat(p.prefix(MARCH)).isEqualTo("t/2024/03/");
  }

  @Test
  void anEnumMonthTakesTheListedSpelling() {
    Map<String, String> p = yearMonthProjection("s3://bucket/t/${year}/${month}/");
    p.put("projection.month.type", "enum");
    p.put("projection.month.values", "01,02,03,04,05,06,07,08,09,10,11,12");

    assertThat(of(YEAR_MONTH, p).prefix(MARCH)).isEqualTo("t/2024/03/");
  }

  @Test
  void oneDateKeyWithAMonthFormatNamesTheMonth() {
    List<TableDefinition.Column> dt = List.of(new TableDefinition.Column("dt", "string"));
    Map<String, String> p =
        Map.of(
            "projection.enabled",
            "true",
            "projection.dt.type",
            "date",
            "projection.dt.format",
            "yyyy-MM",
            "projection.dt.range",
            "2020-01,NOW",
            "projection.dt.interval.unit",
            "MONTHS",
            "storage.location.template",
            "s3://bucket/t/dt=${dt}/");

    assertThat(of(dt, p).prefix(MARCH)).isEqualTo("t/dt=2024-03/");
    assertThat(of(dt, p).values(MARCH)).containsExactly("2024-03");
  }

  @Test
  void aSlashedDateFormatMakesTwoDirectories() {
    List<TableDefinition.Column> dt = List.of(new TableDefinition.Column("dt", "string"));
    Map<String, String> p =
        Map.of(
            "projection.enabled",
            "true",
            "projection.dt.type",
            "date",
            "projection.dt.format",
            "yyyy/MM",
            "projection.dt.range",
            "2020/01,2030/12",
            "storage.location.template",
            "s3://bucket/t/${dt}/");

    assertThat(of(dt, p).prefix(MARCH)).isEqualTo("t/2024/03/");
  }

  @Test
  void aDateFormatWithADayCannotNameAMonth() {
    List<TableDefinition.Column> dt = List.of(new TableDefinition.Column("dt", "string"));
    Map<String, String> p =
        Map.of(
            "projection.enabled",
            "true",
            "projection.dt.type",
            "date",
            "projection.dt.format",
            "yyyy-MM-dd",
            "projection.dt.range",
            "2020-01-01,NOW");

    assertThatThrownBy(() -> of(dt, p))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot build monthly partitions of db.t: its projection.dt.format \"yyyy-MM-dd\" does not name "
                + "exactly one month (it needs the year and the month and nothing finer, such as yyyy-MM)");
  }

  @Test
  void aMonthOutsideTheProjectedRangeIsRefusedBeforeAnythingRuns() {
    MonthPartitioning p = of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/${year}/${month}/"));

    assertThatThrownBy(() -> p.prefix(YearMonth.of(1999, 12)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Cannot build 1999-12 of db.t: its partition key year covers 2013,2099 (projection.year.range), "
                + "so Athena would never read that month");
  }

  @Test
  void aMonthOutsideAnAbsoluteDateRangeIsRefused() {
    List<TableDefinition.Column> dt = List.of(new TableDefinition.Column("dt", "string"));
    Map<String, String> p =
        Map.of(
            "projection.enabled",
            "true",
            "projection.dt.type",
            "date",
            "projection.dt.format",
            "yyyy-MM",
            "projection.dt.range",
            "2020-01,2024-02");

    assertThatThrownBy(() -> of(dt, p).prefix(MARCH))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("covers 2020-01,2024-02 (projection.dt.range)");
  }

  @Test
  void gluePartitionsLieBelowHiveStylePathsOfTheLocation() {
    MonthPartitioning p = of(YEAR_MONTH, Map.of());

    assertThat(p.projected()).isFalse();
    assertThat(p.prefix(MARCH)).isEqualTo("t/year=2024/month=03/");
    assertThat(p.values(MARCH)).containsExactly("2024", "03");
  }

  @Test
  void integerGlueKeysTakeTheNumberAsHiveWritesIt() {
    List<TableDefinition.Column> keys =
        List.of(
            new TableDefinition.Column("year", "int"), new TableDefinition.Column("month", "int"));

    assertThat(of(keys, Map.of()).prefix(MARCH)).isEqualTo("t/year=2024/month=3/");
  }

  @Test
  void theMonthsPredicateQuotesStringKeysAndNotIntegerOnes() {
    assertThat(of(YEAR_MONTH, yearMonthProjection(null)).predicate(MARCH))
        .isEqualTo("\"year\" = '2024' AND \"month\" = '03'");
    List<TableDefinition.Column> ints =
        List.of(
            new TableDefinition.Column("year", "int"), new TableDefinition.Column("month", "int"));
    assertThat(of(ints, Map.of()).predicate(MARCH)).isEqualTo("\"year\" = 2024 AND \"month\" = 3");
    List<TableDefinition.Column> dt = List.of(new TableDefinition.Column("dt", "string"));
    assertThat(of(dt, Map.of()).predicate(MARCH)).isEqualTo("\"dt\" = '2024-03'");
  }

  @Test
  void tablesThatCannotHoldAMonthAreRefusedInOneLine() {
    List<TableDefinition.Column> three =
        List.of(
            new TableDefinition.Column("region", "string"),
            new TableDefinition.Column("year", "string"),
            new TableDefinition.Column("month", "string"));
    assertThatThrownBy(() -> of(three, Map.of()))
        .hasMessage(
            "Cannot build monthly partitions of db.t: it is "
                + "partitioned by (region, year, month): a month must be named by (year, month) or by one date key, so one "
                + "build cannot replace a month of every other key's value");
    assertThatThrownBy(() -> of(List.of(), Map.of()))
        .hasMessageContaining("it has no partition keys");
    assertThatThrownBy(() -> of(YEAR_MONTH, yearMonthProjection("s3://other/t/${year}/${month}/")))
        .hasMessageContaining("is not below its LOCATION s3://bucket/t/");
    assertThatThrownBy(() -> of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/${year}/${month}")))
        .hasMessageContaining("does not end with '/'");
    assertThatThrownBy(() -> of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/${year}/")))
        .hasMessageContaining("does not use its partition key ${month}");
    assertThatThrownBy(
            () -> of(YEAR_MONTH, yearMonthProjection("s3://bucket/t/_state/${year}/${month}/")))
        .hasMessageContaining("lies in the _state/ area");
    Map<String, String> injected = yearMonthProjection(null);
    injected.put("projection.month.type", "injected");
    assertThatThrownBy(() -> of(YEAR_MONTH, injected))
        .hasMessageContaining("is projected as \"injected\"");
    Map<String, String> months = yearMonthProjection(null);
    months.put("projection.month.range", "1,13");
    assertThatThrownBy(() -> of(YEAR_MONTH, months))
        .hasMessageContaining("not a range of months (1 to 12)");
    assertThatThrownBy(
            () ->
                MonthPartitioning.of(
                    new TableDefinition("db.t", "s3://bucket/", YEAR_MONTH, Map.of())))
        .hasMessageContaining("is a bucket's root");
  }

  /**
   * Over many generated templates (fixed segments, Hive-style or plain, one date key or two keys,
   * in either order) and every month of a century: each month's prefix is below the table's root, a
   * directory of its own (no month's prefix contains another's), and never meets the builder's
   * staging, lock or state keys of any month.
   */
  @Test
  void noTemplateEverPutsAMonthInsideAnotherMonthOrTheBuildersOwnAreas() {
    Random random = new Random(20261207);
    String[] fixed = {"", "data/", "v1/raw/", "year/", "_x/", "logs-", "p=1/", "stag/"};
    for (int round = 0; round < 300; round++) {
      String root = "t" + random.nextInt(3) + "/";
      String before = fixed[random.nextInt(fixed.length)];
      boolean oneKey = random.nextBoolean();
      List<TableDefinition.Column> keys;
      Map<String, String> p = new HashMap<>(Map.of("projection.enabled", "true"));
      String template;
      if (oneKey) {
        keys = List.of(new TableDefinition.Column("dt", "string"));
        String format =
            List.of("yyyy-MM", "yyyy/MM", "yyyyMM", "MM-yyyy", "yyyy'_'MM").get(random.nextInt(5));
        p.putAll(
            Map.of(
                "projection.dt.type",
                "date",
                "projection.dt.format",
                format,
                "projection.dt.range",
                "NOW-1YEARS,NOW"));
        template = before + (random.nextBoolean() ? "dt=${dt}/" : "${dt}/");
      } else {
        keys = random.nextBoolean() ? YEAR_MONTH : List.of(YEAR_MONTH.get(1), YEAR_MONTH.get(0));
        p.putAll(yearMonthProjection(null));
        if (random.nextBoolean()) {
          p.remove("projection.month.digits");
        }
        boolean hive = random.nextBoolean();
        String year = hive ? "year=${year}" : "${year}";
        String month = hive ? "month=${month}" : "${month}";
        template =
            before + (random.nextBoolean() ? year + "/" + month + "/" : year + "-" + month + "/");
      }
      p.put("storage.location.template", "s3://bucket/" + root + template);
      MonthPartitioning partitioning =
          MonthPartitioning.of(new TableDefinition("db.t", "s3://bucket/" + root, keys, p));
      TableLayout layout = new TableLayout("db", "src", "dst", "s3://bucket/", root, partitioning);

      List<String> internal = new ArrayList<>();
      List<String> prefixes = new ArrayList<>();
      for (YearMonth month = YearMonth.of(2013, 1);
          month.isBefore(YearMonth.of(2100, 1));
          month = month.plusMonths(1)) {
        String prefix = layout.partitionPrefix(month);
        assertThat(prefix)
            .as(template)
            .startsWith(root)
            .hasSizeGreaterThan(root.length())
            .endsWith("/");
        prefixes.add(prefix);
        internal.add(layout.lockKey(month));
        internal.add(layout.stateKey(month));
        internal.add(layout.stagingPrefix(month));
      }
      assertThat(prefixes).as(template).doesNotHaveDuplicates();
      java.util.TreeSet<String> months = new java.util.TreeSet<>(prefixes);
      String previous = null;
      for (String prefix : months) {
        // Sorted, a prefix that contains another comes right after it.
        assertThat(previous == null || !prefix.startsWith(previous))
            .as(template + ": " + prefix)
            .isTrue();
        previous = prefix;
      }
      // Neither contains the other: were one a prefix of the other, the nearest smaller one would
      // be.
      java.util.TreeSet<String> own = new java.util.TreeSet<>(internal);
      for (String key : internal) {
        String below = months.floor(key);
        assertThat(below == null || !key.startsWith(below))
            .as(template + ": " + key + " in " + below)
            .isTrue();
      }
      for (String prefix : months) {
        String below = own.floor(prefix);
        assertThat(below == null || !prefix.startsWith(below))
            .as(template + ": " + prefix + " in " + below)
            .isTrue();
      }
    }
  }
}
