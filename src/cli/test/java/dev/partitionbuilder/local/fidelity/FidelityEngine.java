package dev.partitionbuilder.local.fidelity;

import java.util.List;

/**
 * What the fidelity benchmark needs from a local engine: run one statement, give back the column
 * types and every row as strings in {@link dev.partitionbuilder.local.trino.TrinoValues}'s
 * notation. Embedded Trino implements it today ({@link EmbeddedTrinoEngine}); the CLI's engine
 * adapter can implement it later.
 */
@FunctionalInterface
interface FidelityEngine {

  /** Runs {@code sql}; any failure is thrown and counted as the engine's error. */
  Result query(String sql) throws Exception;

  /** Column types as the engine names them (lower case, Trino spelling) and the rendered rows. */
  record Result(List<String> types, List<List<String>> rows) {
    public Result {
      types = List.copyOf(types);
      rows = rows.stream().map(List::copyOf).toList();
    }
  }
}
