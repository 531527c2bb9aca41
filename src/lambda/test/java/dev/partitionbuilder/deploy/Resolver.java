package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.list;
import static dev.partitionbuilder.deploy.SamTemplate.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the intrinsic functions of template.yml for one set of parameter values, as
 * CloudFormation would at deploy time, so that a test can look at concrete ARNs and environment
 * values. Only the functions the template uses are known; any other fails the test, so that a new
 * one gets a deliberate look. Resources are not deployed: {@code !Ref Queue} and {@code !GetAtt
 * Queue.Arn} become the markers {@code <Queue>} and {@code <Queue.Arn>}.
 */
final class Resolver {
  /** What {@code !Ref AWS::NoValue} leaves: the list element or map entry disappears. */
  static final Object NO_VALUE =
      new Object() {
        @Override
        public String toString() {
          return "AWS::NoValue";
        }
      };

  static final String REGION = "eu-west-1";
  static final String ACCOUNT_ID = "123456789012";

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private final SamTemplate template;
  private final Map<String, String> parameters;

  /** {@code values} override the template's defaults; a parameter with neither fails on use. */
  Resolver(SamTemplate template, Map<String, String> values) {
    this.template = template;
    this.parameters = new LinkedHashMap<>(template.defaults());
    values.forEach(
        (name, value) -> {
          if (!template.parameters().containsKey(name)) {
            throw new AssertionError("No parameter " + name + " in " + SamTemplate.FILE);
          }
          parameters.put(name, value);
        });
  }

  /** Resolved with the example values of samconfig.toml. */
  static Resolver withExampleValues(Map<String, String> extra) {
    Map<String, String> values = new LinkedHashMap<>(SamConfig.load().parameterOverrides());
    values.putAll(extra);
    return new Resolver(SamTemplate.load(), values);
  }

  String parameter(String name) {
    String value = parameters.get(name);
    if (value == null) {
      throw new AssertionError("Parameter " + name + " has no value and no default");
    }
    return value;
  }

  Object resolve(Object node) {
    if (node instanceof List<?> values) {
      List<Object> resolved = new ArrayList<>();
      for (Object value : values) {
        Object r = resolve(value);
        if (r != NO_VALUE) {
          resolved.add(r);
        }
      }
      return resolved;
    }
    if (!(node instanceof Map<?, ?> entries)) {
      return node;
    }
    if (entries.size() == 1) {
      String key = (String) entries.keySet().iterator().next();
      if (key.equals("Ref") || key.startsWith("Fn::")) {
        return function(key, entries.get(key));
      }
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    entries.forEach(
        (key, value) -> {
          Object r = resolve(value);
          if (r != NO_VALUE) {
            resolved.put((String) key, r);
          }
        });
    return resolved;
  }

  boolean condition(String name) {
    Object definition = template.conditions().get(name);
    if (definition == null) {
      throw new AssertionError("No condition " + name + " in " + SamTemplate.FILE);
    }
    return (Boolean) resolve(definition);
  }

  private Object function(String name, Object argument) {
    switch (name) {
      case "Ref":
        return ref((String) argument);
      case "Fn::GetAtt":
        {
          List<Object> parts = list(argument, "Fn::GetAtt");
          return "<" + parts.get(0) + "." + parts.get(1) + ">";
        }
      case "Fn::Sub":
        return sub(argument);
      case "Fn::If":
        {
          List<Object> args = list(argument, "Fn::If");
          return condition((String) args.get(0)) ? resolve(args.get(1)) : resolve(args.get(2));
        }
      case "Fn::Equals":
        {
          List<Object> args = list(argument, "Fn::Equals");
          return String.valueOf(resolve(args.get(0))).equals(String.valueOf(resolve(args.get(1))));
        }
      case "Fn::Not":
        return !(Boolean) resolve(list(argument, "Fn::Not").get(0));
      case "Fn::Select":
        {
          List<Object> args = list(argument, "Fn::Select");
          return list(resolve(args.get(1)), "Fn::Select list")
              .get(Integer.parseInt(String.valueOf(args.get(0))));
        }
      case "Fn::Split":
        {
          List<Object> args = list(argument, "Fn::Split");
          return List.of(
              ((String) resolve(args.get(1))).split(Pattern.quote((String) args.get(0)), -1));
        }
      default:
        throw new AssertionError(
            "The test resolver does not know " + name + "; teach it before using it");
    }
  }

  private Object ref(String name) {
    switch (name) {
      case "AWS::NoValue":
        return NO_VALUE;
      case "AWS::Region":
        return REGION;
      case "AWS::AccountId":
        return ACCOUNT_ID;
      case "AWS::Partition":
        return "aws";
      default:
        if (template.parameters().containsKey(name)) {
          return parameter(name);
        }
        if (template.resources().containsKey(name.split("\\.", 2)[0])) {
          return "<" + name + ">";
        }
        throw new AssertionError("!Ref " + name + " names no parameter or resource");
    }
  }

  private String sub(Object argument) {
    String text;
    Map<String, Object> local;
    if (argument instanceof String s) {
      text = s;
      local = Map.of();
    } else {
      List<Object> args = list(argument, "Fn::Sub");
      text = (String) args.get(0);
      local = map(args.get(1), "Fn::Sub variables");
    }
    Matcher m = SUB_VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1);
      Object value;
      if (local.containsKey(variable)) {
        value = resolve(local.get(variable));
      } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
        value = "<" + variable + ">";
      } else {
        value = ref(variable);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
