package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each setting's rule lives in Config alone: the Lambda's environment, local mode's configuration,
 * a command-line flag that stands for the variable, and a builder's settings made in code all
 * refuse the same bad value for the same reason.
 */
class ConfigRulesTest {
  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(Config.MIN_ROWS, "-1", "must be 0 or more (0 accepts an empty month)"),
        Arguments.of(
            Config.MIN_PREVIOUS_ROWS_PERCENT, "101", "must be a percent from 0 (no check) to 100"),
        Arguments.of(
            Config.MIN_PREVIOUS_ROWS_PERCENT, "-1", "must be a percent from 0 (no check) to 100"),
        Arguments.of(Config.MAX_SCAN_BYTES, "-1", "must be 0 (no cap) or more"),
        Arguments.of(Config.LOCK_LEASE_SECONDS, "0", "must be a positive number"),
        Arguments.of(
            Config.LOCK_LEASE_SECONDS,
            "86401",
            "must be at most 86400 (MAX_LOCK_LEASE_SECONDS, one day)"),
        Arguments.of(
            Config.PARTITION_GRACE_SECONDS,
            "604801",
            "must be from 0 (delete the previous location at the swap) to 604800 (a week)"),
        Arguments.of(Config.ATHENA_QUERY_RETRIES, "11", "must be from 0 (never retry) to 10"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void theLambdaAndLocalModeRefuseABadValueWithTheSameLine(
      String variable, String value, String why) {
    String expected = variable + "=\"" + value + "\" " + why;

    assertThat(message(() -> Config.fromEnvironment(with(variable, value)))).isEqualTo(expected);
    assertThat(message(() -> Config.forLocal(Map.of(variable, value)))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void aFlagStandingForTheVariableIsRefusedByTheSameRuleUnderItsOwnName(
      String variable, String value, String why) {
    List<Config.Flag> flags = List.of(new Config.Flag("--the-flag", variable, value));

    assertThat(message(() -> Config.fromEnvironment(ConfigTest.BASE, flags)))
        .isEqualTo("--the-flag " + value + " " + why);
    assertThat(message(() -> Config.forLocal(Map.of(), flags)))
        .isEqualTo("--the-flag " + value + " " + why);
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void buildSettingsMadeInCodeObeyTheSameRule(String variable, String value, String why) {
    BuildSettings settings = BuildSettings.defaults(Config.LOCAL_POLL);
    long n = Long.parseLong(value);
    Runnable make =
        switch (variable) {
          case Config.MIN_ROWS -> () -> settings.withMinRows(n);
          case Config.MIN_PREVIOUS_ROWS_PERCENT ->
              () -> settings.withMinPreviousRowsPercent((int) n);
          case Config.MAX_SCAN_BYTES -> () -> settings.withMaxScanBytes(n);
          case Config.LOCK_LEASE_SECONDS -> () -> settings.withLockLease(Duration.ofSeconds(n));
          case Config.PARTITION_GRACE_SECONDS ->
              () -> settings.withPartitionGrace(Duration.ofSeconds(n));
          case Config.ATHENA_QUERY_RETRIES -> () -> settings.withQueryRetries((int) n);
          default -> throw new IllegalArgumentException("no BuildSettings value for " + variable);
        };

    assertThat(message(make::run)).isEqualTo(variable + "=\"" + value + "\" " + why);
  }

  @Test
  void aFlagOverridesTheEnvironmentsValueWhichIsThenNotRead() {
    Config config =
        Config.fromEnvironment(
            with(Config.MIN_ROWS, "-3"),
            List.of(new Config.Flag("--min-rows", Config.MIN_ROWS, "5")));

    assertThat(config.minRows()).isEqualTo(5);
  }

  @Test
  void anotherVariablesErrorStillNamesThatVariableWhenAFlagIsGiven() {
    List<Config.Flag> flags = List.of(new Config.Flag("--min-rows", Config.MIN_ROWS, "5"));

    assertThat(message(() -> Config.forLocal(Map.of(Config.LOCK_LEASE_SECONDS, "0"), flags)))
        .isEqualTo("LOCK_LEASE_SECONDS=\"0\" must be a positive number");
  }

  @Test
  void localModeTakesTheBundledTablesAndStandInsOnlyForTheValuesThatAreNotSet() {
    Config defaults = Config.forLocal(Map.of());
    Config given =
        Config.forLocal(
            Map.of(Config.GLUE_DATABASE, "logs", Config.DST_BUCKET, " ", Config.MIN_ROWS, "7"));

    assertThat(defaults.workgroup()).isEqualTo(Config.LOCAL_ATHENA_WORKGROUP);
    assertThat(defaults.database()).isEqualTo("cloudtrail");
    assertThat(defaults.sourceTable()).isEqualTo("cloudtrail_daily");
    assertThat(defaults.destinationTable()).isEqualTo("cloudtrail_monthly");
    assertThat(defaults.prefix()).isEqualTo("cloudtrail_monthly/");
    assertThat(defaults.bucket()).isEqualTo(Config.LOCAL_DST_BUCKET);
    assertThat(given.database()).isEqualTo("logs");
    assertThat(given.bucket()).as("a blank value is not set").isEqualTo(Config.LOCAL_DST_BUCKET);
    assertThat(given.minRows()).isEqualTo(7);
  }

  @Test
  void anUnsetVariableTakesItsNamedDefault() {
    Config config = Config.fromEnvironment(ConfigTest.BASE);

    assertThat(config.scheduleTimeZone()).isEqualTo(ZoneId.of(Config.DEFAULT_SCHEDULE_TIME_ZONE));
    assertThat(config.pollInitial())
        .isEqualTo(Duration.ofMillis(Config.DEFAULT_ATHENA_POLL_INITIAL_MS));
    assertThat(config.pollMax()).isEqualTo(Duration.ofMillis(Config.DEFAULT_ATHENA_POLL_MAX_MS));
    assertThat(config.deadlineMargin())
        .isEqualTo(Duration.ofSeconds(Config.DEFAULT_DEADLINE_MARGIN_SECONDS));
    assertThat(config.minRows()).isEqualTo(Config.DEFAULT_MIN_ROWS);
    assertThat(config.queryRetries()).isEqualTo(Config.DEFAULT_ATHENA_QUERY_RETRIES);
    assertThat(config.lockLease()).isEqualTo(Duration.ofSeconds(Config.DEFAULT_LOCK_LEASE_SECONDS));
    assertThat(config.partitionGrace())
        .isEqualTo(Duration.ofSeconds(Config.DEFAULT_PARTITION_GRACE_SECONDS));
    assertThat(config.minPreviousRowsPercent()).isEqualTo(Config.DEFAULT_MIN_PREVIOUS_ROWS_PERCENT);
    assertThat(config.maxScanBytes()).isEqualTo(Config.DEFAULT_MAX_SCAN_BYTES);
    assertThat(config.buildSettings()).isEqualTo(BuildSettings.defaults(config.pollPolicy()));
  }

  private static Map<String, String> with(String variable, String value) {
    Map<String, String> env = new HashMap<>(ConfigTest.BASE);
    env.put(variable, value);
    return env;
  }

  private static String message(Runnable read) {
    ConfigException e = catchThrowableOfType(ConfigException.class, read::run);
    assertThat(e).as("expected a ConfigException").isNotNull();
    return e.getMessage();
  }
}
