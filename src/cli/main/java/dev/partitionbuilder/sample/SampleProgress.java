package dev.partitionbuilder.sample;

/**
 * Told how far a sample generation has got, for a progress bar: on the writing thread, every few
 * thousand events and after each file, so it must be quick.
 */
@FunctionalInterface
public interface SampleProgress {
  /** Tells nothing. */
  SampleProgress NONE = (events, files, bytes) -> {};

  /**
   * @param events well-formed events written so far (the malformed lines come on top)
   * @param files gzip files finished so far
   * @param bytes their size on disk, compressed
   */
  void written(long events, int files, long bytes);
}
