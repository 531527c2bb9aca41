package dev.partitionbuilder.core;

import java.util.List;

/**
 * The destination bucket (or a local directory standing in for it). Keys are relative to its root.
 *
 * <p>Implementations must refuse a prefix that is empty or does not end in {@code /}, so that a
 * delete can never reach past one "directory".
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

  record StoredObject(String key, long size) {}

  /** The guard every implementation applies before deleting. */
  static String requireDeletablePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("/")) {
      throw new IllegalArgumentException(
          "Refusing to delete under prefix " + OneLine.quote(prefix)
              + ": a prefix must be non-empty, relative and end with '/'");
    }
    return prefix;
  }
}
