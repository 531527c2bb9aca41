package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory standing in for the destination bucket: the key {@code a/b/c} is the file {@code
 * root/a/b/c}. Prefixes match keys as strings, exactly as in S3, so the prefix {@code 2024/03/}
 * never reaches {@code 2024/030/}.
 *
 * <p>Nothing is half-written under a key, even when the process is killed ({@code kill -9}) or the
 * disk fills: {@link #copy}, {@link #write}, {@link #replaceIfMatch} and {@link #createIfAbsent}
 * write a temporary sibling, {@code .<name>.<copy|write|create>-<16 hex digits>}, force it to disk,
 * and only then give it the key's name in one step (a rename, or a hard link for the create), then
 * force the directory. A temporary file is never a key: {@link #list} skips it, and {@link
 * #deleteAll} and {@link #deleteKeys} remove the strays a killed process left under what they
 * delete. (So a key whose file name has that form is invisible here; S3 allows it.)
 *
 * <p>What the conditional calls guarantee. {@link #createIfAbsent} is atomic wherever the file
 * system's hard link is (it fails when the name exists). {@link #replaceIfMatch} and {@link
 * #deleteIfMatch} compare and then write or delete while holding a lock: a monitor per root within
 * this JVM, and an exclusive {@link FileLock} across processes on the hidden file {@value
 * #CONDITION_LOCK} at the root. So they are atomic with each other, between threads and between
 * processes that open the same directory, as far as its file system honours such locks (local file
 * systems do). A replace renames a new file over the old, so the key is never absent in between and
 * no {@code createIfAbsent} slips in. Plain {@link #write} and {@link #deleteKeys} take no lock: a
 * delete racing a replace of the same key may see the replace recreate the file. A version is the
 * SHA-256 of the file's bytes.
 *
 * <p>That lock file stays, one empty file per warehouse, in the warehouse (nothing is left in the
 * JVM's temporary directory): deleting it safely would need a check, after locking, that its path
 * still names the locked file, and Java can make that check only by opening the path again, which
 * releases the lock (a {@link FileLock} is a POSIX record lock, held by the process and dropped
 * when any descriptor of the file closes; see {@link FileLock}).
 *
 * <p>S3 has no directories, so none is left behind that only held what a delete removed, up to the
 * root; a writer whose directory is removed under it makes it again.
 *
 * <p>Threads: every method may be called from several threads at once; temporary names are random
 * and created exclusively, so two copies never share one.
 */
public final class LocalObjectStore implements ObjectStore {
  /**
   * The file the conditional calls lock, at the root: never a key (no key is a bare name without a
   * prefix, and {@link #list} skips it), and shared by every process that opens this root, whatever
   * its {@code java.io.tmpdir}.
   */
  public static final String CONDITION_LOCK = ".partition-builder.lock";

  /** One per root: two stores on one directory in one JVM must wait for each other, not fail. */
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

  /** The name of a temporary sibling: the key's file name, what is being written, a random. */
  private static final Pattern TEMPORARY =
      Pattern.compile("\\.(.+)\\.(?:copy|write|create)-[0-9a-f]{16}");

  /** A writer retries when its directory was tidied away or its random name taken, this often. */
  private static final int ATTEMPTS = 20;

  /** Windows cannot open a directory as a channel, so it cannot force one to disk. */
  private static final boolean FORCE_DIRECTORIES =
      !System.getProperty("os.name", "").startsWith("Windows");

  private final Path root;

  /** The file the conditional calls lock, one per root and machine. */
  private final Path conditionLock;

  /** Creates the file under a key from a finished temporary one; replaced in tests to fail it. */
  private final Publisher createPublisher;

  public LocalObjectStore(Path root) {
    this(root, Files::createLink);
  }

  /** For tests: {@code link} gives the key's name to the finished temporary file of a create. */
  LocalObjectStore(Path root, Publisher link) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.createPublisher = requireNonNull(link, "link is null");
    this.conditionLock = this.root.resolve(CONDITION_LOCK);
  }

  /**
   * {@link Files#createLink}'s shape: make {@code target} name the file {@code temporary} names.
   */
  interface Publisher {
    void link(Path target, Path temporary) throws IOException;
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
        throw new PartitionBuilderException(
            "Cannot read the size of " + file + ": " + e.getMessage(), e);
      }
    }
    return objects;
  }

  /**
   * Also removes the temporary files a killed writer left under the prefix; they are not counted.
   */
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
        throw new PartitionBuilderException(
            "Cannot delete "
                + file
                + " ("
                + deleted
                + " file(s) deleted before it): "
                + e.getMessage(),
            e);
      }
    }
    Path top = root.resolve(prefix);
    for (Path stray : walk(top).stream().filter(LocalObjectStore::isTemporary).toList()) {
      deleteStray(stray);
    }
    removeEmptyDirectories(top);
    return deleted;
  }

  /**
   * Copies into a temporary sibling of the target, forces it to disk and renames it over the target
   * in one step, so a reader, a resumed build or {@link #isCopyOf} finds the old file or the whole
   * copy, also after {@code kill -9}.
   */
  @Override
  public void copy(String sourceKey, String targetKey) {
    Path source = file(sourceKey);
    Path target = file(targetKey);
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      FileTime began = FileTime.from(Instant.now());
      publish(
          target,
          "copy",
          out -> {
            long size = in.size();
            for (long at = 0; at < size; ) {
              long sent = in.transferTo(at, size - at, out);
              if (sent <= 0) {
                throw new IOException(source + " ended after " + at + " of " + size + " bytes");
              }
              at += sent;
            }
          });
      deleteStrayCopiesOf(target, began);
    } catch (NoSuchFileException e) {
      String missing =
          source.toString().equals(e.getFile()) ? source + " does not exist" : e.toString();
      throw new PartitionBuilderException(
          "Cannot copy " + source + " to " + target + ": " + missing, e);
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot copy " + source + " to " + target + ": " + e, e);
    }
  }

  /** Same size and, byte for byte, the same content ({@link Files#mismatch}). */
  @Override
  public boolean isCopyOf(String key, String sourceKey) {
    Path file = file(key);
    Path source = file(sourceKey);
    try {
      BasicFileAttributes copy = Files.readAttributes(file, BasicFileAttributes.class);
      BasicFileAttributes original = Files.readAttributes(source, BasicFileAttributes.class);
      return copy.isRegularFile()
          && original.isRegularFile()
          && copy.size() == original.size()
          && Files.mismatch(file, source) == -1L;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot compare " + file + " with " + source + ": " + e, e);
    }
  }

  /**
   * The content is written and forced to disk under a temporary name, then given the key's name by
   * a hard link, which fails when the name exists: the key never names a short or empty file, and a
   * full disk or any other failure leaves neither the key nor the temporary file.
   */
  @Override
  public boolean createIfAbsent(String key, byte[] content) {
    requireNonNull(content, "content is null");
    Path file = file(key);
    Path temporary = null;
    boolean created = false;
    try {
      temporary = createTemporary(file, "create");
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        writeFully(out, content);
        out.force(true);
      }
      try {
        createPublisher.link(file, temporary);
        created = true;
      } catch (FileAlreadyExistsException e) {
        // another writer has the key; this call's bytes go with the temporary file
      }
      Files.delete(temporary);
      forceDirectory(file.getParent());
      return created;
    } catch (IOException | RuntimeException e) {
      if (temporary != null) {
        deleteAfterFailure(temporary, e);
        removeEmptyParents(file.getParent(), e);
      }
      throw new PartitionBuilderException(
          (created ? "Created " + file + " but cannot finish: " : "Cannot create " + file + ": ")
              + e,
          e);
    }
  }

  @Override
  public void write(String key, byte[] content) {
    requireNonNull(content, "content is null");
    Path file = file(key);
    try {
      publish(file, "write", out -> writeFully(out, content));
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot write " + file + ": " + e, e);
    }
  }

  /** What fills a temporary file before it takes the key's name. */
  private interface Content {
    void writeTo(FileChannel out) throws IOException;
  }

  /**
   * Fills a temporary sibling of {@code file}, forces it to disk and renames it over {@code file}
   * in one step, then forces the directory so the rename survives a crash of the machine too. A
   * failure removes the temporary file and leaves {@code file} as it was.
   */
  private void publish(Path file, String what, Content content) throws IOException {
    Path temporary = createTemporary(file, what);
    try {
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        content.writeTo(out);
        out.force(true);
      }
      // ATOMIC_MOVE is rename(2) on POSIX, which replaces an existing target in one step.
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(temporary, e);
      throw e;
    }
    forceDirectory(file.getParent());
  }

  private static void writeFully(FileChannel out, byte[] content) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(content);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /**
   * An empty, new temporary sibling of {@code file}, its directories made first. Made again when
   * another thread or process removed the (empty) directory in between, or the random name is
   * taken; so two writers never share one.
   */
  private static Path createTemporary(Path file, String what) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Path temporary =
          file.resolveSibling(
              "."
                  + file.getFileName()
                  + "."
                  + what
                  + "-"
                  + String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong()));
      try {
        Files.createDirectories(file.getParent());
        return Files.createFile(temporary);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        if (last != null) {
          e.addSuppressed(last);
        }
        last = e;
      }
    }
    throw last;
  }

  private static boolean isTemporary(Path file) {
    return TEMPORARY.matcher(file.getFileName().toString()).matches();
  }

  /** Removes what a failed write left; a failure to do so is added to {@code failure}, not lost. */
  private static void deleteAfterFailure(Path temporary, Exception failure) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static void deleteStray(Path stray) {
    try {
      Files.deleteIfExists(stray);
    } catch (IOException e) {
      throw new PartitionBuilderException(
          "Cannot delete the temporary file " + stray + " a killed writer left: " + e, e);
    }
  }

  private static void forceDirectory(Path dir) throws IOException {
    if (FORCE_DIRECTORIES) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
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
    return underConditionLock(
        "replace",
        file,
        () -> {
          Optional<byte[]> current = readFile(file);
          if (current.isEmpty() || !Sha256.hex(current.get()).equals(version)) {
            return false;
          }
          publish(file, "write", out -> writeFully(out, content));
          return true;
        });
  }

  /** Directories the delete leaves empty go with the file (S3 has none), up to the root. */
  @Override
  public boolean deleteIfMatch(String key, String version) {
    requireNonNull(version, "version is null");
    Path file = file(key);
    boolean deleted =
        underConditionLock(
            "delete",
            file,
            () -> {
              Optional<byte[]> current = readFile(file);
              if (current.isEmpty() || !Sha256.hex(current.get()).equals(version)) {
                return false;
              }
              Files.delete(file);
              return true;
            });
    if (deleted) {
      removeEmptyParents(file.getParent());
    }
    return deleted;
  }

  /** A compare and a write or delete that must not interleave with another's. */
  private interface Conditional {
    boolean run() throws IOException;
  }

  /**
   * Runs {@code conditional} holding the root's monitor in this JVM and an exclusive lock on {@link
   * #conditionLock} across processes. The monitor is needed as well: a JVM that asks twice for one
   * file's lock is refused ({@code OverlappingFileLockException}), not made to wait.
   */
  private boolean underConditionLock(String what, Path file, Conditional conditional) {
    synchronized (MONITORS.computeIfAbsent(root, r -> new Object())) {
      try {
        Files.createDirectories(root);
        try (FileChannel channel =
            FileChannel.open(conditionLock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock lock = channel.lock();
          try {
            return conditional.run();
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new PartitionBuilderException(
            "Cannot " + what + " " + file + " if unchanged: " + e, e);
      }
    }
  }

  /**
   * Also removes the temporary files a killed writer left for these keys, and the directories the
   * delete leaves empty, up to the root.
   */
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
        throw new PartitionBuilderException(
            "Cannot delete "
                + file(key)
                + " ("
                + deleted
                + " of "
                + checked.size()
                + " key(s) deleted before it): "
                + e,
            e);
      }
    }
    deleteStraysOf(checked);
    removeEmptyDirectories(root.resolve(prefix));
    return deleted;
  }

  /**
   * The unfinished copies onto {@code file} that a killed process left, now that a copy onto it has
   * finished: only those last written before this copy began, so a copy of the same key running at
   * the same time keeps its own.
   */
  private void deleteStrayCopiesOf(Path file, FileTime began) throws IOException {
    String prefix = "." + file.getFileName() + ".copy-";
    try (Stream<Path> entries = Files.list(file.getParent())) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.startsWith(prefix) && isTemporary(entry)) {
          try {
            if (Files.getLastModifiedTime(entry).compareTo(began) < 0) {
              deleteStray(entry);
            }
          } catch (NoSuchFileException e) {
            // gone already
          }
        }
      }
    }
  }

  /** The temporary siblings of the given keys' files, one directory listing per directory. */
  private void deleteStraysOf(List<String> keys) {
    Map<Path, Set<String>> names = new HashMap<>();
    for (String key : keys) {
      Path file = file(key);
      names
          .computeIfAbsent(file.getParent(), d -> new HashSet<>())
          .add(file.getFileName().toString());
    }
    names.forEach(
        (dir, deletedNames) -> {
          try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
              Matcher temporary = TEMPORARY.matcher(entry.getFileName().toString());
              if (temporary.matches() && deletedNames.contains(temporary.group(1))) {
                deleteStray(entry);
              }
            }
          } catch (NoSuchFileException e) {
            // the directory is gone, and with it any stray
          } catch (IOException e) {
            throw new PartitionBuilderException(
                "Cannot list " + dir + " for temporary files a killed writer left: " + e, e);
          }
        });
  }

  /** The file of one key; a key that would leave the root (through "..") is refused. */
  private Path file(String key) {
    requireNonNull(key, "key is null");
    Path file = root.resolve(key).normalize();
    if (key.isEmpty()
        || key.startsWith("/")
        || key.endsWith("/")
        || !file.startsWith(root)
        || file.equals(root)) {
      throw new IllegalArgumentException(
          "Key " + "'" + key + "'" + " does not name a file under the store's root " + root);
    }
    return file;
  }

  /**
   * Files whose key starts with {@code prefix}, temporary files left out: only the directory the
   * prefix names is walked.
   */
  private List<Path> files(String prefix) {
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash + 1));
    if (!start.normalize().startsWith(root)) {
      throw new IllegalArgumentException("Prefix " + prefix + " leaves the store's root " + root);
    }
    return walk(start).stream()
        .filter(f -> !isTemporary(f) && !f.equals(conditionLock))
        .filter(f -> key(f).startsWith(prefix))
        .sorted()
        .toList();
  }

  /** Every regular file under {@code start}; none when it is not a directory. */
  private static List<Path> walk(Path start) {
    List<Path> files = new ArrayList<>();
    visit(start, files, new ArrayList<>());
    return files;
  }

  /**
   * Collects the regular files and the directories under {@code start}. A file or directory that
   * goes while it is walked (another thread deleting or tidying) is left out, as S3 would not list
   * it either; any other failure is thrown.
   */
  private static void visit(Path start, List<Path> files, List<Path> directories) {
    if (!Files.isDirectory(start)) {
      return;
    }
    try {
      Files.walkFileTree(
          start,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              directories.add(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (attributes.isRegularFile()) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot list " + start + ": " + e, e);
    }
  }

  private String key(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /**
   * S3 has no directories: leave none behind under {@code top} that only held deleted files, nor
   * above it.
   */
  private void removeEmptyDirectories(Path top) {
    List<Path> directories = new ArrayList<>();
    visit(top, new ArrayList<>(), directories);
    directories.sort(Comparator.reverseOrder());
    try {
      for (Path dir : directories) {
        removeIfEmpty(dir);
      }
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot tidy the directories under " + top + ": " + e, e);
    }
    removeEmptyParents(top.getParent());
  }

  /** {@code dir} and each parent up to (not including) the root, as long as they are empty. */
  private void removeEmptyParents(Path dir) {
    try {
      for (Path at = dir;
          at != null && at.startsWith(root) && !at.equals(root);
          at = at.getParent()) {
        if (!removeIfEmpty(at)) {
          return;
        }
      }
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot tidy the directories above " + dir + ": " + e, e);
    }
  }

  /**
   * As {@link #removeEmptyParents(Path)} after a failed write: a failure to tidy joins {@code
   * failure}.
   */
  private void removeEmptyParents(Path dir, Exception failure) {
    try {
      removeEmptyParents(dir);
    } catch (PartitionBuilderException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Deletes {@code dir} if it is empty; false when it is not. Not empty and already gone are both
   * answers here, not failures: another writer may have just put a file in it, or another delete
   * removed it first.
   */
  private static boolean removeIfEmpty(Path dir) throws IOException {
    try {
      Files.delete(dir);
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (NoSuchFileException e) {
      return true;
    }
  }
}
