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
}
