package dev.partitionbuilder.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether a file is a complete Parquet file, judged twice, independently: by its bytes (the magic
 * {@code PAR1} at both ends and a footer length that fits between them, as the format lays them
 * out: https://parquet.apache.org/docs/file-format/) and by DuckDB reading every row and column.
 * A file cut short by a killed copy fails the first; one whose footer survived but whose pages did
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

  private final Connection duckdb;

  private ParquetCheck(Connection duckdb) {
    this.duckdb = duckdb;
  }

  /** A check with an in-memory DuckDB of its own. */
  public static ParquetCheck open() throws SQLException {
    return new ParquetCheck(DriverManager.getConnection("jdbc:duckdb:"));
  }

  public Verdict check(Path file) {
    requireNonNull(file, "file is null");
    String bytes = byteProblem(file);
    if (bytes != null) {
      return new Verdict(-1, bytes);
    }
    // hash() over the whole row makes DuckDB decode every column of every row group, not only the
    // footer's row counts.
    String sql = "SELECT count(*), sum(hash(t) % 1000) FROM read_parquet('" + file.toString().replace("'", "''") + "') t";
    try (Statement statement = duckdb.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return new Verdict(rs.getLong(1), null);
    } catch (SQLException e) {
      return new Verdict(-1, "DuckDB cannot read it: " + e.getMessage().lines().findFirst().orElse(""));
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
      long footer = Integer.toUnsignedLong(ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
      if (footer + 12 > size) {
        return "its footer length " + footer + " does not fit in " + size + " bytes";
      }
      return null;
    } catch (IOException e) {
      return "cannot read it: " + e;
    }
  }

  @Override
  public void close() throws SQLException {
    duckdb.close();
  }
}
