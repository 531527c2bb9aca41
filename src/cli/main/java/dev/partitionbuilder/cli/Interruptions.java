package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jline.utils.Signals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What SIGINT (Ctrl-C) and SIGTERM do to a command that holds a month's lock: the thread doing the
 * work is interrupted, so the build stops its query, undoes what is safe and releases the lock; the
 * command then says what it left and exits 128 + the signal's number (130 for SIGINT, 143 for
 * SIGTERM, the shell's convention and what the JVM itself exits with). A second signal, or work
 * that has not unwound within {@link #UNWIND_LIMIT}, ends the process at once.
 *
 * <p>Why {@code sun.misc.Signal} rather than a shutdown hook: once the JVM has begun to shut down,
 * {@code System.exit} blocks for ever and a second Ctrl-C is ignored until the hooks end, so a hook
 * would have to interrupt the worker, wait for it and halt with the code itself, while the worker,
 * unwinding at the same time, can neither exit nor be told apart from a normal end, and the user
 * could not cut a slow unwind short. With the signal handled here no shutdown starts: the worker
 * unwinds as after any failure, the command returns its code and the process exits normally. The
 * handler runs on a thread of its own per signal. The class is in the JDK's jdk.unsupported module,
 * there for exactly this; where the JVM keeps the signal (such as with -Xrs), its default stays.
 */
final class Interruptions {
  private static final Logger log = LoggerFactory.getLogger(Interruptions.class);

  /** How long the work may take to unwind after the first signal before the process ends anyway. */
  static final Duration UNWIND_LIMIT = Duration.ofSeconds(30);

  /** Ends the process; tests pass their own. */
  interface Halt {
    void halt(int code);
  }

  /** Interrupted work, as {@link #working} names it. */
  private record Work(Thread thread, String what, String ifLeft) {}

  private final PrintWriter err;
  private final Halt halt;
  private final Duration limit;
  private final CountDownLatch unwound = new CountDownLatch(1);
  private Work work;
  private String signal;
  private int code;

  Interruptions(PrintWriter err, Halt halt, Duration limit) {
    this.err = requireNonNull(err, "err is null");
    this.halt = requireNonNull(halt, "halt is null");
    this.limit = requireNonNull(limit, "limit is null");
  }

  /** Never signalled: for commands run inside another program, such as tests. */
  static Interruptions none() {
    return new Interruptions(
        new PrintWriter(PrintWriter.nullWriter()),
        code -> {
          throw new IllegalStateException("not installed, so never halts");
        },
        UNWIND_LIMIT);
  }

  /** Handles SIGINT and SIGTERM in this process from now on. */
  static Interruptions install(PrintWriter err) {
    Interruptions interruptions = new Interruptions(err, Runtime.getRuntime()::halt, UNWIND_LIMIT);
    // Through JLine, which reaches sun.misc.Signal at run time: javac warns on every use of
    // jdk.unsupported, and no option or annotation silences that warning under -Werror. The numbers
    // are POSIX's, the same on Linux and macOS.
    for (Map.Entry<String, Integer> signal : Map.of("INT", 2, "TERM", 15).entrySet()) {
      String name = signal.getKey();
      int exitCode = 128 + signal.getValue();
      if (Signals.register(name, () -> interruptions.received("SIG" + name, exitCode)) == null) {
        log.info(
            "SIG{} keeps the JVM's own handling (the process ends at once, its lock left): the JVM refused a"
                + " handler for it",
            name);
      }
    }
    return interruptions;
  }

  /**
   * Marks the calling thread as doing {@code what} until the scope closes: a signal meanwhile
   * interrupts it. Outside such a scope a signal ends the process at once, as nothing is held.
   *
   * @param ifLeft what to do if the work is cut short, such as the unlock command of its month
   */
  synchronized Scope working(String what, String ifLeft) {
    work = new Work(Thread.currentThread(), what, ifLeft);
    return () -> {
      synchronized (this) {
        work = null;
      }
    };
  }

  /** The end of a scope; closing cannot fail. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The first signal received, such as "SIGINT". */
  synchronized Optional<String> signal() {
    return Optional.ofNullable(signal);
  }

  /** 128 + the first signal's number; 0 when none came. */
  synchronized int exitCode() {
    return code;
  }

  /** The command has unwound and said what it left: the process may exit with its code. */
  void unwound() {
    unwound.countDown();
  }

  /** Runs on the signal's own thread. */
  void received(String name, int exitCode) {
    Work interrupted;
    synchronized (this) {
      if (signal != null) {
        err.println(
            "partition-builder: second "
                + name
                + ": exiting at once"
                + (work == null ? "" : " while " + work.what() + "; " + work.ifLeft()));
        err.flush();
        halt.halt(code);
        return;
      }
      signal = name;
      code = exitCode;
      interrupted = work;
    }
    if (interrupted == null) {
      err.println("partition-builder: " + name + ": exiting");
      err.flush();
      halt.halt(exitCode);
      return;
    }
    interrupted.thread().interrupt();
    try {
      if (unwound.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.println(
        "partition-builder: "
            + name
            + ": "
            + interrupted.what()
            + " did not stop within "
            + limit.toSeconds()
            + " s: exiting anyway; "
            + interrupted.ifLeft());
    err.flush();
    halt.halt(exitCode);
  }
}
