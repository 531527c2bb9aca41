package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a month's lock, as far as the wiring can tell: the process this build runs in, and
 * whether the process that wrote a lease has ended. A lease whose holder is gone is taken over at
 * once instead of blocking the month until it runs out. The Lambda's wiring knows no such thing
 * ({@link #NONE}: an invocation's sandbox can be frozen, not gone); local mode asks the operating
 * system about processes of its own host.
 */
public interface LockHolders {
  /**
   * A process that took a lock.
   *
   * @param startedAt when the process started, so that a later process given the same pid is not
   *     taken for the holder
   */
  record Holder(String host, long pid, Instant startedAt) {
    public Holder {
      requireNonNull(host, "host is null");
      requireNonNull(startedAt, "startedAt is null");
    }

    @Override
    public String toString() {
      return "pid " + pid + " on " + host + ", started " + startedAt;
    }
  }

  /** The process this code runs in, when the wiring can name it. */
  Optional<Holder> self();

  /** True only when {@code holder} has surely ended; false when it runs or cannot be told. */
  boolean isGone(Holder holder);

  /** Names no holder and declares none gone: leases only ever run out. */
  LockHolders NONE =
      new LockHolders() {
        @Override
        public Optional<Holder> self() {
          return Optional.empty();
        }

        @Override
        public boolean isGone(Holder holder) {
          return false;
        }
      };
}
