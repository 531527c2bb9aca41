package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.SamTemplate.list;
import static dev.partitionbuilder.deploy.SamTemplate.map;
import static dev.partitionbuilder.deploy.SamTemplate.oneOrMany;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One resolved IAM policy statement: every value is a plain string by now. */
record Statement(
    String sid, String effect, Set<String> actions, Set<String> resources, Object condition) {

  static List<Statement> all(Object statements) {
    return list(statements, "Statement").stream().map(Statement::of).toList();
  }

  static Statement of(Object node) {
    Map<String, Object> s = map(node, "statement");
    return new Statement(
        (String) s.get("Sid"),
        (String) s.get("Effect"),
        strings(s.get("Action")),
        strings(s.get("Resource")),
        s.get("Condition"));
  }

  private static Set<String> strings(Object value) {
    Set<String> set = new TreeSet<>();
    if (value != null) {
      for (Object v : oneOrMany(value)) {
        set.add((String) v);
      }
    }
    return set;
  }
}
