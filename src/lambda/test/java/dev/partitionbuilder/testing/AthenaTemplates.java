package dev.partitionbuilder.testing;

import java.util.Map;

/**
 * The CTAS templates the tests use besides the bundled one, each written as Athena SQL.
 * CtasTrinoSyntaxTest parses every one with Trino's parser, so a template added here is checked
 * too. (LocalBackendTest's template is DuckDB SQL on purpose and lives there.)
 */
public final class AthenaTemplates {
  /** The least a template must say: create {{temp_table}} at {{location}}. */
  public static final String MINIMAL =
      "CREATE TABLE \"{{database}}\".\"{{temp_table}}\"\n"
          + "WITH (external_location = '{{location}}') AS\n"
          + "SELECT * FROM \"{{database}}\".\"{{source_table}}\"";

  /** One constant column: what `render` prints is easy to compare. */
  public static final String SELECT_ONE =
      "CREATE TABLE \"{{database}}\".\"{{temp_table}}\" WITH (external_location = "
          + "'{{location}}') AS SELECT 1 AS x";

  /** Runs on Athena, but the local engine has no lambda expressions. */
  public static final String LAMBDA =
      "CREATE TABLE \"{{database}}\".\"{{temp_table}}\" WITH (external_location = "
          + "'{{location}}', format = 'PARQUET') AS SELECT transform(ARRAY[1], x -> x + 1) AS y FROM "
          + "\"{{database}}\".\"{{source_table}}\"";

  /** Every template above, by name. */
  public static final Map<String, String> ALL =
      Map.of("MINIMAL", MINIMAL, "SELECT_ONE", SELECT_ONE, "LAMBDA", LAMBDA);

  private AthenaTemplates() {}
}
