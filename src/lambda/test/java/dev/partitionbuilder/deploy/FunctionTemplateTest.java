package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.FUNCTION;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.lambda.BuildMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The function in template.yml: handler, runtime, SnapStart, code, sizing and environment. */
class FunctionTemplateTest {
  private final SamTemplate template = SamTemplate.load();
  private final Map<String, Object> function = template.properties(FUNCTION);

  @Test
  void handlerNamedByTheTemplateIsALambdaRequestHandlerClassWithHandleRequest() throws Exception {
    assertThat(template.type(FUNCTION)).isEqualTo("AWS::Serverless::Function");
    String handler = (String) function.get("Handler");
    assertThat(handler).contains("::");
    String[] parts = handler.split("::", 2);

    Class<?> type = Class.forName(parts[0]);

    assertThat(RequestHandler.class).isAssignableFrom(type);
    assertThat(parts[1]).isEqualTo("handleRequest");
    assertThat(type.getMethod(parts[1], Object.class, Context.class)).isNotNull();
    assertThat(type.getConstructor())
        .as("Lambda instantiates the handler with its no-argument constructor")
        .isNotNull();
  }

  @Test
  void functionRunsJava21FromThePackagedZipWithSnapStartOnThePublishedLiveAlias() {
    assertThat(function.get("Runtime")).isEqualTo("java21");
    assertThat(function.get("CodeUri")).isEqualTo("target/athena-partition-builder-lambda.zip");
    assertThat(function.get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
    // SnapStart applies to published versions only: without an alias the event source would
    // invoke $LATEST, which never gets a snapshot.
    assertThat(function.get("AutoPublishAlias")).isEqualTo("live");
  }

  @Test
  void memoryAndTimeoutComeFromParametersWhoseDefaultsAre1024MbAnd900Seconds() {
    assertThat(function.get("MemorySize")).isEqualTo(Map.of("Ref", "MemorySize"));
    assertThat(function.get("Timeout")).isEqualTo(Map.of("Ref", "Timeout"));
    assertThat(template.parameter("MemorySize").get("Default")).isEqualTo(1024);
    assertThat(template.parameter("Timeout").get("Default")).isEqualTo(900);
    assertThat((Integer) template.parameter("Timeout").get("MaxValue"))
        .as("Lambda's longest timeout")
        .isLessThanOrEqualTo(900);
  }

  @Test
  void functionSetsEveryVariableConfigRequires() {
    Map<String, String> env = environment(Map.of());

    // A variable is required when the function's environment without it is no longer a Config.
    for (String variable : configVariables()) {
      Map<String, String> without = new HashMap<>(env);
      without.remove(variable);
      if (throwsConfigException(without)) {
        assertThat(env).as("required variable " + variable).containsKey(variable);
      }
    }
    assertThat(env)
        .containsKeys(
            Config.ATHENA_WORKGROUP,
            Config.GLUE_DATABASE,
            Config.SRC_TABLE_NAME,
            Config.DST_TABLE_NAME,
            Config.DST_BUCKET,
            Config.DST_PREFIX);
  }

  @Test
  void functionSetsOnlyVariablesConfigReadsAndTheJvmOptions() {
    Set<String> known = new TreeSet<>(configVariables());
    known.add("JAVA_TOOL_OPTIONS");
    known.add(BuildMetrics.METRICS_NAMESPACE);

    Set<String> written =
        map(map(function.get("Environment"), "Environment").get("Variables"), "Variables").keySet();

    assertThat(known).containsAll(written);
  }

  @Test
  void functionEnvironmentWithTheExampleParametersIsAValidConfiguration() {
    Map<String, String> env = environment(Map.of());

    Config config = Config.fromEnvironment(env);

    Resolver example = Resolver.withExampleValues(Map.of());
    assertThat(config.workgroup()).isEqualTo(example.parameter("AthenaWorkgroup"));
    assertThat(config.bucket()).isEqualTo(example.parameter("DestinationBucket"));
    assertThat(config.prefix()).isEqualTo(example.parameter("DestinationPrefix"));
    assertThat(config.scheduleTimeZone().getId()).isEqualTo(example.parameter("ScheduleTimeZone"));
    assertThat(config.ctasTemplate()).as("the bundled template when no URI is given").isEmpty();
  }

  @Test
  void minRowsIsAParameterPassedAsMinRowsWithTheDefaultOfOneRow() {
    assertThat(Config.fromEnvironment(environment(Map.of())).minRows())
        .isEqualTo(Config.DEFAULT_MIN_ROWS);
    assertThat(Config.fromEnvironment(environment(Map.of("MinRows", "0"))).minRows()).isZero();
    assertThat(Config.fromEnvironment(environment(Map.of("MinRows", "50000"))).minRows())
        .isEqualTo(50_000);
  }

  @Test
  void minPreviousRowsPercentAndMaxScanBytesAreParametersPassedAsTheirVariablesAndOffByDefault() {
    Config defaults = Config.fromEnvironment(environment(Map.of()));
    Config set =
        Config.fromEnvironment(
            environment(Map.of("MinPreviousRowsPercent", "80", "MaxScanBytes", "10737418240")));

    assertThat(defaults.minPreviousRowsPercent()).isZero();
    assertThat(defaults.maxScanBytes()).isZero();
    assertThat(set.minPreviousRowsPercent()).isEqualTo(80);
    assertThat(set.maxScanBytes()).isEqualTo(10_737_418_240L);
  }

  @Test
  void partitionGraceSecondsIsAParameterPassedAsItsVariableWithTheDefaultOfAnHour() {
    assertThat(Config.fromEnvironment(environment(Map.of())).partitionGrace())
        .isEqualTo(java.time.Duration.ofSeconds(Config.DEFAULT_PARTITION_GRACE_SECONDS));
    assertThat(
            Config.fromEnvironment(environment(Map.of("PartitionGraceSeconds", "0")))
                .partitionGrace())
        .isZero();
  }

  @Test
  void ctasTemplateIsPassedOnlyWhenATemplateUriIsGiven() {
    assertThat(environment(Map.of())).doesNotContainKey(Config.CTAS_TEMPLATE);

    Map<String, String> env = environment(Map.of("CtasTemplateS3Uri", SdkCalls.TEMPLATE_URI));

    assertThat(env).containsEntry(Config.CTAS_TEMPLATE, SdkCalls.TEMPLATE_URI);
    assertThat(Config.fromEnvironment(env).ctasTemplate()).contains(SdkCalls.TEMPLATE_URI);
  }

  @Test
  void scheduleTimeZoneReachesTheFunctionFromTheSameParameterAsTheSchedule() {
    Object zone = environmentAsWritten().get(Config.SCHEDULE_TIME_ZONE);
    String schedule = template.resourcesOfType("AWS::Scheduler::Schedule").get(0);

    assertThat(zone).isEqualTo(template.properties(schedule).get("ScheduleExpressionTimezone"));
    assertThat(environment(Map.of("ScheduleTimeZone", "Europe/Berlin")))
        .containsEntry(Config.SCHEDULE_TIME_ZONE, "Europe/Berlin");
  }

  @Test
  void jvmStopsCompilingAtTheFirstTierForAFasterColdStart() {
    assertThat(environmentAsWritten().get("JAVA_TOOL_OPTIONS"))
        .isEqualTo("-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
  }

  @Test
  void logGroupIsTheFunctionsOwnAndKeepsLogsForTheConfiguredDays() {
    String logGroup = template.resourcesOfType("AWS::Logs::LogGroup").get(0);
    Resolver resolver = Resolver.withExampleValues(Map.of());

    Object name = resolver.resolve(template.properties(logGroup).get("LogGroupName"));

    assertThat(name).isEqualTo("/aws/lambda/" + resolver.resolve(function.get("FunctionName")));
    assertThat(template.properties(logGroup).get("RetentionInDays"))
        .isEqualTo(Map.of("Ref", "LogRetentionInDays"));
  }

  @Test
  void aConfigMissingARequiredVariableIsRejected() {
    // functionSetsEveryVariableConfigRequires finds required variables by removing them: removal is
    // noticed.
    Map<String, String> env = new HashMap<>(environment(Map.of()));
    assertThatCode(() -> Config.fromEnvironment(env)).doesNotThrowAnyException();
    env.remove(Config.DST_BUCKET);
    assertThatThrownBy(() -> Config.fromEnvironment(env)).isInstanceOf(ConfigException.class);
  }

  private Map<String, Object> environmentAsWritten() {
    return map(map(function.get("Environment"), "Environment").get("Variables"), "Variables");
  }

  /**
   * The function's environment as Lambda would see it, with samconfig's example values and {@code
   * extra}.
   */
  private Map<String, String> environment(Map<String, String> extra) {
    Object resolved = Resolver.withExampleValues(extra).resolve(environmentAsWritten());
    Map<String, String> env = new LinkedHashMap<>();
    map(resolved, "resolved environment")
        .forEach((name, value) -> env.put(name, String.valueOf(value)));
    return env;
  }

  /** Config's variable names: its public String constants whose value is their own name. */
  private static List<String> configVariables() {
    List<String> names = new ArrayList<>();
    for (Field field : Config.class.getFields()) {
      int m = field.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class) {
        try {
          if (field.getName().equals(field.get(null))) {
            names.add(field.getName());
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    assertThat(names).as("Config's variables").hasSizeGreaterThanOrEqualTo(6);
    return names;
  }

  private static boolean throwsConfigException(Map<String, String> env) {
    try {
      Config.fromEnvironment(env);
      return false;
    } catch (ConfigException e) {
      return true;
    }
  }
}
