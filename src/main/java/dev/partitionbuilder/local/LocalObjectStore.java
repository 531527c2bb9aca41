package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory standing in for the destination bucket: the key {@code a/b/c} is the file
 * {@code root/a/b/c}. Prefixes match keys as strings, exactly as in S3, so the prefix
 * {@code 2024/03/} never reaches {@code 2024/030/}.
 */
public final class LocalObjectStore implements ObjectStore {
  private final Path root;

  public LocalObjectStore(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
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
      Files.createDirectories(file.getParent());
      // Written beside the target and moved over it, so a crash mid-write leaves the old file whole.
      Path partial = Files.createTempFile(file.getParent(), ".write-", ".partial");
      try {
        Files.write(partial, content);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot write " + file + ": " + e, e);
    }
  }

  @Override
  public Optional<byte[]> read(String key) {
    Path file = file(key);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PartitionBuilderException("Cannot read " + file + ": " + e, e);
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
