package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * What Athena's {@code com.amazon.emr.cloudtrail.CloudTrailInputFormat} does, for the local engine,
 * which has no such input format: CloudTrail delivers gzip files that each hold one JSON object,
 * {@code {"Records":[{...},{...}]}}, and the table's rows are the records. Each file under the
 * source root is unwrapped into a file of the same relative path under a shadow root, one line per
 * record, keys in the order written, so the table (its SerDe, projection and
 * storage.location.template) is defined over the shadow as it is over the bucket.
 *
 * <p>With the Hive JSON SerDe, which Athena's CloudTrail example names, Athena returns a STRING
 * column whose value is a JSON object or array (requestParameters, responseElements,
 * additionalEventData, serviceEventDetails...) as that JSON's text; Trino 483's Hive JSON reader
 * fails the query on it ("varchar value must be a scalar json value"). Such a value is therefore
 * written as a JSON string holding its text as written, without the white space between its tokens.
 * OpenX's reader already gives the text, so its lines are the records as written. Everything else
 * is copied as written too (escapes, numbers such as {@code 1.50}), only the white space between
 * tokens left out, so a record is one line.
 *
 * <p>A file that is not gzip (when named {@code .gz}), not UTF-8, not one JSON object or without a
 * {@code Records} array of objects stops the table's definition with one line naming it.
 */
final class CloudTrailRecords {
  static final String INPUT_FORMAT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat";

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

  /** Files unwrapped and records written. */
  record Summary(long files, long records) {}

  private CloudTrailRecords() {}

  /**
   * Replaces {@code shadowRoot} with the unwrapped files of {@code sourceRoot}. Files and
   * directories whose name starts with {@code .} or {@code _} are left out, as Trino leaves them
   * out of a table.
   *
   * @param columns the table's columns, whose STRING positions get JSON text when {@code
   *     textForStrings}
   */
  static Summary unwrap(
      Path sourceRoot, Path shadowRoot, List<HiveDdl.Column> columns, boolean textForStrings) {
    requireNonNull(sourceRoot, "sourceRoot is null");
    requireNonNull(shadowRoot, "shadowRoot is null");
    Shape row = textForStrings ? Shape.row(columns) : Shape.ANY;
    List<Path> files;
    try {
      deleteTree(shadowRoot);
      Files.createDirectories(shadowRoot);
      if (!Files.isDirectory(sourceRoot)) {
        return new Summary(0, 0);
      }
      try (Stream<Path> paths = Files.walk(sourceRoot)) {
        files =
            paths
                .filter(Files::isRegularFile)
                .filter(p -> !hidden(sourceRoot.relativize(p)))
                .sorted()
                .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot unwrap the CloudTrail files of "
              + sourceRoot
              + " into "
              + shadowRoot
              + ": "
              + e.getMessage(),
          e);
    }
    AtomicLong records = new AtomicLong();
    files.parallelStream()
        .forEach(
            file ->
                records.addAndGet(
                    unwrapFile(
                        file, shadowRoot.resolve(sourceRoot.relativize(file).toString()), row)));
    return new Summary(files.size(), records.get());
  }

