package dev.partitionbuilder.local;

import dev.partitionbuilder.core.LockHolders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lock holders as this machine's processes: a lease names the pid and start instant of the process
 * that took it, and a holder on this host whose process no longer runs (or whose pid now belongs to
 * a process started at another instant) is gone, such as after {@code kill -9}. A holder on another
 * host is never judged: its processes cannot be seen from here.
 */
final class LocalHolders implements LockHolders {
  private static final Logger log = LoggerFactory.getLogger(LocalHolders.class);
  private final Optional<Holder> self;

  private LocalHolders(Optional<Holder> self) {
    this.self = self;
  }

  static LocalHolders ofThisProcess() {
    ProcessHandle me = ProcessHandle.current();
    return new LocalHolders(
        host().flatMap(host -> startOf(me).map(start -> new Holder(host, me.pid(), start))));
  }

  @Override
  public Optional<Holder> self() {
    return self;
  }

  @Override
  public boolean isGone(Holder holder) {
    if (self.isEmpty() || !self.get().host().equals(holder.host())) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(holder.pid());
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    // The pid was given to another process since: the holder is gone all the same.
    return startOf(process.get()).map(start -> !start.equals(holder.startedAt())).orElse(false);
  }

  /** Whole milliseconds, as the lease's JSON keeps it. */
  private static Optional<Instant> startOf(ProcessHandle process) {
    return process.info().startInstant().map(start -> start.truncatedTo(ChronoUnit.MILLIS));
  }

  private static Optional<String> host() {
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      log.warn(
          "Cannot name this host ({}): local locks will only run out, as in the Lambda",
          e.getMessage());
      return Optional.empty();
    }
  }
}
