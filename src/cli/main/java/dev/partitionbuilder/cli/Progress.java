package dev.partitionbuilder.cli;

import java.io.PrintWriter;
import java.time.YearMonth;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * "2024-03: building, 12 s" on the terminal while a month takes longer than a few seconds; nothing
 * when stderr is not a terminal (CI logs stay clean).
 */
final class Progress implements AutoCloseable {
  private static final long QUIET_SECONDS = 3;

  private final ScheduledExecutorService ticker;
  private final PrintWriter err;
  private volatile boolean shown;

  private Progress(ScheduledExecutorService ticker, PrintWriter err) {
    this.ticker = ticker;
    this.err = err;
  }

  static Progress start(PrintWriter err, YearMonth month) {
    if (System.console() == null) {
      return new Progress(null, err);
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "progress");
      thread.setDaemon(true);
      return thread;
    });
    Progress progress = new Progress(ticker, err);
    long start = System.nanoTime();
    ticker.scheduleAtFixedRate(() -> {
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      progress.shown = true;
      err.printf("\r%s: building, %d s ", month, seconds);
      err.flush();
    }, QUIET_SECONDS, 1, TimeUnit.SECONDS);
    return progress;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      if (shown) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
