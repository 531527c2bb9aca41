package dev.partitionbuilder.local.trino;

import io.trino.spi.type.Type;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import java.util.ArrayList;
import java.util.List;

/**
 * What a statement returned: its column names and types (as Trino names them, such as
 * {@code timestamp(3)}), and each value as text (as the Trino CLI prints it, {@code NULL} for
 * SQL NULL) and as a JSON value ({@link TrinoValues#json}).
 */
public record QueryRows(List<String> columns, List<String> types, List<List<String>> text, List<List<Object>> json) {

  public QueryRows {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    text = List.copyOf(text);
    json = List.copyOf(json);
  }

  public static QueryRows of(MaterializedResult result) {
    List<Type> types = result.getTypes();
    List<List<String>> text = new ArrayList<>();
    List<List<Object>> json = new ArrayList<>();
    for (MaterializedRow row : result.getMaterializedRows()) {
      List<String> printed = new ArrayList<>(types.size());
      List<Object> values = new ArrayList<>(types.size());
      for (int i = 0; i < types.size(); i++) {
        printed.add(TrinoValues.render(types.get(i), row.getField(i)));
        values.add(TrinoValues.json(types.get(i), row.getField(i)));
      }
      text.add(printed);
      // List.copyOf refuses nulls: keep SQL NULLs in an unmodifiable view instead.
      json.add(java.util.Collections.unmodifiableList(values));
    }
    return new QueryRows(result.getColumnNames(), types.stream().map(Type::getDisplayName).toList(), text, json);
  }
}
