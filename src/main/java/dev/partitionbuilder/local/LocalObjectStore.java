package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A directory standing in for the destination bucket: the key {@code a/b/c} is the file
 * {@code root/a/b/c}. Prefixes match keys as strings, exactly as in S3, so the prefix
 * {@code 2024/03/} never reaches {@code 2024/030/}.
 *
 * <p>What the conditional calls guarantee. {@link #createIfAbsent} is atomic wherever the file
 * system's exclusive create is. {@link #replaceIfMatch} and {@link #deleteIfMatch} compare and then
 * write or delete while holding a lock: a monitor per root within this JVM, and an exclusive
 * {@link FileLock} across processes on a file named after the root in {@code java.io.tmpdir}
 * (outside the root, so the directory holds nothing but the keys). So they are atomic with each
 * other, between threads and between processes of one machine that share that temporary
 * directory, as far as its file system honours such locks (local file systems do). A
 * replace renames a new file over the old, so the key is never absent in between and no
 * {@code createIfAbsent} slips in. Plain {@link #write} and {@link #deleteKeys} take no lock: a
 * delete racing a replace of the same key may see the replace recreate the file. A version is the
 * SHA-256 of the file's bytes.
 */
public final class LocalObjectStore implements ObjectStore {
  /** One per root: two stores on one directory in one JVM must wait for each other, not fail. */
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path root;
  /** The file the conditional calls lock, one per root and machine. */
  private final Path conditionLock;

  public LocalObjectStore(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.conditionLock = Path.of(System.getProperty("java.io.tmpdir"), "partition-builder-"
        + Sha256.hex(this.root.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".lock");
  }

  public Path root() {
    return root;
  }

  @Override
  public List<StoredObject> list(String prefix) {
    requireNonNull(prefix, "prefix is null");
    List<StoredObject> objects = new ArrayList<>();
    for (Path file : files(prefix)) {
      try {
        objects.add(new StoredObject(key(file), Files.size(file)));
      } catch (NoSuchFileException e) {
        // deleted since it was listed: S3 would not list it either
      } catch (IOException e) {
        throw new PartitionBuilderException("Cannot read the size of " + file + ": " + e.getMessage(), e);
      }
    }
    return objects;
  }

  @Override
  public int deleteAll(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    int deleted = 0;
    for (Path file : files(prefix)) {
      try {
        Files.delete(file);
        deleted++;
      } catch (NoSuchFileException e) {
        // already gone: deleting twice is fine
      } catch (IOException e) {
        throw new PartitionBuilderException("Cannot delete " + file + " (" + deleted
            + " file(s) deleted before it): " + e.getMessage(), e);
      }
    }
    removeEmptyDirectories(root.resolve(prefix));
    return deleted;
  }

  @Override
  public void copy(String sourceKey, String targetKey) {
    Path source = file(sourceKey);
    Path target = file(targetKey);
    try {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot copy " + source + " to " + target + ": " + e, e);
    }
  }

  /** Compares sizes, then bytes: a copy cut short by a killed process is never taken as whole. */
  @Override
  public boolean isCopyOf(String key, String sourceKey) {
    Path copy = file(key);
    Path source = file(sourceKey);
    try {
      return Files.isRegularFile(copy) && Files.isRegularFile(source) && Files.size(copy) == Files.size(source)
          && Files.mismatch(copy, source) == -1;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot compare " + copy + " with " + source + ": " + e, e);
    }
  }

  /** CREATE_NEW: the file system refuses, atomically, to create a file that exists. */
  @Override
  public boolean createIfAbsent(String key, byte[] content) {
    requireNonNull(content, "content is null");
    Path file = file(key);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot create " + file + ": " + e, e);
    }
  }

  @Override
  public void write(String key, byte[] content) {
    requireNonNull(content, "content is null");
    Path file = file(key);
    try {
      writeWhole(file, content);
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot write " + file + ": " + e, e);
    }
  }

  /** Written beside the target and moved over it, so a crash mid-write leaves the old file whole. */
  private static void writeWhole(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Path partial = Files.createTempFile(file.getParent(), ".write-", ".partial");
    try {
      Files.write(partial, content);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public Optional<byte[]> read(String key) {
    Path file = file(key);
    try {
      return readFile(file);
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot read " + file + ": " + e, e);
    }
  }

  private static Optional<byte[]> readFile(Path file) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The version is the SHA-256 of the bytes, as a single PutObject's ETag is their MD5. */
  @Override
  public Optional<Versioned> readVersioned(String key) {
    return read(key).map(content -> new Versioned(content, Sha256.hex(content)));
  }

  @Override
  public boolean replaceIfMatch(String key, byte[] content, String version) {
    requireNonNull(content, "content is null");
    requireNonNull(version, "version is null");
    Path file = file(key);
    return underConditionLock("replace", file, () -> {
      Optional<byte[]> current = readFile(file);
      if (current.isEmpty() || !Sha256.hex(current.get()).equals(version)) {
        return false;
      }
      writeWhole(file, content);
      return true;
    });
  }

  @Override
  public boolean deleteIfMatch(String key, String version) {
    requireNonNull(version, "version is null");
    Path file = file(key);
    return underConditionLock("delete", file, () -> {
      Optional<byte[]> current = readFile(file);
      if (current.isEmpty() || !Sha256.hex(current.get()).equals(version)) {
        return false;
      }
      Files.delete(file);
      return true;
    });
  }

  /** A compare and a write or delete that must not interleave with another's. */
  private interface Conditional {
    boolean run() throws IOException;
  }

  /**
   * Runs {@code conditional} holding the root's monitor in this JVM and an exclusive lock on
   * {@link #conditionLock} across processes. The monitor is needed as well: a JVM that asks twice
   * for one file's lock is refused ({@code OverlappingFileLockException}), not made to wait.
   */
  private boolean underConditionLock(String what, Path file, Conditional conditional) {
    synchronized (MONITORS.computeIfAbsent(root, r -> new Object())) {
      try {
        try (FileChannel channel = FileChannel.open(conditionLock, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
          FileLock lock = channel.lock();
          try {
            return conditional.run();
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new PartitionBuilderException("Cannot " + what + " " + file + " if unchanged: " + e, e);
      }
    }
  }

  @Override
  public int deleteKeys(String prefix, List<String> keys) {
    List<String> checked = ObjectStore.requireKeysUnder(prefix, keys);
    checked.forEach(this::file);
    int deleted = 0;
    for (String key : checked) {
      try {
        Files.deleteIfExists(file(key));
        deleted++;
      } catch (IOException e) {
        throw new PartitionBuilderException("Cannot delete " + file(key) + " (" + deleted + " of " + checked.size()
            + " key(s) deleted before it): " + e, e);
      }
    }
    removeEmptyDirectories(root.resolve(prefix));
    return deleted;
  }

  /** The file of one key; a key that would leave the root (through "..") is refused. */
  private Path file(String key) {
    requireNonNull(key, "key is null");
    Path file = root.resolve(key).normalize();
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || !file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("Key " + "'" + key + "'" + " does not name a file under the store's root " + root);
    }
    return file;
  }

  /** Files whose key starts with {@code prefix}: only the directory the prefix names is walked. */
  private List<Path> files(String prefix) {
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash + 1));
    if (!start.normalize().startsWith(root)) {
      throw new IllegalArgumentException("Prefix " + prefix + " leaves the store's root " + root);
    }
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(start)) {
      return walk.filter(Files::isRegularFile).filter(f -> key(f).startsWith(prefix)).sorted().toList();
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot list " + start + ": " + e.getMessage(), e);
    }
  }

  private String key(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /** S3 has no directories: leave none behind that only held deleted files. */
  private void removeEmptyDirectories(Path top) {
    if (!Files.isDirectory(top)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path dir : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isEmpty()) {
            Files.delete(dir);
          }
        }
      }
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot tidy the directories under " + top + ": " + e.getMessage(), e);
    }
  }
}
