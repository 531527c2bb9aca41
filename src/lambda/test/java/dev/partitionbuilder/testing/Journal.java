package dev.partitionbuilder.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The calls the fakes received, in order, shared so a test can assert the step order across ports.
 */
public final class Journal {
  private final List<String> entries = new ArrayList<>();

  synchronized void add(String entry) {
    entries.add(entry);
  }

  /** Forgets what was recorded so far: a test's second act starts with an empty journal. */
  public synchronized void clear() {
    entries.clear();
  }

  public synchronized List<String> entries() {
    return List.copyOf(entries);
  }
}
