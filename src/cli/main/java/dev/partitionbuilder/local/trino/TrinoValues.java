package dev.partitionbuilder.local.trino;

import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.SqlVarbinary;
import io.trino.spi.type.Type;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Values of a Trino result as text, the way the Trino CLI and the Trino docs print them (so a
 * documented result can be compared as a string, and {@code query} shows what Athena's console
 * shows), and as JSON values. Every rule of the text is here, and each one only changes notation:
 *
 * <ul>
 *   <li>SQL NULL, at any depth, is {@code NULL}; varchar is printed without quotes.
 *   <li>Arrays are {@code [a, b]}; rows with named fields {@code {f=v, g=w}}, anonymous rows {@code
 *       (a, b)}.
 *   <li>Maps are {@code {k=v, ...}} with entries sorted by the printed key, because a Trino map has
 *       no order and the docs print the keys in order.
 *   <li>varbinary is lower-case hex bytes separated by spaces, as the Trino CLI prints it.
 *   <li>Everything else (numbers, decimals with their scale, dates, times, timestamps with their
 *       precision and zone, intervals, JSON text) is Trino's own {@code toString}, unchanged.
 * </ul>
 *
 * Nothing is rounded, trimmed or case-folded: a difference in precision, scale or zone stays a
 * difference.
 */
public final class TrinoValues {

  private TrinoValues() {}

  /** The value as text; SQL NULL is {@code NULL}. */
  public static String render(Type type, Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof SqlVarbinary binary) {
      return HexFormat.ofDelimiter(" ").formatHex(binary.getBytes());
    }
    if (value instanceof byte[] bytes) {
      return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
    if (type instanceof ArrayType array && value instanceof List<?> list) {
      return list.stream()
          .map(element -> render(array.getElementType(), element))
          .collect(Collectors.joining(", ", "[", "]"));
    }
    if (type instanceof RowType row && value instanceof List<?> fields) {
      return renderRow(row, fields);
    }
    if (type instanceof MapType map && value instanceof Map<?, ?> entries) {
      List<String[]> printed = new ArrayList<>();
      entries.forEach(
          (k, v) ->
              printed.add(
                  new String[] {render(map.getKeyType(), k), render(map.getValueType(), v)}));
      printed.sort((a, b) -> a[0].compareTo(b[0]));
      return printed.stream()
          .map(e -> e[0] + "=" + e[1])
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return value.toString();
  }

  private static String renderRow(RowType row, List<?> values) {
    List<RowType.Field> fields = row.getFields();
    boolean named = fields.stream().allMatch(f -> f.getName().isPresent());
    List<String> printed = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      String value = render(fields.get(i).getType(), values.get(i));
      printed.add(named ? fields.get(i).getName().orElseThrow() + "=" + value : value);
    }
    return String.join(", ", printed).transform(s -> named ? "{" + s + "}" : "(" + s + ")");
  }

  /**
   * The value as a JSON value for Jackson: booleans and integers as JSON booleans and numbers, a
   * finite real or double as a number, arrays as arrays, maps as objects keyed by the key's text,
   * rows with named fields as objects (anonymous rows as arrays), and everything else (decimal, so
   * that no digit is lost; dates, times, timestamps, intervals, varbinary, NaN and infinities) as
   * its text. SQL NULL is JSON null.
   */
  public static Object json(Type type, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean
        || value instanceof Byte
        || value instanceof Short
        || value instanceof Integer
        || value instanceof Long) {
      return value;
    }
    if ((value instanceof Double d && Double.isFinite(d))
        || (value instanceof Float f && Float.isFinite(f))) {
      return value;
    }
    if (value instanceof String) {
      return value;
    }
    if (type instanceof ArrayType array && value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>(list.size());
      for (Object element : list) {
        elements.add(json(array.getElementType(), element));
      }
      return elements;
    }
    if (type instanceof RowType row && value instanceof List<?> values) {
      List<RowType.Field> fields = row.getFields();
      if (fields.stream().allMatch(f -> f.getName().isPresent())) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
          object.put(
              fields.get(i).getName().orElseThrow(), json(fields.get(i).getType(), values.get(i)));
        }
        return object;
      }
      List<Object> elements = new ArrayList<>(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        elements.add(json(fields.get(i).getType(), values.get(i)));
      }
      return elements;
    }
    if (type instanceof MapType map && value instanceof Map<?, ?> entries) {
      Map<String, Object> object = new TreeMap<>();
      entries.forEach(
          (k, v) -> object.put(render(map.getKeyType(), k), json(map.getValueType(), v)));
      return object;
    }
    return render(type, value);
  }
}
