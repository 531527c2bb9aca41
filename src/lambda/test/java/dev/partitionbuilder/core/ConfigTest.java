package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
  /** The valid environment every test starts from; CtasTemplateTest renders with its layout. */
  static final Map<String, String> BASE =
      Map.of(
          Config.ATHENA_WORKGROUP, "primary",
          Config.GLUE_DATABASE, "cloudtrail",
          Config.SRC_TABLE_NAME, "cloudtrail_daily",
          Config.DST_TABLE_NAME, "cloudtrail_monthly",
          Config.DST_BUCKET, "my-bucket",
          Config.DST_PREFIX, "cloudtrail_monthly/");

  @Nested
  class ValidEnvironment {
    @Test
    void takesUtcForABlankScheduleTimeZone() {
      Map<String, String> env = new java.util.HashMap<>(BASE);
      env.put(Config.SCHEDULE_TIME_ZONE, "  ");

      assertThat(Config.fromEnvironment(env).scheduleTimeZone())
          .isEqualTo(java.time.ZoneId.of("UTC"));
    }

    @Test
    void readsTheRequiredVariables() {
      Config config = Config.fromEnvironment(BASE);

      assertThat(config.workgroup()).isEqualTo("primary");
      assertThat(config.database()).isEqualTo("cloudtrail");
      assertThat(config.sourceTable()).isEqualTo("cloudtrail_daily");
      assertThat(config.destinationTable()).isEqualTo("cloudtrail_monthly");
      assertThat(config.bucket()).isEqualTo("my-bucket");
      assertThat(config.prefix()).isEqualTo("cloudtrail_monthly/");
    }

    @Test
    void defaultsToUtcTheBundledTemplateAndTheDocumentedTimings() {
      Config config = Config.fromEnvironment(BASE);

      assertThat(config.scheduleTimeZone()).isEqualTo(ZoneId.of("UTC"));
      assertThat(config.ctasTemplate()).isEmpty();
      assertThat(config.pollInitial()).isEqualTo(Duration.ofMillis(500));
      assertThat(config.pollMax()).isEqualTo(Duration.ofMillis(10_000));
      assertThat(config.deadlineMargin()).isEqualTo(Duration.ofSeconds(30));
      assertThat(config.minRows()).isEqualTo(1);
      assertThat(config.queryRetries()).isEqualTo(2);
      assertThat(config.lockLease()).isEqualTo(Duration.ofSeconds(960));
    }

    @Test
    void readsLockLeaseSecondsAndRejectsZeroNegativeOrNonNumericNamingTheValue() {
      assertThat(Config.fromEnvironment(with(Config.LOCK_LEASE_SECONDS, "1800")).lockLease())
          .isEqualTo(Duration.ofSeconds(1800));
      assertThat(rejection(with(Config.LOCK_LEASE_SECONDS, "0")))
          .isEqualTo("LOCK_LEASE_SECONDS=\"0\" must be a positive number");
      assertThat(rejection(with(Config.LOCK_LEASE_SECONDS, "-5")))
          .contains(Config.LOCK_LEASE_SECONDS, "\"-5\"", "positive");
      assertThat(rejection(with(Config.LOCK_LEASE_SECONDS, "long")))
          .contains(Config.LOCK_LEASE_SECONDS, "\"long\"", "whole number");
    }

    @Test
    void readsPartitionGraceSecondsFromZeroToAWeekNamingABadValue() {
      assertThat(Config.fromEnvironment(with(Config.PARTITION_GRACE_SECONDS, "0")).partitionGrace())
          .isZero();
      assertThat(
              Config.fromEnvironment(with(Config.PARTITION_GRACE_SECONDS, "604800"))
                  .partitionGrace())
          .isEqualTo(Duration.ofDays(7));
      assertThat(rejection(with(Config.PARTITION_GRACE_SECONDS, "604801")))
          .isEqualTo(
              "PARTITION_GRACE_SECONDS=\"604801\" "
                  + "must be from 0 (delete the previous location at the swap) to 604800 (a week)");
      assertThat(rejection(with(Config.PARTITION_GRACE_SECONDS, "-1")))
          .contains("PARTITION_GRACE_SECONDS=\"-1\"");
      assertThat(rejection(with(Config.PARTITION_GRACE_SECONDS, "soon")))
          .contains("\"soon\"", "whole number");
    }

    @Test
    void readsAthenaQueryRetriesAndAcceptsZeroMeaningNeverRetry() {
      assertThat(Config.fromEnvironment(with(Config.ATHENA_QUERY_RETRIES, "5")).queryRetries())
          .isEqualTo(5);
      assertThat(Config.fromEnvironment(with(Config.ATHENA_QUERY_RETRIES, "0")).queryRetries())
          .isZero();
    }

    @Test
    void rejectsANegativeTooLargeOrNonNumericAthenaQueryRetriesNamingTheValueAsWritten() {
      assertThat(rejection(with(Config.ATHENA_QUERY_RETRIES, "-1")))
          .isEqualTo("ATHENA_QUERY_RETRIES=\"-1\" must be from 0 (never retry) to 10");
      assertThat(rejection(with(Config.ATHENA_QUERY_RETRIES, "11")))
          .contains(Config.ATHENA_QUERY_RETRIES, "\"11\"", "0 (never retry) to 10");
      assertThat(rejection(with(Config.ATHENA_QUERY_RETRIES, "99999999999")))
          .contains("\"99999999999\"", "to 10");
      assertThat(rejection(with(Config.ATHENA_QUERY_RETRIES, "twice")))
          .contains(Config.ATHENA_QUERY_RETRIES, "\"twice\"", "whole number");
    }

    @Test
    void readsMinRowsAndAcceptsZeroMeaningAnEmptyMonthMayReplaceThePartition() {
      assertThat(Config.fromEnvironment(with(Config.MIN_ROWS, "1000")).minRows()).isEqualTo(1000);
      assertThat(Config.fromEnvironment(with(Config.MIN_ROWS, "0")).minRows()).isZero();
    }

    @Test
    void rejectsANegativeOrNonNumericMinRowsNamingTheValueAsWritten() {
      assertThat(rejection(with(Config.MIN_ROWS, "-1")))
          .contains(Config.MIN_ROWS, "\"-1\"", "0 or more");
      assertThat(rejection(with(Config.MIN_ROWS, "many")))
          .contains(Config.MIN_ROWS, "\"many\"", "whole number");
    }

    @Test
    void minPreviousRowsPercentAndMaxScanBytesAreOffByDefaultAndReachTheBuildSettings() {
      Config off = Config.fromEnvironment(BASE);
      Config on =
          Config.fromEnvironment(
              with(Config.MIN_PREVIOUS_ROWS_PERCENT, "80", Config.MAX_SCAN_BYTES, "10737418240"));

      assertThat(off.buildSettings().minPreviousRowsPercent()).isZero();
      assertThat(off.buildSettings().maxScanBytes()).isZero();
      assertThat(on.buildSettings().minPreviousRowsPercent()).isEqualTo(80);
      assertThat(on.buildSettings().maxScanBytes()).isEqualTo(10_737_418_240L);
      assertThat(
              Config.fromEnvironment(with(Config.MIN_PREVIOUS_ROWS_PERCENT, "100"))
                  .minPreviousRowsPercent())
          .isEqualTo(100);
      assertThat(Config.minPreviousRowsPercent(Map.of(Config.MIN_PREVIOUS_ROWS_PERCENT, "0")))
          .isZero();
      assertThat(Config.maxScanBytes(Map.of())).isZero();
    }

    @Test
    void rejectsAPercentOutside0To100OrNotWholeAndANegativeOrNonNumericScanCapNamingTheValue() {
      assertThat(rejection(with(Config.MIN_PREVIOUS_ROWS_PERCENT, "101")))
          .isEqualTo(
              "MIN_PREVIOUS_ROWS_PERCENT=\"101\" must be a percent from 0 (no check) to 100");
      assertThat(rejection(with(Config.MIN_PREVIOUS_ROWS_PERCENT, "-1")))
          .contains("MIN_PREVIOUS_ROWS_PERCENT=\"-1\"");
      assertThat(rejection(with(Config.MIN_PREVIOUS_ROWS_PERCENT, "50.5")))
          .isEqualTo("MIN_PREVIOUS_ROWS_PERCENT=\"50.5\" is not a whole number");
      assertThat(rejection(with(Config.MAX_SCAN_BYTES, "-1")))
          .isEqualTo("MAX_SCAN_BYTES=\"-1\" must be 0 (no cap) or more");
      assertThat(rejection(with(Config.MAX_SCAN_BYTES, "10GB")))
          .isEqualTo("MAX_SCAN_BYTES=\"10GB\" is not a whole number");
      assertThat(
              catchThrowableOfType(
                      ConfigException.class,
                      () ->
                          Config.minPreviousRowsPercent(
                              Map.of(Config.MIN_PREVIOUS_ROWS_PERCENT, "200")))
                  .getMessage())
          .isEqualTo(
              "MIN_PREVIOUS_ROWS_PERCENT=\"200\" must be a percent from 0 (no check) to 100");
      assertThat(
              catchThrowableOfType(
                      ConfigException.class,
                      () -> Config.maxScanBytes(Map.of(Config.MAX_SCAN_BYTES, "lots")))
                  .getMessage())
          .isEqualTo("MAX_SCAN_BYTES=\"lots\" is not a whole number");
    }

    @Test
    void readsTheOptionalVariablesWhenSet() {
      Config config =
          Config.fromEnvironment(
              with(
                  Config.SCHEDULE_TIME_ZONE, "Europe/Berlin",
                  Config.CTAS_TEMPLATE, "s3://my-bucket/ddl/ctas.sql",
                  Config.ATHENA_POLL_INITIAL_MS, "250",
                  Config.ATHENA_POLL_MAX_MS, "5000",
                  Config.DEADLINE_MARGIN_SECONDS, "45"));

      assertThat(config.scheduleTimeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
      assertThat(config.ctasTemplate()).contains("s3://my-bucket/ddl/ctas.sql");
      assertThat(config.pollInitial()).isEqualTo(Duration.ofMillis(250));
      assertThat(config.pollMax()).isEqualTo(Duration.ofMillis(5000));
      assertThat(config.deadlineMargin()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void treatsABlankTemplateAsTheBundledOne() {
      assertThat(Config.fromEnvironment(with(Config.CTAS_TEMPLATE, "  ")).ctasTemplate()).isEmpty();
    }

    @Test
    void acceptsEqualInitialAndMaximumPoll() {
      Config config =
          Config.fromEnvironment(
              with(Config.ATHENA_POLL_INITIAL_MS, "1000", Config.ATHENA_POLL_MAX_MS, "1000"));

      assertThat(config.pollMax()).isEqualTo(config.pollInitial());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {
          "a/b=c/",
          "cloudtrail/monthly/",
          "logs/year=all/(v2)/",
          "a.b_c-d!/",
          "archive/2024/",
          "t/03/2024/",
          "t/v2024/03/",
          "t/_stagingx/",
          "t/staging/"
        })
    void acceptsPlainNestedPrefixes(String prefix) {
      assertThat(Config.fromEnvironment(with(Config.DST_PREFIX, prefix)).prefix())
          .isEqualTo(prefix);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"abc", "my.bucket.example", "a-b-c", "123bucket"})
    void acceptsValidBucketNames(String bucket) {
      assertThat(Config.fromEnvironment(with(Config.DST_BUCKET, bucket)).bucket())
          .isEqualTo(bucket);
    }

    @Test
    void acceptsTheLongestDestinationTableThatLeavesRoomForTheTempSuffix() {
      String name = "t".repeat(255 - "_temp_202403".length());

      Config config = Config.fromEnvironment(with(Config.DST_TABLE_NAME, name));

      assertThat(config.layout().tempTable(YearMonth.of(2024, 3))).hasSize(255);
    }

    @Test
    void acceptsAWorkgroupWithDotsDashesAndCapitals() {
      assertThat(
              Config.fromEnvironment(with(Config.ATHENA_WORKGROUP, "Data-Eng.batch_1")).workgroup())
          .isEqualTo("Data-Eng.batch_1");
    }
  }

  @Nested
  class MissingVariables {
    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          Config.ATHENA_WORKGROUP, Config.GLUE_DATABASE, Config.SRC_TABLE_NAME,
          Config.DST_TABLE_NAME, Config.DST_BUCKET, Config.DST_PREFIX
        })
    void namesEachRequiredVariableThatIsMissing(String variable) {
      Map<String, String> env = new HashMap<>(BASE);
      env.remove(variable);

      assertThat(rejection(env)).isEqualTo(variable + " is not set");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          Config.ATHENA_WORKGROUP, Config.GLUE_DATABASE, Config.SRC_TABLE_NAME,
          Config.DST_TABLE_NAME, Config.DST_BUCKET, Config.DST_PREFIX
        })
    void treatsABlankRequiredVariableAsMissing(String variable) {
      assertThat(rejection(with(variable, " "))).isEqualTo(variable + " is not set");
    }
  }

  @Nested
  class InvalidValues {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Config.GLUE_DATABASE, Config.SRC_TABLE_NAME, Config.DST_TABLE_NAME})
    void rejectsAnUppercaseNameWithTheLowercaseHint(String variable) {
      assertThat(rejection(with(variable, "CloudTrail_Monthly")))
          .contains(variable, "\"CloudTrail_Monthly\"", "use \"cloudtrail_monthly\"");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {
          "cloudtrail-monthly",
          "cloudtrail monthly",
          "cloudtrail\"monthly",
          "ct'monthly",
          "ct;drop",
          "ct.monthly"
        })
    void rejectsATableNameThatIsNotAGlueName(String name) {
      assertThat(rejection(with(Config.DST_TABLE_NAME, name)))
          .contains(Config.DST_TABLE_NAME, name, "lowercase letters, digits and '_'")
          .doesNotContain("(Glue stores names in lower case");
      assertThat(rejection(with(Config.SRC_TABLE_NAME, name)))
          .contains(Config.SRC_TABLE_NAME, name);
      assertThat(rejection(with(Config.GLUE_DATABASE, name))).contains(Config.GLUE_DATABASE, name);
    }

    @Test
    void rejectsADestinationTableTooLongForTheTempSuffix() {
      String name = "t".repeat(255 - "_temp_202403".length() + 1);

      assertThat(rejection(with(Config.DST_TABLE_NAME, name)))
          .contains(Config.DST_TABLE_NAME, "\"ttttt", "_temp_YYYYMM", "243");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"my group", "wg;", "wg/1", "wg'"})
    void rejectsAWorkgroupWithCharactersAthenaDoesNotAllow(String workgroup) {
      assertThat(rejection(with(Config.ATHENA_WORKGROUP, workgroup)))
          .contains(Config.ATHENA_WORKGROUP, "\"" + workgroup + "\"");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {
          "ab",
          "My-Bucket",
          "my_bucket",
          "a..b",
          "a.-b",
          "192.168.1.1",
          "xn--abc",
          "sthree-bucket",
          "bucket-s3alias",
          "bucket--ol-s3",
          "bucket.mrap",
          "bucket--x-s3",
          "-bucket",
          "bucket-",
          "my bucket"
        })
    void rejectsBucketNamesS3DoesNotAllow(String bucket) {
      assertThat(rejection(with(Config.DST_BUCKET, bucket)))
          .contains(Config.DST_BUCKET, "\"" + bucket + "\"", "is not an S3 bucket name");
    }

    @Test
    void rejectsABucketNameLongerThan63Characters() {
      String bucket = "b".repeat(64);

      assertThat(rejection(with(Config.DST_BUCKET, bucket))).contains(Config.DST_BUCKET, "\"bbbb");
    }

    @Test
    void saysWhyAnIpLikeBucketIsRejected() {
      assertThat(rejection(with(Config.DST_BUCKET, "192.168.1.1"))).contains("IP address");
    }

    @Test
    void saysWhyAReservedBucketNameIsRejected() {
      assertThat(rejection(with(Config.DST_BUCKET, "xn--abc"))).contains("reserves");
      assertThat(rejection(with(Config.DST_BUCKET, "bucket-s3alias"))).contains("reserves");
    }

    @Test
    void rejectsAnEmptyPrefixSoTheBucketRootIsNeverTheTable() {
      assertThat(rejection(with(Config.DST_PREFIX, ""))).contains(Config.DST_PREFIX);
    }

    @Test
    void rejectsAPrefixWithoutTrailingSlashSuggestingOne() {
      assertThat(rejection(with(Config.DST_PREFIX, "x")))
          .contains(Config.DST_PREFIX, "\"x\"", "\"x/\"");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"/x/", "s3://b/x/"})
    void rejectsAPrefixThatIsNotRelativeToTheBucket(String prefix) {
      assertThat(rejection(with(Config.DST_PREFIX, prefix)))
          .contains(Config.DST_PREFIX, "\"" + prefix + "\"", "relative to the bucket");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {"a//b/", "a/../b/", "a/./b/", "../", "it's/", "a b/", "a\\b/", "a\"b/", "a;b/"})
    void rejectsAPrefixThatIsNotAPlainKeyPrefix(String prefix) {
      assertThat(rejection(with(Config.DST_PREFIX, prefix)))
          .contains(Config.DST_PREFIX, "\"" + prefix + "\"", "not a plain key prefix");
    }

    @Test
    void rejectsAnUnknownTimeZone() {
      assertThat(rejection(with(Config.SCHEDULE_TIME_ZONE, "Mars/Olympus")))
          .contains(Config.SCHEDULE_TIME_ZONE, "\"Mars/Olympus\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          Config.ATHENA_POLL_INITIAL_MS,
          Config.ATHENA_POLL_MAX_MS,
          Config.DEADLINE_MARGIN_SECONDS
        })
    void rejectsANonNumericTiming(String variable) {
      assertThat(rejection(with(variable, "fast"))).contains(variable, "\"fast\"", "whole number");
    }

    @Test
    void rejectsAMaximumPollBelowTheInitialPoll() {
      assertThat(
              rejection(
                  with(Config.ATHENA_POLL_INITIAL_MS, "2000", Config.ATHENA_POLL_MAX_MS, "1000")))
          .contains(Config.ATHENA_POLL_MAX_MS, "\"1000\"", Config.ATHENA_POLL_INITIAL_MS, "2000");
    }

    @Test
    void rejectsAZeroDeadlineMarginNamingTheValueAsWritten() {
      assertThat(rejection(with(Config.DEADLINE_MARGIN_SECONDS, "0")))
          .contains(Config.DEADLINE_MARGIN_SECONDS, "\"0\"", "positive");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          Config.ATHENA_POLL_INITIAL_MS,
          Config.ATHENA_POLL_MAX_MS,
          Config.DEADLINE_MARGIN_SECONDS
        })
    void rejectsANegativeTimingNamingTheValueAsWritten(String variable) {
      assertThat(rejection(with(variable, "-5"))).contains(variable, "\"-5\"", "positive");
    }

    @Test
    void rejectsAZeroInitialPollNamingTheValueAsWritten() {
      assertThat(rejection(with(Config.ATHENA_POLL_INITIAL_MS, "0")))
          .contains(Config.ATHENA_POLL_INITIAL_MS, "\"0\"", "positive");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {"other/_staging/", "other/_staging/2024/03/", "other/_locks/", "_state/other/"})
    void rejectsAPrefixInsideAnotherTablesStagingLockOrStateArea(String prefix) {
      assertThat(rejection(with(Config.DST_PREFIX, prefix)))
          .contains(Config.DST_PREFIX, "\"" + prefix + "\"", "lies inside another table's _");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {
          "other/2024/03/",
          "other/2024/3/mine/",
          "t/year=2024/",
          "t/month=03/",
          "t/DAY=1/"
        })
    void rejectsAPrefixInsideAnotherTablesPartition(String prefix) {
      assertThat(rejection(with(Config.DST_PREFIX, prefix)))
          .contains(Config.DST_PREFIX, "\"" + prefix + "\"", "inside another table's partition");
    }

    @Test
    void acceptsTheLongestPrefixWhoseKeysFitS3sLimitWithRoomForAthenasFileNames() {
      String prefix = "p".repeat(Config.MAX_PREFIX_BYTES - 1) + "/";

      TableLayout layout = Config.fromEnvironment(with(Config.DST_PREFIX, prefix)).layout();

      YearMonth month = YearMonth.of(2024, 12);
      // A file lands under the staging and partition prefixes; the lock and state keys are whole.
      assertThat(bytes(layout.stagingPrefix(month)) + Config.FILE_NAME_RESERVE_BYTES)
          .isEqualTo(Config.S3_MAX_KEY_BYTES);
      assertThat(bytes(layout.partitionPrefix(month)) + Config.FILE_NAME_RESERVE_BYTES)
          .isLessThan(Config.S3_MAX_KEY_BYTES);
      assertThat(bytes(layout.lockKey(month))).isLessThan(Config.S3_MAX_KEY_BYTES);
      assertThat(bytes(layout.stateKey(month))).isLessThan(Config.S3_MAX_KEY_BYTES);
      assertThat(Config.MAX_PREFIX_BYTES).isEqualTo(807);
    }

    @Test
    void rejectsAPrefixOneByteTooLongForS3sKeyLimit() {
      String prefix = "p".repeat(Config.MAX_PREFIX_BYTES) + "/";

      assertThat(rejection(with(Config.DST_PREFIX, prefix)))
          .contains(Config.DST_PREFIX, "808 bytes", "MAX_PREFIX_BYTES", "807", "1024", "200");
    }

    @ParameterizedTest(name = "{0}={1}")
    @org.junit.jupiter.params.provider.CsvSource({
      "DEADLINE_MARGIN_SECONDS, 901, MAX_DEADLINE_MARGIN_SECONDS",
      "DEADLINE_MARGIN_SECONDS, 9223372036854775807, MAX_DEADLINE_MARGIN_SECONDS",
      "LOCK_LEASE_SECONDS, 86401, MAX_LOCK_LEASE_SECONDS",
      "LOCK_LEASE_SECONDS, 9223372036854775807, MAX_LOCK_LEASE_SECONDS",
      "ATHENA_POLL_MAX_MS, 900001, MAX_ATHENA_POLL_MS",
      "ATHENA_POLL_MAX_MS, 9223372036854775807, MAX_ATHENA_POLL_MS"
    })
    void rejectsATimeSoLargeThatItsArithmeticWouldOverflowOrThatLambdaCouldNeverUseIt(
        String variable, String value, String bound) {
      assertThat(rejection(with(variable, value)))
          .contains(variable, "\"" + value + "\"", "at most", bound);
    }

    @Test
    void rejectsAnInitialPollAboveTheBoundEvenWithAMaximumAsLarge() {
      assertThat(
              rejection(
                  with(
                      Config.ATHENA_POLL_INITIAL_MS,
                      "900001",
                      Config.ATHENA_POLL_MAX_MS,
                      "900001")))
          .contains(Config.ATHENA_POLL_INITIAL_MS, "\"900001\"", "MAX_ATHENA_POLL_MS");
    }

    @Test
    void acceptsEachTimeAtItsBoundWhereTheArithmeticStillWorks() {
      Config config =
          Config.fromEnvironment(
              with(
                  Config.DEADLINE_MARGIN_SECONDS,
                  "900",
                  Config.LOCK_LEASE_SECONDS,
                  "86400",
                  Config.ATHENA_POLL_INITIAL_MS,
                  "900000",
                  Config.ATHENA_POLL_MAX_MS,
                  "900000"));

      java.time.Instant now = java.time.Instant.now();
      assertThat(
              now.plus(config.lockLease())
                  .minus(config.deadlineMargin())
                  .plus(config.pollPolicy().delay(60)))
          .isAfter(now);
    }

    @Test
    void keepsEveryMessageOnOneLine() {
      assertThat(rejection(with(Config.DST_PREFIX, "a\nb/")))
          .contains(Config.DST_PREFIX)
          .doesNotContain("\n");
      assertThat(rejection(with(Config.DST_BUCKET, "my\nbucket")))
          .contains(Config.DST_BUCKET)
          .doesNotContain("\n");
    }
  }

  @Nested
  class Layout {
    private final TableLayout layout = Config.fromEnvironment(BASE).layout();
    private final YearMonth march = YearMonth.of(2024, 3);

    @Test
    void namesTheTempTableAfterTheDestinationAndMonth() {
      assertThat(layout.tempTable(march)).isEqualTo("cloudtrail_monthly_temp_202403");
    }

    @Test
    void putsThePartitionBelowTheTablePrefix() {
      assertThat(layout.partitionPrefix(march)).isEqualTo("cloudtrail_monthly/2024/03/");
    }

    @Test
    void locatesThePartitionInTheConfiguredBucket() {
      assertThat(layout.location(layout.partitionPrefix(march)))
          .isEqualTo("s3://my-bucket/cloudtrail_monthly/2024/03/");
    }

    @Test
    void padsSingleDigitMonthsAndKeepsDecember() {
      assertThat(layout.partitionPrefix(YearMonth.of(2023, 12)))
          .isEqualTo("cloudtrail_monthly/2023/12/");
      assertThat(layout.tempTable(YearMonth.of(2024, 1)))
          .isEqualTo("cloudtrail_monthly_temp_202401");
    }

    @Test
    void carriesTheConfiguredNames() {
      assertThat(layout.database()).isEqualTo("cloudtrail");
      assertThat(layout.sourceTable()).isEqualTo("cloudtrail_daily");
      assertThat(layout.destinationTable()).isEqualTo("cloudtrail_monthly");
      assertThat(layout.storageRoot()).isEqualTo("s3://my-bucket/");
    }
  }

  private static int bytes(String key) {
    return key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static Map<String, String> with(String... keysAndValues) {
    Map<String, String> env = new HashMap<>(BASE);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return env;
  }

  private static String rejection(Map<String, String> env) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> Config.fromEnvironment(env));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n");
    return e.getMessage();
  }
}
