package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory bucket; every method is synchronized, so threads may share one as they share S3.
 * Each write gives its object a new version (a counter, not a hash: every write is told apart).
 */
public final class FakeObjectStore implements ObjectStore {
  private final Journal journal;
  private final TreeMap<String, Long> objects = new TreeMap<>();

  /** The bytes of objects written with content; an object put with a size only reads as zeros. */
  private final Map<String, byte[]> contents = new HashMap<>();

  private final Map<String, String> versions = new HashMap<>();
  private long writes;

  /** Run once each, just before the call whose journal entry is the key, on the caller's thread. */
  private final Map<String, Runnable> before = new HashMap<>();

  /**
   * Calls that do their work and then answer false, as a retried conditional write that landed
   * does.
   */
  private final Set<String> lostAnswers = new HashSet<>();

  private String failDeleteOf;
  private int copiesBeforeFailure = -1;

  public FakeObjectStore(Journal journal) {
    this.journal = journal;
  }

  public synchronized FakeObjectStore put(String key, long size) {
    objects.put(key, size);
    contents.remove(key);
    versions.put(key, "v" + ++writes);
    return this;
  }

  public synchronized FakeObjectStore put(String key, byte[] content) {
    objects.put(key, (long) content.length);
    contents.put(key, content.clone());
    versions.put(key, "v" + ++writes);
    return this;
  }

  /**
   * Runs {@code action} once, just before the next call whose journal entry is {@code entry} (as
   * {@code "deleteIfMatch a/b"}) does anything: another writer slipping in between two calls.
   */
  public synchronized FakeObjectStore before(String entry, Runnable action) {
    before.put(entry, action);
    return this;
  }

  /**
   * The next call whose journal entry is {@code entry} does its work and answers false, as S3
   * answers the SDK's retry of a conditional write whose first try landed (412).
   */
  public synchronized FakeObjectStore loseAnswerOf(String entry) {
    lostAnswers.add(entry);
    return this;
  }

  private void call(String entry) {
    Runnable action = before.remove(entry);
    if (action != null) {
      action.run();
    }
    journal.add(entry);
  }

  private boolean answer(String entry, boolean done) {
    return done && !lostAnswers.remove(entry);
  }

  private void remove(String key) {
    objects.remove(key);
    contents.remove(key);
    versions.remove(key);
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
    call("list " + prefix);
    List<StoredObject> found = new ArrayList<>();
    objects
        .tailMap(prefix)
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                found.add(new StoredObject(k, v));
              }
            });
    return found;
  }

  @Override
  public synchronized int deleteAll(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    call("deleteAll " + prefix);
    List<String> keys = objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    int deleted = 0;
    for (String key : keys) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      remove(key);
      deleted++;
    }
    if (failDeleteOf != null && keys.contains(failDeleteOf)) {
      throw new PartitionBuilderException(
          "Cannot delete "
              + prefix
              + ": 1 of "
              + keys.size()
              + " key(s) failed, first: AccessDenied on "
              + failDeleteOf);
    }
    return deleted;
  }

  @Override
  public synchronized void copy(String sourceKey, String targetKey) {
    call("copy " + sourceKey + " -> " + targetKey);
    Long size = objects.get(sourceKey);
    if (size == null) {
      throw new PartitionBuilderException(
          "Cannot copy " + sourceKey + " to " + targetKey + ": NoSuchKey");
    }
    if (copiesBeforeFailure == 0) {
      throw new PartitionBuilderException(
          "Cannot copy " + sourceKey + " to " + targetKey + ": InternalError");
    }
    if (copiesBeforeFailure > 0) {
      copiesBeforeFailure--;
    }
    objects.put(targetKey, size);
    versions.put(targetKey, "v" + ++writes);
    if (contents.containsKey(sourceKey)) {
      contents.put(targetKey, contents.get(sourceKey));
    } else {
      contents.remove(targetKey);
    }
  }

  /** Both exist with the same bytes (an object put with a size only has zeros). */
  @Override
  public synchronized boolean isCopyOf(String key, String sourceKey) {
    call("isCopyOf " + key + " <- " + sourceKey);
    Optional<byte[]> copy = content(key);
    Optional<byte[]> source = content(sourceKey);
    return copy.isPresent() && source.isPresent() && Arrays.equals(copy.get(), source.get());
  }

  @Override
  public synchronized boolean createIfAbsent(String key, byte[] content) {
    String entry = "createIfAbsent " + key;
    call(entry);
    if (objects.containsKey(key)) {
      return false;
    }
    put(key, content);
    return answer(entry, true);
  }

  @Override
  public synchronized Optional<Versioned> readVersioned(String key) {
    call("readVersioned " + key);
    return content(key).map(content -> new Versioned(content, versions.get(key)));
  }

  @Override
  public synchronized boolean replaceIfMatch(String key, byte[] content, String version) {
    String entry = "replaceIfMatch " + key;
    call(entry);
    if (!version.equals(versions.get(key))) {
      return false;
    }
    put(key, content);
    return answer(entry, true);
  }

  @Override
  public synchronized boolean deleteIfMatch(String key, String version) {
    String entry = "deleteIfMatch " + key;
    call(entry);
    if (!version.equals(versions.get(key))) {
      return false;
    }
    remove(key);
    return answer(entry, true);
  }

  @Override
  public synchronized void write(String key, byte[] content) {
    call("write " + key);
    put(key, content);
  }

  @Override
  public synchronized Optional<byte[]> read(String key) {
    call("read " + key);
    return content(key);
  }

  private Optional<byte[]> content(String key) {
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
    call("deleteKeys " + prefix + " " + checked);
    int deleted = 0;
    for (String key : checked) {
      if (key.equals(failDeleteOf)) {
        continue;
      }
      remove(key);
      deleted++;
    }
    if (failDeleteOf != null && checked.contains(failDeleteOf)) {
      throw new PartitionBuilderException(
          "Cannot delete "
              + prefix
              + ": 1 of "
              + checked.size()
              + " key(s) failed, first: AccessDenied on "
              + failDeleteOf);
    }
    return deleted;
  }
}