  /**
   * @return the records written
   */
  static long unwrapFile(Path file, Path target, Shape row) {
    String text = read(file);
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(target);
          Writer writer =
              new BufferedWriter(
                  new OutputStreamWriter(
                      file.getFileName().toString().endsWith(".gz") ? new FastGzip(out) : out,
                      StandardCharsets.UTF_8),
                  1 << 16)) {
        return copyRecords(text, writer, row);
      }
    } catch (Malformed e) {
      throw new IllegalArgumentException("CloudTrail file " + file + " " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "CloudTrail file "
              + file
              + " is not JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot unwrap the CloudTrail file " + file + " into " + target + ": " + e.getMessage(),
          e);
    }
  }

  /** The file's text: gunzipped when named {@code .gz}, strictly UTF-8. */
  private static String read(Path file) {
    byte[] bytes;
    try (InputStream in =
        file.getFileName().toString().endsWith(".gz")
            ? new GZIPInputStream(Files.newInputStream(file), 1 << 16)
            : Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    } catch (ZipException e) {
      throw new IllegalArgumentException(
          "CloudTrail file " + file + " is not gzip: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new IllegalArgumentException(
          "CloudTrail file " + file + " is a gzip file cut short", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the CloudTrail file " + file + ": " + e.getMessage(), e);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("CloudTrail file " + file + " is not UTF-8 text", e);
    }
  }

  private static long copyRecords(String text, Writer writer, Shape row) throws IOException {
    long records = 0;
    StringBuilder line = new StringBuilder(4096);
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("is not one JSON object {\"Records\":[...]}");
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!name.equals("Records")) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new Malformed("has \"Records\" that is not an array");
        }
        found = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new Malformed(
                "has a record that is not a JSON object (record " + (records + 1) + ")");
          }
          line.setLength(0);
          copy(p, text, row, line);
          writer.append(line).append('\n');
          records++;
        }
      }
      if (!found) {
        throw new Malformed("has no \"Records\" array");
      }
      if (p.nextToken() != null) {
        throw new Malformed("has more after its JSON object");
      }
    }
    return records;
  }

  /**
   * Copies the value at the parser's token as written, without white space between tokens; an
   * object or array at a STRING position becomes a JSON string holding that text.
   */
  private static void copy(JsonParser p, String text, Shape shape, StringBuilder out)
      throws IOException {
    JsonToken token = p.currentToken();
    int start = (int) p.currentTokenLocation().getCharOffset();
    if (!token.isStructStart()) {
      // Strings are parsed lazily: finish this one so that the location is past its closing quote.
      p.finishToken();
      out.append(text, start, (int) p.currentLocation().getCharOffset());
      return;
    }
    if (shape.kind() == Shape.Kind.ANY || shape.kind() == Shape.Kind.TEXT) {
      p.skipChildren();
      String json = compact(text, start, (int) p.currentLocation().getCharOffset());
      if (shape.kind() == Shape.Kind.TEXT) {
        out.append('"').append(QUOTE.quoteAsString(json)).append('"');
      } else {
        out.append(json);
      }
      return;
    }
    boolean object = token == JsonToken.START_OBJECT;
    out.append(object ? '{' : '[');
    boolean first = true;
    for (JsonToken next = p.nextToken();
        next != JsonToken.END_OBJECT && next != JsonToken.END_ARRAY;
        next = p.nextToken()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      if (object) {
        String name = p.currentName();
        int nameStart = (int) p.currentTokenLocation().getCharOffset();
        p.nextToken();
        // "name" : -> "name":
        out.append(compact(text, nameStart, (int) p.currentTokenLocation().getCharOffset()));
        copy(p, text, shape.field(name), out);
      } else {
        copy(p, text, shape.element(), out);
      }
    }
    out.append(object ? '}' : ']');
  }

  /** {@code text} from {@code start} to {@code end}, white space between JSON tokens left out. */
  private static String compact(String text, int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    boolean inString = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(text.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean hidden(Path relative) {
    for (Path segment : relative) {
      String name = segment.toString();
      if (name.startsWith(".") || name.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /**
   * Where a column's values go, from its Hive type: a STRING takes an object's text, a struct's
   * fields are found case-insensitively (as Trino's and Athena's JSON readers find them), and
   * anything the table does not declare is copied as written.
   */
  record Shape(Kind kind, Map<String, Shape> fields, Shape inner) {
    enum Kind {
      TEXT,
      STRUCT,
      LIST,
      MAP,
      ANY
    }

    static final Shape TEXT = new Shape(Kind.TEXT, Map.of(), null);
    static final Shape ANY = new Shape(Kind.ANY, Map.of(), null);

    static Shape row(List<HiveDdl.Column> columns) {
      Map<String, Shape> fields = new LinkedHashMap<>();
      for (HiveDdl.Column column : columns) {
        fields.put(column.name().toLowerCase(Locale.ROOT), of(column.hiveType()));
      }
      return new Shape(Kind.STRUCT, fields, null);
    }

    /** A Hive type as Glue stores it ({@code struct<a:string,b:array<int>>}). */
    static Shape of(String hiveType) {
      return parse(hiveType.toLowerCase(Locale.ROOT), new int[] {0});
    }

    private static Shape parse(String type, int[] at) {
      int start = at[0];
      while (at[0] < type.length()
          && (Character.isLetterOrDigit(type.charAt(at[0])) || type.charAt(at[0]) == '_')) {
        at[0]++;
      }
      String word = type.substring(start, at[0]);
      switch (word) {
        case "struct" -> {
          at[0]++; // <
          Map<String, Shape> fields = new LinkedHashMap<>();
          while (type.charAt(at[0]) != '>') {
            int colon = type.indexOf(':', at[0]);
            String name = type.substring(at[0], colon);
            at[0] = colon + 1;
            fields.put(name, parse(type, at));
            if (type.charAt(at[0]) == ',') {
              at[0]++;
            }
          }
          at[0]++;
          return new Shape(Kind.STRUCT, fields, null);
        }
        case "array" -> {
          at[0]++;
          Shape element = parse(type, at);
          at[0]++;
          return new Shape(Kind.LIST, Map.of(), element);
        }
        case "map" -> {
          at[0]++;
          parse(type, at); // the key: JSON object keys are text
          at[0]++; // ,
          Shape value = parse(type, at);
          at[0]++;
          return new Shape(Kind.MAP, Map.of(), value);
        }
        default -> {
          // decimal(10,2), varchar(10): skip the parameters. A STRING (not VARCHAR(n), which Trino
          // would cut) takes an object's text.
          if (at[0] < type.length() && type.charAt(at[0]) == '(') {
            at[0] = type.indexOf(')', at[0]) + 1;
          }
          return word.equals("string") ? TEXT : ANY;
        }
      }
    }

    Shape field(String name) {
      return switch (kind) {
        case STRUCT -> fields.getOrDefault(name.toLowerCase(Locale.ROOT), ANY);
        case MAP -> inner;
        default -> ANY;
      };
    }

    Shape element() {
      return kind == Kind.LIST ? inner : ANY;
    }
  }

  /** A file that is not what CloudTrail delivers; the message follows the file's name. */
  private static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }

  /** gzip at its fastest level: the shadow lives only as long as the engine. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
