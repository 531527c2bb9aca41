package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.FUNCTION;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two example configurations describe one deployment: samconfig.toml (template.yml's parameter
 * names, for {@code sam deploy}) is the source of truth, and examples/cloudtrail.env (the Lambda's
 * environment variable names, for {@code partition-builder --config}) must give the same values.
 * template.yml says which parameter becomes which variable; the variables only {@code render} reads
 * are mapped here.
 */
class ExampleConfigTest {
  static final Path ENV_FILE = Path.of("examples/cloudtrail.env");

  /**
   * Variables of the env file that only {@code render} reads, and the template parameter of each.
   */
  private static final Map<String, String> RENDER_ONLY =
      Map.of(
          "SRC_BUCKET", "SourceBucket",
          "SRC_PREFIX", "SourcePrefix",
          "ATHENA_RESULTS_BUCKET", "AthenaResultsBucket",
          "ATHENA_RESULTS_PREFIX", "AthenaResultsPrefix");

  /**
   * Variables no parameter holds: the region and account come from the credentials {@code sam
   * deploy} runs with, and the stack names its queue itself; {@code render --policy} needs them for
   * ARNs.
   */
  private static final Set<String> NOT_IN_THE_STACK =
      Set.of("AWS_REGION", "AWS_ACCOUNT_ID", "TRIGGER_QUEUE_NAME");

  private final SamTemplate template = SamTemplate.load();
  private final Resolver deployed = Resolver.withExampleValues(Map.of());
  private final Map<String, String> env = readEnvFile(ENV_FILE);

  @Test
  void theEnvFileAndSamconfigGiveTheSameValues() {
    assertThat(disagreements(env)).isEmpty();
  }

  @Test
  void aValueThatDiffersIsNamedWithBothFilesAndBothNames() {
    Map<String, String> changed = new LinkedHashMap<>(env);
    changed.put("DST_BUCKET", "another-bucket");
    changed.put("ATHENA_RESULTS_PREFIX", "elsewhere/");

    assertThat(disagreements(changed))
        .containsExactlyInAnyOrder(
            ENV_FILE
                + " sets DST_BUCKET=another-bucket, but samconfig.toml deploys DestinationBucket="
                + env.get("DST_BUCKET")
                + ": make them equal",
            ENV_FILE
                + " sets ATHENA_RESULTS_PREFIX=elsewhere/, but samconfig.toml deploys AthenaResultsPrefix="
                + env.get("ATHENA_RESULTS_PREFIX")
                + ": make them equal");
  }

  @Test
  void aParameterSamconfigSetsThatTheEnvFileLacksIsNamed() {
    Map<String, String> shorter = new LinkedHashMap<>(env);
    shorter.remove("ATHENA_WORKGROUP");

    assertThat(disagreements(shorter))
        .containsExactly(
            "samconfig.toml sets AthenaWorkgroup="
                + env.get("ATHENA_WORKGROUP")
                + ", which "
                + ENV_FILE
                + " does not give as ATHENA_WORKGROUP");
  }

  @Test
  void aVariableNoParameterHoldsIsNamedUnlessItIsOneTheStackCannotKnow() {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put("DST_TABLE_DDL", "ddl/cloudtrail_monthly.sql");

    assertThat(env).containsKeys(NOT_IN_THE_STACK.toArray(String[]::new));
    assertThat(disagreements(more))
        .containsExactly(
            ENV_FILE
                + " sets DST_TABLE_DDL, which no parameter of "
                + SamTemplate.FILE
                + " holds: add it to samconfig.toml, or to "
                + getClass().getSimpleName()
                + "'s lists");
  }

  /** Every way the env file and samconfig.toml (through template.yml) disagree, one line each. */
  private List<String> disagreements(Map<String, String> env) {
    Map<String, String> parameterOf = new LinkedHashMap<>(RENDER_ONLY);
    variablesAsWritten()
        .forEach(
            (variable, value) -> {
              if (value instanceof Map<?, ?> ref
                  && ref.size() == 1
                  && ref.get("Ref") instanceof String parameter) {
                parameterOf.put(variable, parameter);
              }
            });
    List<String> found = new ArrayList<>();
    env.forEach(
        (variable, value) -> {
          String parameter = parameterOf.get(variable);
          if (parameter == null) {
            if (!NOT_IN_THE_STACK.contains(variable)) {
              found.add(
                  ENV_FILE
                      + " sets "
                      + variable
                      + ", which no parameter of "
                      + SamTemplate.FILE
                      + " holds: add it to samconfig.toml, or to "
                      + getClass().getSimpleName()
                      + "'s lists");
            }
          } else if (!value.equals(deployed.parameter(parameter))) {
            found.add(
                ENV_FILE
                    + " sets "
                    + variable
                    + "="
                    + value
                    + ", but samconfig.toml deploys "
                    + parameter
                    + "="
                    + deployed.parameter(parameter)
                    + ": make them equal");
          }
        });
    SamConfig.load()
        .parameterOverrides()
        .forEach(
            (parameter, value) ->
                parameterOf.forEach(
                    (variable, p) -> {
                      if (p.equals(parameter) && !env.containsKey(variable)) {
                        found.add(
                            "samconfig.toml sets "
                                + parameter
                                + "="
                                + value
                                + ", which "
                                + ENV_FILE
                                + " does not give as "
                                + variable);
                      }
                    }));
    return found;
  }

  private Map<String, Object> variablesAsWritten() {
    Map<String, Object> function = template.properties(FUNCTION);
    return map(
        map(function.get("Environment"), "Environment").get("Variables"), "Environment.Variables");
  }

  /** NAME=VALUE lines, {@code #} comments and blank lines, as {@code --config} reads them. */
  static Map<String, String> readEnvFile(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        assertThat(eq).as("%s: expected NAME=VALUE, got %s", file, trimmed).isPositive();
        String value = trimmed.substring(eq + 1).strip();
        // The CLI also takes quotes and `export`; the example keeps to plain values, as a test can
        // compare them.
        assertThat(value).as("%s: %s", file, trimmed).doesNotStartWith("\"").doesNotStartWith("'");
        values.put(trimmed.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new AssertionError("Cannot read " + file, e);
    }
    return values;
  }
}
