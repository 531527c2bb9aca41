package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An in-memory bucket; every method is synchronized, so threads may share one as they share S3. */
public final class FakeObjectStore implements ObjectStore {
  private final Journal journal;
  private final TreeMap<String, Long> objects = new TreeMap<>();
  /** The bytes of objects written with content; an object put with a size only reads as zeros. */
  private final Map<String, byte[]> contents = new HashMap<>();
  private String failDeleteOf;
  private int copiesBeforeFailure = -1;

  public FakeObjectStore(Journal journal) {
    this.journal = journal;
  }

  public synchronized FakeObjectStore put(String key, long size) {
    objects.put(key, size);
    contents.remove(key);
    return this;
  }

  public synchronized FakeObjectStore put(String key, byte[] content) {
    objects.put(key, (long) content.length);
    contents.put(key, content.clone());
    return this;
  }

  /** Every delete of this key fails, as a per-key DeleteObjects error would. */
  public synchronized FakeObjectStore failDeleting(String key) {
    this.failDeleteOf = key;
    return this;
  }

  /** After {@code succeeding} copies, every further copy fails, as an S3 error mid-way would. */
  public synchronized FakeObjectStore failCopiesAfter(int succeeding) {
    this.copiesBeforeFailure = succeeding;
    return this;
  }

  public synchronized Map<String, Long> objects() {
    return Map.copyOf(objects);
  }

  @Override
  public synchronized List<StoredObject> list(String prefix) {
    journal.add("list " + prefix);
    List<StoredObject> found = new ArrayList<>();
    objects.tailMap(prefix).forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        found.add(new StoredObject(k, v));
      }
    });
    return found;
  }

  @Override
  public synchronized int deleteAll(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    journal.add("deleteAll " + prefix);
    List<String> keys = objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    int deleted = 0;
    for (String key : keys) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      objects.remove(key);
      contents.remove(key);
      deleted++;
    }
    if (failDeleteOf != null && keys.contains(failDeleteOf)) {
      throw new PartitionBuilderException("Cannot delete " + prefix + ": 1 of " + keys.size()
          + " key(s) failed, first: AccessDenied on " + failDeleteOf);
    }
    return deleted;
  }

  @Override
  public synchronized void copy(String sourceKey, String targetKey) {
    journal.add("copy " + sourceKey + " -> " + targetKey);
    Long size = objects.get(sourceKey);
    if (size == null) {
      throw new PartitionBuilderException("Cannot copy " + sourceKey + " to " + targetKey + ": NoSuchKey");
    }
    if (copiesBeforeFailure == 0) {
      throw new PartitionBuilderException("Cannot copy " + sourceKey + " to " + targetKey + ": InternalError");
    }
    if (copiesBeforeFailure > 0) {
      copiesBeforeFailure--;
    }
    objects.put(targetKey, size);
    if (contents.containsKey(sourceKey)) {
      contents.put(targetKey, contents.get(sourceKey));
    } else {
      contents.remove(targetKey);
    }
  }

  @Override
  public synchronized boolean createIfAbsent(String key, byte[] content) {
    journal.add("createIfAbsent " + key);
    if (objects.containsKey(key)) {
      return false;
    }
    put(key, content);
    return true;
  }

  @Override
  public synchronized void write(String key, byte[] content) {
    journal.add("write " + key);
    put(key, content);
  }

  @Override
  public synchronized Optional<byte[]> read(String key) {
    journal.add("read " + key);
    Long size = objects.get(key);
    if (size == null) {
      return Optional.empty();
    }
    byte[] content = contents.get(key);
    return Optional.of(content == null ? new byte[size.intValue()] : content.clone());
  }

  @Override
  public synchronized int deleteKeys(String prefix, List<String> keys) {
    List<String> checked = ObjectStore.requireKeysUnder(prefix, keys);
    journal.add("deleteKeys " + prefix + " " + checked);
    int deleted = 0;
    for (String key : checked) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      objects.remove(key);
      contents.remove(key);
      deleted++;
    }
    if (failDeleteOf != null && checked.contains(failDeleteOf)) {
      throw new PartitionBuilderException("Cannot delete " + prefix + ": 1 of " + checked.size()
          + " key(s) failed, first: AccessDenied on " + failDeleteOf);
    }
    return deleted;
  }
}
