package dev.partitionbuilder.testing;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A process whose output (stdout and stderr merged) is read line by line as it comes, and which can
 * be killed with SIGKILL ({@link ProcessHandle#destroyForcibly}, {@code kill -9} on Linux) a set
 * time after the first line containing a marker: no shutdown hook, no finally block, no flush runs.
 * The kill is made from the thread that reads the marker, so it lands within a fraction of a
 * millisecond of the delay on an idle machine.
 */
public final class KillableProcess {
  /**
   * When to kill: after the first line that contains {@code marker}, once {@code trigger} holds
   * (polled as fast as it can be: it observes what the process does, such as a file appearing),
   * {@code delayNanos} later. A negative delay only watches: it records when the trigger held and
   * never kills.
   */
  public record Aim(String marker, BooleanSupplier trigger, long delayNanos) {
    public Aim {
      requireNonNull(marker, "marker is null");
      requireNonNull(trigger, "trigger is null");
    }

    public static Aim after(String marker, long delayNanos) {
      return new Aim(marker, () -> true, delayNanos);
    }

    public static Aim watch(String marker, BooleanSupplier trigger) {
      return new Aim(marker, trigger, -1);
    }
  }

  /** One line of output and when it was read, on {@link System#nanoTime}'s scale. */
  public record Line(long nanos, String text) {}

  /**
   * How it ended: its exit code (137 when killed), whether our SIGKILL ended it, when the aim's
   * trigger held (0 if never).
   */
  public record Ended(int exitCode, boolean killed, long triggeredAt, List<Line> lines) {
    public String output() {
      StringBuilder all = new StringBuilder();
      lines.forEach(line -> all.append(line.text()).append('\n'));
      return all.toString();
    }

    /**
     * Nanoseconds between the first line containing {@code from} and the next containing {@code
     * to}.
     */
    public long nanosBetween(String from, String to) {
      Long start = null;
      for (Line line : lines) {
        if (start == null && line.text().contains(from)) {
          start = line.nanos();
        } else if (start != null && line.text().contains(to)) {
          return line.nanos() - start;
        }
      }
      throw new AssertionError(
          "No \"" + from + "\" then \"" + to + "\" in the output:\n" + output());
    }

    /** The last lines, for a failure message. */
    public String tail(int count) {
      List<Line> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
      StringBuilder all = new StringBuilder();
      last.forEach(line -> all.append("    | ").append(line.text()).append('\n'));
      return all.toString();
    }
  }

  private static final int SIGKILL_EXIT = 128 + 9;

  private final Process process;
  private final List<Line> lines = new ArrayList<>();
  private final Thread reader;
  private volatile boolean killSent;
  private volatile long triggeredAt;

  private KillableProcess(ProcessBuilder builder, Aim aim) throws IOException {
    builder.redirectErrorStream(true);
    this.process = builder.start();
    this.reader = new Thread(() -> read(aim), "output of " + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code builder}'s command; with {@code aim} null it is never killed. */
  public static KillableProcess start(ProcessBuilder builder, Aim aim) throws IOException {
    return new KillableProcess(requireNonNull(builder, "builder is null"), aim);
  }

  private void read(Aim aim) {
    boolean fired = aim == null;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String text; (text = in.readLine()) != null; ) {
        long now = System.nanoTime();
        synchronized (lines) {
          lines.add(new Line(now, text));
        }
        if (!fired && text.contains(aim.marker())) {
          fired = true;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!aim.trigger().getAsBoolean()
              && process.isAlive()
              && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          if (aim.trigger().getAsBoolean()) {
            triggeredAt = System.nanoTime();
            if (aim.delayNanos() >= 0) {
              waitUntil(triggeredAt + aim.delayNanos());
              killSent = true;
              // Through the handle: Process#destroyForcibly also closes our end of the pipes,
              // losing
              // whatever the process wrote before it died (or before it ended on its own).
              process.toHandle().destroyForcibly();
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sleeps most of the way and spins the rest: a sleep alone overshoots by up to a millisecond. */
  private static void waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left > 3_000_000) {
      try {
        Thread.sleep((left - 2_000_000) / 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    while (System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to end and its output to be read; kills it if it outlasts {@code
   * minutes}.
   */
  public Ended await(long minutes) throws InterruptedException {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      reader.join(TimeUnit.SECONDS.toMillis(10));
      throw new AssertionError(
          "The process did not end within "
              + minutes
              + " minute(s):\n"
              + new Ended(-1, false, 0, snapshot()).output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    int code = process.exitValue();
    return new Ended(code, killSent && code == SIGKILL_EXIT, triggeredAt, List.copyOf(snapshot()));
  }

  private List<Line> snapshot() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }
}
