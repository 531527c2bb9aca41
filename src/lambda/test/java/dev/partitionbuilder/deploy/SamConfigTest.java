package dev.partitionbuilder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** samconfig.toml, the example deployment, and the parameters' own constraints. */
class SamConfigTest {
  private final SamTemplate template = SamTemplate.load();
  private final SamConfig config = SamConfig.load();

  @Test
  void exampleDeployCreatesRolesLetsSamPickTheBucketAndAsksBeforeApplying() {
    assertThat(config.raw("stack_name")).isNotBlank();
    assertThat(config.raw("capabilities")).isEqualTo("\"CAPABILITY_IAM\"");
    assertThat(config.raw("resolve_s3")).isEqualTo("true");
    assertThat(config.raw("confirm_changeset")).isEqualTo("true");
  }

  @Test
  void exampleOverridesOnlyTemplateParametersAndGivesEveryOneWithoutADefault() {
    Map<String, String> overrides = config.parameterOverrides();

    assertThat(template.parameters().keySet()).containsAll(overrides.keySet());
    template
        .parameters()
        .forEach(
            (name, definition) -> {
              if (!SamTemplate.map(definition, name).containsKey("Default")) {
                assertThat(overrides)
                    .as("samconfig.toml gives " + name + ", which has no default")
                    .containsKey(name);
              }
            });
    assertThat(overrides).containsEntry("DestinationBucket", "example-cloudtrail-analytics");
  }

  @Test
  void everyExampleValueAndDefaultMatchesItsParametersAllowedPattern() {
    Map<String, String> values = new LinkedHashMap<>(template.defaults());
    values.putAll(config.parameterOverrides());

    values.forEach(
        (name, value) -> {
          Object pattern = template.parameter(name).get("AllowedPattern");
          if (pattern != null) {
            assertThat(value).as(name).matches((String) pattern);
          }
        });
  }

  @Test
  void prefixParametersAcceptOnlyKeyPrefixesEndingWithASlash() {
    for (String prefix :
        new String[] {"SourcePrefix", "DestinationPrefix", "AthenaResultsPrefix"}) {
      String pattern = (String) template.parameter(prefix).get("AllowedPattern");

      assertThat("cloudtrail_monthly/").as(prefix).matches(pattern);
      assertThat("tables/cloudtrail_monthly/").as(prefix).matches(pattern);
      assertThat("cloudtrail_monthly").as(prefix).doesNotMatch(pattern);
      assertThat("").as(prefix).doesNotMatch(pattern);
      assertThat("/cloudtrail_monthly/").as(prefix).doesNotMatch(pattern);
      assertThat("s3://bucket/cloudtrail_monthly/").as(prefix).doesNotMatch(pattern);
    }
  }
}
