package dev.partitionbuilder.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * A second opinion on what Trino wrote: the footer read with Apache parquet-format's Thrift
 * classes, not Trino's reader.
 */
public final class ParquetFooter {
  private ParquetFooter() {}

  public static String describe(Path file) throws IOException {
    FileMetaData meta = read(file);
    List<String> columns = new ArrayList<>();
    for (SchemaElement e : meta.getSchema()) {
      if (e.isSetType()) {
        columns.add(
            e.getName()
                + ":"
                + e.getType()
                + (e.isSetLogicalType() ? "/" + e.getLogicalType() : "")
                + (e.isSetConverted_type() ? "/" + e.getConverted_type() : ""));
      }
    }
    String codec = "?";
    for (RowGroup group : meta.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        codec = String.valueOf(chunk.getMeta_data().getCodec());
      }
    }
    return "rows="
        + meta.getNum_rows()
        + " codec="
        + codec
        + " createdBy="
        + meta.getCreated_by()
        + "\n    "
        + String.join("\n    ", columns);
  }

  public static FileMetaData read(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      byte[] tail = new byte[8];
      f.seek(length - 8);
      f.readFully(tail);
      if (!new String(tail, 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("PAR1")) {
        throw new IOException("not a Parquet file: " + file);
      }
      int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      byte[] footer = new byte[footerLength];
      f.seek(length - 8 - footerLength);
      f.readFully(footer);
      return Util.readFileMetaData(new ByteArrayInputStream(footer));
    }
  }
}
