package dev.partitionbuilder.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * System properties a test is about to change, as they were before it: {@link #restore} puts each
 * back, and clears one that was unset, so the SDK settings one test gives never reach the next.
 */
public final class SavedSystemProperties {
  private final Map<String, String> saved = new HashMap<>();

  private SavedSystemProperties(Collection<String> names) {
    names.forEach(name -> saved.put(name, System.getProperty(name)));
  }

  /** Saves the properties {@code names}, which the caller may then set or clear. */
  public static SavedSystemProperties save(Collection<String> names) {
    return new SavedSystemProperties(names);
  }

  public void restore() {
    saved.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }
}
