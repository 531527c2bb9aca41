package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.TableLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RenderDeploymentFilesTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ATHENA_WORKGROUP", "analytics",
          "GLUE_DATABASE", "cloudtrail",
          "SRC_TABLE_NAME", "cloudtrail_daily",
          "DST_TABLE_NAME", "cloudtrail_monthly",
          "DST_BUCKET", "acme-analytics",
          "DST_PREFIX", "cloudtrail_monthly/",
          "SRC_BUCKET", "acme-trail",
          "SRC_PREFIX", "cloudtrail_daily/");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
  }

  @Test
  void rendersTheSourceTableDdlWithTheUsersValues() {
    int code = run(ENV, "render", "--ddl", "source");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("CREATE EXTERNAL TABLE `cloudtrail`.`cloudtrail_daily`")
        .contains("LOCATION 's3://acme-trail/cloudtrail_daily/'")
        .contains(
            "'storage.location.template' = 's3://acme-trail/cloudtrail_daily/${year}/${month}/${day}/'")
        .doesNotContain("{{");
  }

  @Test
  void rendersADestinationDdlWhoseProjectionFindsTheFilesTheBuilderWrites() {
    int code = run(ENV, "render", "--ddl", "destination");

    assertThat(code).as(err.toString()).isZero();
    Matcher template =
        Pattern.compile("'storage.location.template' = '([^']+)'").matcher(out.toString());
    assertThat(template.find()).isTrue();
    TableLayout layout = Config.fromEnvironment(ENV).layout();
    YearMonth march = YearMonth.of(2024, 3);
    // Partition projection fills ${year} and ${month} with the digits its DDL configures.
    assertThat(template.group(1).replace("${year}", "2024").replace("${month}", "03"))
        .isEqualTo(layout.location(layout.partitionPrefix(march)));
  }

  @Test
  void namesEveryMissingVariableOnOneLine() {
    Map<String, String> env = new HashMap<>(ENV);
    env.remove("SRC_BUCKET");
    env.remove("SRC_PREFIX");

    int code = run(env, "render", "--ddl", "source");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip())
        .contains("SRC_BUCKET (for {{source_bucket}})")
        .contains("SRC_PREFIX (for {{source_prefix}})")
        .doesNotContain("\n");
  }

  @Test
  void checksEachValueByTheRuleOfItsKind() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("SRC_BUCKET", "Bad_Bucket");

    int code = run(env, "render", "--ddl", "source");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("SRC_BUCKET=\"Bad_Bucket\" is not an S3 bucket name");
  }

  @Test
  void rendersThePolicyFromTheExampleConfigAsJsonWithNoPlaceholderLeft() throws Exception {
    int code = run(Map.of(), "render", "--policy", "--config", "examples/cloudtrail.env");

    assertThat(code).as(err.toString()).isZero();
    com.fasterxml.jackson.databind.JsonNode policy =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertThat(policy.get("Statement")).isNotEmpty();
    assertThat(out.toString())
        .doesNotContain("{{")
        .contains("arn:aws:athena:us-east-1:123456789012:workgroup/primary")
        .contains("arn:aws:sqs:us-east-1:123456789012:athena-partition-builder-trigger");
  }

  @Test
  void takesExactlyOneThingToRender() {
    assertThat(run(ENV, "render", "--ddl", "source", "--month", "2024-03")).isEqualTo(2);
    assertThat(run(ENV, "render")).isEqualTo(2);
  }
}
