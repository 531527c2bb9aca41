package dev.partitionbuilder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** template.yml, read once, with the few look-ups the tests share. */
final class SamTemplate {
  static final Path FILE = Path.of("template.yml");
  static final String FUNCTION = "PartitionBuilderFunction";

  private static SamTemplate loaded;

  private final Map<String, Object> root;

  private SamTemplate(Map<String, Object> root) {
    this.root = root;
  }

  static synchronized SamTemplate load() {
    if (loaded == null) {
      loaded = new SamTemplate(CloudFormationYaml.load(FILE));
    }
    return loaded;
  }

  Map<String, Object> root() {
    return root;
  }

  Map<String, Object> parameters() {
    return map(root.get("Parameters"), "Parameters");
  }

  Map<String, Object> parameter(String name) {
    return map(parameters().get(name), "Parameters." + name);
  }

  Map<String, Object> conditions() {
    return root.containsKey("Conditions") ? map(root.get("Conditions"), "Conditions") : Map.of();
  }

  Map<String, Object> outputs() {
    return map(root.get("Outputs"), "Outputs");
  }

  Map<String, Object> resources() {
    return map(root.get("Resources"), "Resources");
  }

  String type(String logicalId) {
    return (String) map(resources().get(logicalId), logicalId).get("Type");
  }

  Map<String, Object> properties(String logicalId) {
    return map(
        map(resources().get(logicalId), logicalId).get("Properties"), logicalId + ".Properties");
  }

  List<String> resourcesOfType(String type) {
    return resources().keySet().stream().filter(id -> type.equals(type(id))).toList();
  }

  /**
   * The statements of every inline policy of an AWS::IAM::Role, as written (intrinsics unresolved).
   */
  List<Object> roleStatements(String roleLogicalId) {
    assertThat(type(roleLogicalId)).isEqualTo("AWS::IAM::Role");
    return list(properties(roleLogicalId).get("Policies"), roleLogicalId + ".Policies").stream()
        .flatMap(
            policy ->
                list(
                    map(map(policy, "policy").get("PolicyDocument"), "PolicyDocument")
                        .get("Statement"),
                    "Statement")
                    .stream())
        .toList();
  }

  /** Parameter name to its default, as a string; parameters without a default are left out. */
  Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    parameters()
        .forEach(
            (name, definition) -> {
              Object value = map(definition, name).get("Default");
              if (value != null) {
                defaults.put(name, String.valueOf(value));
              }
            });
    return defaults;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    assertThat(value).as(what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    assertThat(value).as(what).isInstanceOf(List.class);
    return (List<Object>) value;
  }

  /** A list property that may be written as a single value, as IAM's Action and Resource may. */
  static List<Object> oneOrMany(Object value) {
    return value instanceof List<?> values ? List.copyOf(values) : List.of(value);
  }
}
