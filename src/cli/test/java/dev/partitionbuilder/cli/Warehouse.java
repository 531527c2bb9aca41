package dev.partitionbuilder.cli;

import dev.partitionbuilder.local.LocalObjectStore;
import dev.partitionbuilder.testing.ParquetCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a local warehouse holds for one month, read from the directory alone (no project code): the
 * partition's files as a reader of the table sees them, and everything else, which after a finished
 * build must be nothing.
 */
final class Warehouse {
  /**
   * Trino's bucket file names, which the local engine copies: {@code 000000_0_<uuid>_<query id>}.
   */
  private static final Pattern BUCKET_FILE =
      Pattern.compile(
          "\\d+_\\d+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_(.+)");

  /** One file of the partition. */
  record PartitionFile(String name, long size, String sha256) {
    /**
     * The query that wrote it, from its name; the whole name when it is not named as Trino names
     * files.
     */
    String queryId() {
      Matcher m = BUCKET_FILE.matcher(name);
      return m.matches() ? m.group(1) : name;
    }
  }

  /** One month's state: the partition's visible files, and every other entry of the warehouse. */
  record Month(
      Map<String, PartitionFile> partition,
      List<String> hiddenInPartition,
      List<String> elsewhere,
      String tree) {}

  private final Path root;
  private final Path partition;

  Warehouse(Path root, String prefix, String month) {
    this.root = root;
    this.partition = root.resolve(prefix).resolve(month.replace('-', '/'));
  }

  Path root() {
    return root;
  }

  Path partition() {
    return partition;
  }

  /**
   * Reads the month. Partition files whose names start with {@code .} or {@code _} are hidden:
   * Athena skips them, as the local source reader does. Outside the partition, every file and every
   * hidden directory counts (S3 has no directories, so an empty one is nothing; a hidden one is a
   * half-written output).
   */
  Month read() throws IOException {
    Map<String, PartitionFile> files = new TreeMap<>();
    List<String> hidden = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    StringBuilder tree = new StringBuilder();
    if (Files.isDirectory(root)) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path path : walk.sorted().toList()) {
          // The store's own lock file for its conditional writes: kept on purpose, never a key.
          if (path.equals(root) || path.equals(root.resolve(LocalObjectStore.CONDITION_LOCK))) {
            continue;
          }
          String relative = root.relativize(path).toString();
          boolean directory = Files.isDirectory(path);
          tree.append("    ")
              .append(relative)
              .append(directory ? "/" : "  " + Files.size(path) + " bytes")
              .append('\n');
          String name = path.getFileName().toString();
          boolean hiddenName =
              name.startsWith(".") || name.startsWith("_") && path.getParent().equals(partition);
          if (path.getParent().equals(partition) && !directory && !hiddenName) {
            files.put(name, new PartitionFile(name, Files.size(path), sha256(path)));
          } else if (path.getParent().equals(partition) && hiddenName) {
            hidden.add(relative);
          } else if (!directory || name.startsWith(".")) {
            elsewhere.add(relative + (directory ? "/" : ""));
          }
        }
      }
    }
    return new Month(
        files, hidden, elsewhere, tree.length() == 0 ? "    (empty)\n" : tree.toString());
  }

  /** Replaces the warehouse with a copy of {@code from}. */
  void restore(Path from) throws IOException {
    delete(root);
    copy(from, root);
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path path : walk.sorted().toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Row counts (or problems) of the partition's files, each checked on its own. */
  Map<String, ParquetCheck.Verdict> check(ParquetCheck parquet, Month month) {
    Map<String, ParquetCheck.Verdict> verdicts = new LinkedHashMap<>();
    month
        .partition()
        .keySet()
        .forEach(name -> verdicts.put(name, parquet.check(partition.resolve(name))));
    return verdicts;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
