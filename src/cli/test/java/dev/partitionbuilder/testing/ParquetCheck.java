package dev.partitionbuilder.testing;

import static java.util.Objects.requireNonNull;

import io.airlift.compress.v3.snappy.SnappyDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Whether a file is a complete Parquet file, judged twice, independently: by its bytes (the magic
 * {@code PAR1} at both ends and a footer length that fits between them, as the format lays them
 * out: https://parquet.apache.org/docs/file-format/) and by reading every page of every column
 * chunk the footer lists: each page header parses, each page's bytes are there and decompress to
 * the size its header gives, and a column's data pages hold as many values as the footer says. A
 * file cut short by a killed copy fails the first; one whose footer survived but whose pages did
 * not fails the second.
 */
public final class ParquetCheck implements AutoCloseable {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** What one file holds: its row count, or why it is not a complete Parquet file. */
  public record Verdict(long rows, String problem) {
    public boolean complete() {
      return problem == null;
    }
  }

  private ParquetCheck() {}

  public static ParquetCheck open() {
    return new ParquetCheck();
  }

  public Verdict check(Path file) {
    requireNonNull(file, "file is null");
    String bytes = byteProblem(file);
    if (bytes != null) {
      return new Verdict(-1, bytes);
    }
    try {
      return new Verdict(readPages(file), null);
    } catch (IOException | RuntimeException e) {
      return new Verdict(-1, "its pages cannot be read: " + e);
    }
  }

  /** The file's row count, once every page of every column chunk has been read and decompressed. */
  private static long readPages(Path file) throws IOException {
    FileMetaData footer = ParquetFooter.read(file);
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      for (RowGroup group : footer.getRow_groups()) {
        for (ColumnChunk chunk : group.getColumns()) {
          ColumnMetaData column = chunk.getMeta_data();
          long start =
              column.isSetDictionary_page_offset() && column.getDictionary_page_offset() > 0
                  ? Math.min(column.getDictionary_page_offset(), column.getData_page_offset())
                  : column.getData_page_offset();
          byte[] bytes = new byte[Math.toIntExact(column.getTotal_compressed_size())];
          in.seek(start);
          in.readFully(bytes);
          ByteArrayInputStream pages = new ByteArrayInputStream(bytes);
          long values = 0;
          while (pages.available() > 0) {
            PageHeader page = Util.readPageHeader(pages);
            byte[] body = pages.readNBytes(page.getCompressed_page_size());
            if (body.length != page.getCompressed_page_size()) {
              throw new IOException(
                  "a page of " + String.join(".", column.getPath_in_schema()) + " is cut short");
            }
            decompress(column.getCodec(), page, body);
            if (page.isSetData_page_header()) {
              values += page.getData_page_header().getNum_values();
            } else if (page.isSetData_page_header_v2()) {
              values += page.getData_page_header_v2().getNum_values();
            }
          }
          if (values != column.getNum_values()) {
            throw new IOException(
                String.join(".", column.getPath_in_schema())
                    + " has "
                    + values
                    + " values in its pages, its footer says "
                    + column.getNum_values());
          }
        }
      }
    }
    return footer.getNum_rows();
  }

  private static void decompress(CompressionCodec codec, PageHeader page, byte[] body)
      throws IOException {
    // A v2 data page keeps its levels uncompressed in front of the values.
    int skip =
        page.isSetData_page_header_v2()
            ? page.getData_page_header_v2().getRepetition_levels_byte_length()
                + page.getData_page_header_v2().getDefinition_levels_byte_length()
            : 0;
    int expected = page.getUncompressed_page_size() - skip;
    int length;
    switch (codec) {
      case UNCOMPRESSED -> length = body.length - skip;
      case SNAPPY ->
          length =
              SnappyDecompressor.create()
                  .decompress(body, skip, body.length - skip, new byte[expected], 0, expected);
      case GZIP -> {
        try (GZIPInputStream gzip =
            new GZIPInputStream(new ByteArrayInputStream(body, skip, body.length - skip))) {
          length = gzip.readAllBytes().length;
        }
      }
      default -> {
        return; // not written by the builds this checks
      }
    }
    if (length != expected) {
      throw new IOException(
          "a page decompressed to " + length + " bytes, its header says " + expected);
    }
  }

  /** Null when the bytes are laid out as a Parquet file; otherwise what is wrong with them. */
  static String byteProblem(Path file) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long size = in.length();
      if (size < 12) {
        return size + " byte(s), fewer than Parquet's 12-byte minimum";
      }
      byte[] head = new byte[4];
      in.readFully(head);
      byte[] tail = new byte[8];
      in.seek(size - 8);
      in.readFully(tail);
      if (!java.util.Arrays.equals(head, MAGIC)) {
        return "does not start with PAR1";
      }
      if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
        return "does not end with PAR1 (" + size + " bytes: cut short?)";
      }
      long footer =
          Integer.toUnsignedLong(
              ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
      if (footer + 12 > size) {
        return "its footer length " + footer + " does not fit in " + size + " bytes";
      }
      return null;
    } catch (IOException e) {
      return "cannot read it: " + e;
    }
  }

  @Override
  public void close() {}
}
