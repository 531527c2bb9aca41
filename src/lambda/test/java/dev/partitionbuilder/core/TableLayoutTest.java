package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every key and name a build derives from a month, spelled one way. */
class TableLayoutTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final YearMonth MARCH = YearMonth.of(2024, 3);

  @Test
  void theBuildersOwnKeysAndTheTempTableNameTheMonthAsYearAndTwoDigitMonth() {
    assertThat(LAYOUT.stagingPrefix(MARCH)).isEqualTo("cloudtrail_monthly/_staging/2024/03/");
    assertThat(LAYOUT.lockKey(MARCH)).isEqualTo("cloudtrail_monthly/_locks/2024/03");
    assertThat(LAYOUT.stateKey(MARCH)).isEqualTo("cloudtrail_monthly/_state/2024/03.json");
    assertThat(LAYOUT.retiredKey(MARCH))
        .isEqualTo("cloudtrail_monthly/_state/2024/03.retired.json");
    assertThat(LAYOUT.tempTable(MARCH)).isEqualTo("cloudtrail_monthly_temp_202403");
    assertThat(LAYOUT.partitionPrefix(MARCH)).isEqualTo("cloudtrail_monthly/2024/03/");
  }

  @Test
  void aYearBeforeOneThousandIsPaddedToFourDigits() {
    YearMonth month = YearMonth.of(999, 12);
    assertThat(MonthFormat.path(month)).isEqualTo("0999/12");
    assertThat(MonthFormat.compact(month)).isEqualTo("099912");
    assertThat(LAYOUT.lockKey(month)).isEqualTo("cloudtrail_monthly/_locks/0999/12");
  }

  @Test
  void aMonthIsSpelledInAsciiDigitsWhateverTheDefaultLocale() {
    Locale before = Locale.getDefault();
    // Thai digits: what String.format writes for %d in this locale unless told Locale.ROOT.
    Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
    try {
      assertThat(LAYOUT.tempTable(MARCH)).isEqualTo("cloudtrail_monthly_temp_202403");
      assertThat(LAYOUT.stateKey(MARCH)).isEqualTo("cloudtrail_monthly/_state/2024/03.json");
      assertThat(LAYOUT.monthPredicate(MARCH)).contains("'2024'").contains("'03'");
      String sql =
          CtasTemplate.parse(
                  "CREATE TABLE {{temp_table}} WITH (external_location = '{{location}}') AS "
                      + "SELECT '{{year}}/{{month}}' AS this_month, '{{next_year}}/{{next_month}}' AS next_month",
                  "test")
              .render(LAYOUT, MARCH);
      assertThat(sql)
          .contains("cloudtrail_monthly_temp_202403")
          .contains("'2024/03' AS this_month")
          .contains("'2024/04' AS next_month");
    } finally {
      Locale.setDefault(before);
    }
  }
}
