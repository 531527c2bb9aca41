package dev.partitionbuilder.local;

import java.nio.file.Path;

/** A process that copies one key onto another until it is killed, saying "copied N" after each. */
final class CopyForever {
  private CopyForever() {}

  public static void main(String[] args) {
    LocalObjectStore store = new LocalObjectStore(Path.of(args[0]));
    for (long n = 1; ; n++) {
      store.copy(args[1], args[2]);
      System.out.println("copied " + n);
      System.out.flush();
    }
  }
}
