package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.Placeholders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The files under ddl/ and policy/ that users paste into the Athena console or IAM, rendered with
 * their own values: every {@code {{name}}} comes from one environment variable, checked by the same
 * rules as the Lambda's configuration, so nobody edits MY_BUCKET by hand.
 */
enum DeploymentFile {
  SOURCE_DDL("ddl/cloudtrail_daily.sql"),
  DESTINATION_DDL("ddl/cloudtrail_monthly.sql"),
  POLICY("policy/policy.json");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern QUEUE =
      Pattern.compile("[A-Za-z0-9_-]{1,75}(\\.fifo)?|[A-Za-z0-9_-]{1,80}");

  /** A placeholder, the variable that fills it, and the rule its value must follow. */
  private record Value(String variable, BiConsumer<String, String> check) {}

  private static final Map<String, Value> VALUES =
      Map.ofEntries(
          Map.entry("database", new Value(Config.GLUE_DATABASE, Config::requireGlueName)),
          Map.entry("source_table", new Value(Config.SRC_TABLE_NAME, Config::requireGlueName)),
          Map.entry("destination_table", new Value(Config.DST_TABLE_NAME, Config::requireGlueName)),
          Map.entry("destination_bucket", new Value(Config.DST_BUCKET, Config::requireBucket)),
          Map.entry(
              "destination_prefix", new Value(Config.DST_PREFIX, Config::requireDestinationPrefix)),
          Map.entry("workgroup", new Value(Config.ATHENA_WORKGROUP, Config::requireWorkgroup)),
          Map.entry("source_bucket", new Value("SRC_BUCKET", Config::requireBucket)),
          Map.entry("source_prefix", new Value("SRC_PREFIX", Config::requirePrefix)),
          Map.entry("results_bucket", new Value("ATHENA_RESULTS_BUCKET", Config::requireBucket)),
          Map.entry("results_prefix", new Value("ATHENA_RESULTS_PREFIX", Config::requirePrefix)),
          Map.entry(
              "region",
              new Value(
                  "AWS_REGION",
                  (v, x) -> pattern(v, x, REGION.pattern(), "an AWS Region such as us-east-1"))),
          Map.entry(
              "account_id",
              new Value(
                  "AWS_ACCOUNT_ID",
                  (v, x) -> pattern(v, x, ACCOUNT.pattern(), "a 12-digit AWS account ID"))),
          Map.entry(
              "queue_name",
              new Value(
                  "TRIGGER_QUEUE_NAME",
                  (v, x) ->
                      pattern(
                          v,
                          x,
                          QUEUE.pattern(),
                          "an SQS queue name (letters, digits, '-' and '_', optionally ending in .fifo)"))));

  private final String resource;

  DeploymentFile(String resource) {
    this.resource = resource;
  }

  String resource() {
    return resource;
  }

  /** The environment variable each placeholder of this file needs. */
  Map<String, String> variables() {
    Map<String, String> variables = new HashMap<>();
    for (String name : Placeholders.names(text())) {
      variables.put(name, value(name).variable());
    }
    return variables;
  }

  String render(Map<String, String> env) {
    String text = text();
    Map<String, String> values = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : Placeholders.names(text)) {
      Value value = value(name);
      String given = env.get(value.variable());
      if (given == null || given.isBlank()) {
        missing.add(value.variable() + " (for {{" + name + "}})");
        continue;
      }
      value.check().accept(value.variable(), given.strip());
      values.put(name, given.strip());
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          resource
              + " needs "
              + String.join(", ", missing)
              + ": set them in the environment or in a --config file");
    }
    return Placeholders.render(text, values);
  }

  /**
   * Checks every variable a deployment file reads that is set, by the rule it is rendered with,
   * whatever file (if any) the command renders: one rule per variable for every command.
   */
  static void checkSet(Map<String, String> env) {
    // In a stable order, so the first value at fault is the same every time.
    for (String name : new java.util.TreeSet<>(VALUES.keySet())) {
      Value value = VALUES.get(name);
      String given = env.get(value.variable());
      if (given != null && !given.isBlank()) {
        value.check().accept(value.variable(), given.strip());
      }
    }
  }

  private Value value(String name) {
    Value value = VALUES.get(name);
    if (value == null) {
      throw new IllegalStateException(resource + " uses {{" + name + "}}, which no variable fills");
    }
    return value;
  }

  private String text() {
    try (InputStream in = DeploymentFile.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pattern(String variable, String value, String regex, String what) {
    if (!value.matches(regex)) {
      throw new ConfigException(variable + "=\"" + value + "\" is not " + what);
    }
  }
}
