package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory bucket. */
public final class FakeObjectStore implements ObjectStore {
  private final Journal journal;
  private final TreeMap<String, Long> objects = new TreeMap<>();
  private String failDeleteOf;
  private int copiesBeforeFailure = -1;

  public FakeObjectStore(Journal journal) {
    this.journal = journal;
  }

  public FakeObjectStore put(String key, long size) {
    objects.put(key, size);
    return this;
  }

  /** Every delete of this key fails, as a per-key DeleteObjects error would. */
  public FakeObjectStore failDeleting(String key) {
    this.failDeleteOf = key;
    return this;
  }

  /** After {@code succeeding} copies, every further copy fails, as an S3 error mid-way would. */
  public FakeObjectStore failCopiesAfter(int succeeding) {
    this.copiesBeforeFailure = succeeding;
    return this;
  }

  public Map<String, Long> objects() {
    return Map.copyOf(objects);
  }

  @Override
  public List<StoredObject> list(String prefix) {
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
  public int deleteAll(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    journal.add("deleteAll " + prefix);
    List<String> keys = objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    int deleted = 0;
    for (String key : keys) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      objects.remove(key);
      deleted++;
    }
    if (failDeleteOf != null && keys.contains(failDeleteOf)) {
      throw new PartitionBuilderException("Cannot delete " + prefix + ": 1 of " + keys.size()
          + " key(s) failed, first: AccessDenied on " + failDeleteOf);
    }
    return deleted;
  }

  @Override
  public void copy(String sourceKey, String targetKey) {
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
  }

  @Override
  public int deleteKeys(String prefix, List<String> keys) {
    List<String> checked = ObjectStore.requireKeysUnder(prefix, keys);
    journal.add("deleteKeys " + prefix + " " + checked);
    int deleted = 0;
    for (String key : checked) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      objects.remove(key);
      deleted++;
    }
    if (failDeleteOf != null && checked.contains(failDeleteOf)) {
      throw new PartitionBuilderException("Cannot delete " + prefix + ": 1 of " + checked.size()
          + " key(s) failed, first: AccessDenied on " + failDeleteOf);
    }
    return deleted;
  }
}
