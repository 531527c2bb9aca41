package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import io.trino.spi.type.Type;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a statement returned: its column names and types, and its values, each rendered only when it
 * is printed, as text ({@link TrinoValues#render}) or as a JSON value ({@link TrinoValues#json}).
 */
public final class QueryRows {
  private final List<String> columns;
  private final List<Type> types;
  private final List<List<Object>> rows;

  /**
   * @param rows each row's values in column order; SQL NULL is {@code null}
   */
  public QueryRows(List<String> columns, List<Type> types, List<List<Object>> rows) {
    this.columns = List.copyOf(columns);
    this.types = List.copyOf(types);
    if (this.columns.size() != this.types.size()) {
      throw new IllegalArgumentException(
          columns.size() + " columns but " + types.size() + " types");
    }
    List<List<Object>> copies = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      requireNonNull(row, "row is null");
      if (row.size() != this.columns.size()) {
        throw new IllegalArgumentException(
            "a row of " + row.size() + " values for " + columns.size() + " columns");
      }
      // List.copyOf refuses nulls, and SQL NULLs are values here.
      copies.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    this.rows = Collections.unmodifiableList(copies);
  }

  public static QueryRows of(MaterializedResult result) {
    return new QueryRows(
        result.getColumnNames(),
        result.getTypes(),
        result.getMaterializedRows().stream().map(MaterializedRow::getFields).toList());
  }

  public List<String> columns() {
    return columns;
  }

  /** The type of column {@code column} as Trino names it, such as {@code timestamp(3)}. */
  public String typeName(int column) {
    return types.get(column).getDisplayName();
  }

  public int size() {
    return rows.size();
  }

  public boolean isNull(int row, int column) {
    return rows.get(row).get(column) == null;
  }

  /** As the Trino CLI prints it, {@code NULL} for SQL NULL. */
  public String text(int row, int column) {
    return TrinoValues.render(types.get(column), rows.get(row).get(column));
  }

  public Object json(int row, int column) {
    return TrinoValues.json(types.get(column), rows.get(row).get(column));
  }
}
