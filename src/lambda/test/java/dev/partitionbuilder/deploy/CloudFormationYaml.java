package dev.partitionbuilder.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation/SAM YAML template into plain maps and lists, turning each short-form tag
 * into the long form CloudFormation documents: {@code !Ref X} becomes {@code {Ref: X}}, {@code !Sub
 * s} becomes {@code {Fn::Sub: s}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
final class CloudFormationYaml {
  /** The {@code Fn::} functions, template and rule ones, that have a {@code !Name} short form. */
  private static final List<String> FUNCTIONS =
      List.of(
          "And",
          "Base64",
          "Cidr",
          "Contains",
          "EachMemberEquals",
          "EachMemberIn",
          "Equals",
          "FindInMap",
          "GetAZs",
          "If",
          "ImportValue",
          "Join",
          "Length",
          "Not",
          "Or",
          "RefAll",
          "Select",
          "Split",
          "Sub",
          "ToJsonString",
          "Transform",
          "ValueOf",
          "ValueOfAll");

  private CloudFormationYaml() {}

  static Map<String, Object> load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  static Map<String, Object> parse(String text) {
    return new Yaml(new TagConstructor()).load(text);
  }

  private static final class TagConstructor extends SafeConstructor {
    TagConstructor() {
      super(new LoaderOptions());
      register("!Ref", "Ref");
      register("!Condition", "Condition");
      for (String function : FUNCTIONS) {
        register("!" + function, "Fn::" + function);
      }
      yamlConstructors.put(
          new Tag("!GetAtt"),
          new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
              if (node instanceof ScalarNode scalar) {
                String value = constructScalar(scalar);
                int dot = value.indexOf('.');
                return Map.of(
                    "Fn::GetAtt", List.of(value.substring(0, dot), value.substring(dot + 1)));
              }
              return Map.of("Fn::GetAtt", constructSequence((SequenceNode) node));
            }
          });
    }

    private void register(String tag, String key) {
      yamlConstructors.put(
          new Tag(tag),
          new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
              Object value;
              if (node instanceof ScalarNode scalar) {
                value = constructScalar(scalar);
              } else if (node instanceof SequenceNode sequence) {
                value = constructSequence(sequence);
              } else {
                value = constructMapping((MappingNode) node);
              }
              return Map.of(key, value);
            }
          });
    }
  }
}
