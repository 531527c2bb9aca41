package dev.partitionbuilder.core;

import java.util.List;
import java.util.Optional;

/**
 * The destination bucket (or a local directory standing in for it). Keys are relative to its root.
 *
 * <p>Implementations must refuse a prefix that is empty or does not end in {@code /}, so that a
 * delete can never reach past one "directory".
 *
 * <p>Threads: {@link #copy}, {@link #isCopyOf}, {@link #list} and {@link #deleteKeys} may be called
 * from several threads at once on one store (the builder copies a month's files on a bounded pool),
 * as S3 may be; every implementation must allow it.
 */
public interface ObjectStore {
  /** Every object whose key starts with {@code prefix}, in key order. */
  List<StoredObject> list(String prefix);

  /**
   * Deletes every object whose key starts with {@code prefix}. Safe to run twice: an empty prefix
   * deletes nothing. Throws when any key could not be deleted, naming how many and the first.
   *
   * @return how many objects were deleted
   */
  int deleteAll(String prefix);

  /**
   * Copies one object to another key of the same store, replacing what is there, without the bytes
   * passing through this process where the store allows it. Atomic: the target key holds the old
   * object or the whole copy, never part of one, also when the process dies mid-copy. Throws when
   * the source does not exist or the copy fails, naming both keys.
   */
  void copy(String sourceKey, String targetKey);

  /**
   * {@link #copy(String, String)} of a source whose size the caller has just listed, so a store
   * that would otherwise look the source up first (S3, to choose between one CopyObject and a copy
   * in parts) can spare that request. The same guarantees; a wrong size may only cost the store's
   * own error.
   */
  default void copy(String sourceKey, String targetKey, long sourceSize) {
    copy(sourceKey, targetKey);
  }

  /**
   * True when the object at {@code key} is a complete copy of the object at {@code sourceKey} as
   * far as the store can tell: both exist, they have the same size, and the same content where the
   * store can compare it (each implementation says how far it can: the local store and the fake
   * compare the bytes, S3 the ETags where they are MD5s and otherwise the size). False, not an
   * error, when either is missing. A resumed replace asks this of a copy already present before it
   * trusts it; a wrong false costs one more copy, so where a store is unsure it answers false.
   */
  boolean isCopyOf(String key, String sourceKey);

  /**
   * Deletes exactly {@code keys}, each of which must start with {@code prefix}. A key already gone
   * counts as deleted, as S3 reports it. Refuses, deleting nothing, when {@code prefix} fails
   * {@link #requireDeletablePrefix} or any key is outside it. Throws when any key could not be
   * deleted, naming how many and the first.
   *
   * @return how many keys were deleted
   */
  int deleteKeys(String prefix, List<String> keys);

  /**
   * Writes {@code content} under {@code key} only if no object is there yet, atomically: of two
   * calls racing for one key, exactly one creates it. On S3 this is a conditional PutObject ({@code
   * If-None-Match: *}).
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   *
   * @return true if this call created the object, false if an object was already there
   */
  boolean createIfAbsent(String key, byte[] content);

  /**
   * Writes {@code content} under {@code key}, replacing any object there, as one atomic put: a
   * reader sees the old bytes or the new, never a mix.
   */
  void write(String key, byte[] content);

  /**
   * The bytes of the object at {@code key}; empty when there is none (not-found is not an error).
   */
  Optional<byte[]> read(String key);

  /**
   * The bytes of the object at {@code key} and the version they are of, read in one call; empty
   * when there is none. The version is opaque, to be handed back to {@link #replaceIfMatch} or
   * {@link #deleteIfMatch}: on S3 it is the ETag. It changes whenever the object is written with
   * other bytes; a write of the same bytes may keep it (a single PutObject's ETag is the MD5 of the
   * bytes), so a caller that must tell two writes apart writes bytes of its own, such as a random
   * id. https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   */
  Optional<Versioned> readVersioned(String key);

  /**
   * Writes {@code content} under {@code key} only if the object there is still at {@code version},
   * atomically: of two calls racing with the current version, exactly one replaces it. On S3 this
   * is a conditional PutObject ({@code If-Match: <ETag>}).
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   *
   * @return true if this call replaced the object; false, writing nothing, if the object has
   *     another version or is gone. Throws on any other failure, naming the key.
   */
  boolean replaceIfMatch(String key, byte[] content, String version);

  /**
   * Deletes the object at {@code key} only if it is still at {@code version}, atomically: an object
   * written since (another version) is left in place. On S3 this is a conditional DeleteObject
   * ({@code If-Match: <ETag>}), which needs s3:GetObject besides s3:DeleteObject.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
   *
   * @return true if this call deleted the object; false, deleting nothing, if the object has
   *     another version or is gone. Throws on any other failure, naming the key.
   */
  boolean deleteIfMatch(String key, String version);

  record StoredObject(String key, long size) {}

  /**
   * An object's bytes and the version they are of ({@link #readVersioned}).
   *
   * @param content the caller's to keep: not shared with the store
   */
  record Versioned(byte[] content, String version) {}

  /** The guard every implementation applies before deleting. */
  static String requireDeletablePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("/")) {
      throw new IllegalArgumentException(
          "Refusing to delete under prefix "
              + SafeText.quote(prefix)
              + ": a prefix must be non-empty, relative and end with '/'");
    }
    return prefix;
  }

  /** The guard of {@link #deleteKeys}: checked for every key before the first is deleted. */
  static List<String> requireKeysUnder(String prefix, List<String> keys) {
    requireDeletablePrefix(prefix);
    if (keys == null) {
      throw new IllegalArgumentException(
          "Refusing to delete under " + prefix + ": the key list is null");
    }
    for (String key : keys) {
      if (key == null || !key.startsWith(prefix) || key.length() == prefix.length()) {
        throw new IllegalArgumentException(
            "Refusing to delete "
                + SafeText.quote(key)
                + ": it is not under the prefix "
                + prefix
                + ", so nothing was deleted");
      }
    }
    return List.copyOf(keys);
  }
}
