package dev.partitionbuilder.core;

/**
 * The build was interrupted (the CLI's Ctrl-C or SIGTERM interrupts the thread running it). By the
 * time this is thrown the build has stopped its query, undone what was safe to undo and said in its
 * message what is left; the lock is released as the build ends.
 */
public final class BuildInterruptedException extends PartitionBuilderException {
  public BuildInterruptedException(String message) {
    super(message);
  }
}
