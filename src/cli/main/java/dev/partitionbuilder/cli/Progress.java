package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.local.trino.QueryProgress;
import dev.partitionbuilder.sample.SampleProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run draws on stderr while it works, when stderr is a terminal: a bar redrawn in place
 * ({@code \r}) and erased when its work ends, so the lines printed after it start clean. Sample
 * generation shows the events written, files, bytes and the time left; a local month's build shows
 * its query's splits done of those known, and the rows and bytes it has read, as Trino counts them;
 * a month on Athena, or the engine starting, only what it is and how long it has taken. When stderr
 * is not a terminal nothing is drawn at all: the command's own lines are the whole output.
 */
final class Progress {
  private static final Logger log = LoggerFactory.getLogger(Progress.class);
  static final Duration INTERVAL = Duration.ofMillis(500);

  /**
   * Erases the whole line the cursor is on (ECMA-48 EL 2); the carriage return after it goes to its
   * start.
   */
  private static final String ERASE_LINE = "\033[2K\r";

  private final Screen screen;
  private final PrintWriter err;
  private final Duration interval;
  private ScheduledExecutorService poller;

  Progress(Screen screen, PrintWriter err, Duration interval) {
    this.screen = requireNonNull(screen, "screen is null");
    this.err = requireNonNull(err, "err is null");
    this.interval = requireNonNull(interval, "interval is null");
  }

  /** A drawn piece of progress; closing erases it, and never fails. */
  interface Bar extends AutoCloseable {
    @Override
    void close();
  }

  /** Told by the sample writer how far it has got. */
  interface SampleBar extends Bar, SampleProgress {}

  /**
   * {@code 2024-03 sample 45% ▕█████▌ ▏ 900,000/2,000,000 events, 27 files, 81.2 MiB, 0:12 elapsed,
   * 0:15 left}.
   */
  SampleBar sample(YearMonth month, long events) {
    if (!screen.bars()) {
      return new SampleBar() {
        @Override
        public void written(long written, int files, long bytes) {}

        @Override
        public void close() {}
      };
    }
    ProgressBar bar = bar(month + " sample", events, " events");
    return new SampleBar() {
      @Override
      public void written(long written, int files, long bytes) {
        bar.setExtraMessage(
            String.format(Locale.ROOT, "%,d files, %s", files, Summary.bytes(bytes)));
        bar.stepTo(written);
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }

  /**
   * {@code 2024-03 37% ▕████▍ ▏ 45/120 splits, 1,234,567 rows, 120.3 MiB read, 0:08 elapsed, 0:13
   * left}: the query running now, read every interval from {@code query} (empty between queries,
   * when the bar stays as it was).
   */
  Bar month(YearMonth month, Supplier<Optional<QueryProgress>> query) {
    if (!screen.bars()) {
      return () -> {};
    }
    ProgressBar bar = bar(month.toString(), -1, " splits");
    bar.setExtraMessage("starting");
    ScheduledFuture<?> polling =
        poller()
            .scheduleAtFixedRate(
                () -> {
                  try {
                    query
                        .get()
                        .ifPresent(
                            q -> {
                              bar.setExtraMessage(
                                  String.format(
                                      Locale.ROOT,
                                      "%,d rows, %s read",
                                      q.rowsRead(),
                                      Summary.bytes(q.bytesRead())));
                              bar.maxHint(q.totalSplits());
                              bar.stepTo(q.completedSplits());
                            });
                  } catch (RuntimeException e) {
                    // The bar stands still; the build goes on. Thrown out of here, the executor
                    // would stop polling silently.
                    log.info("Cannot read the progress of {}'s query: {}", month, e.toString(), e);
                  }
                },
                0,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    return () -> {
      polling.cancel(false);
      bar.close();
    };
  }

  /**
   * {@code 2024-03: building on Athena, 1:12}: work whose progress cannot be told, and its time so
   * far.
   */
  Bar status(String what) {
    if (!screen.bars()) {
      return () -> {};
    }
    ProgressBar bar =
        builder(what)
            .setRenderer(
                (state, width) ->
                    trim(state.getTaskName() + ", " + clock(state.getTotalElapsed()), width))
            .build();
    return bar::close;
  }

  private ProgressBar bar(String task, long max, String unit) {
    return builder(task)
        .setInitialMax(max)
        .setRenderer(new CountRenderer(unit, screen.unicode(), screen.err()))
        .build();
  }

  private ProgressBarBuilder builder(String task) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setUpdateIntervalMillis((int) interval.toMillis())
        // Redrawn even when the count stands still: the time taken goes on.
        .continuousUpdate()
        .clearDisplayOnFinish()
        .setConsumer(new Line());
  }

  private synchronized ScheduledExecutorService poller() {
    if (poller == null) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "progress");
                thread.setDaemon(true);
                return thread;
              });
    }
    return poller;
  }

  /** {@code 0:42}, {@code 12:05}, {@code 1:02:03}. */
  static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String trim(String line, int width) {
    return line.length() <= width ? line : line.substring(0, Math.max(0, width));
  }

  /**
   * Where the bar library draws: the command's stderr, one line redrawn in place, erased at the
   * end.
   */
  private final class Line implements ProgressBarConsumer {
    @Override
    public int getMaxRenderedLength() {
      // One column short of the width, so the line never wraps onto the next.
      return screen.width().getAsInt() - 1;
    }

    @Override
    public void accept(String rendered) {
      synchronized (err) {
        err.print('\r');
        err.print(rendered);
        err.flush();
      }
    }

    @Override
    public void clear() {
      synchronized (err) {
        err.print(ERASE_LINE);
        err.flush();
      }
    }

    @Override
    public void close() {
      err.flush();
    }
  }

  /**
   * {@code task 45% ▕█████▌ ▏ 900,000/2,000,000 events, 27 files, 81.2 MiB, 0:12 elapsed, 0:15
   * left}: the bar at least {@value #MIN_BAR} columns wide, and on a narrow terminal the time
   * taken, then the extra message, then the time left left out, in that order, so the line never
   * wraps.
   */
  static final class CountRenderer implements ProgressBarRenderer {
    static final int MIN_BAR = 10;
    private static final String EIGHTHS = " ▏▎▍▌▋▊▉";

    private final String unit;
    private final boolean unicode;
    private final Screen.Paint paint;

    CountRenderer(String unit, boolean unicode, Screen.Paint paint) {
      this.unit = unit;
      this.unicode = unicode;
      this.paint = paint;
    }

    @Override
    public String render(ProgressState progress, int width) {
      boolean known = !progress.isIndefinite() && progress.getMax() > 0;
      double done = known ? Math.min(1, (double) progress.getCurrent() / progress.getMax()) : 0;
      String head =
          progress.getTaskName()
              + " "
              + (known ? String.format(Locale.ROOT, "%3d%%", (int) (done * 100)) : "    ");
      String ratio =
          String.format(
              Locale.ROOT,
              "%,d/%s%s",
              progress.getCurrent(),
              known ? String.format(Locale.ROOT, "%,d", progress.getMax()) : "?",
              unit);
      String extra = progress.getExtraMessage().isEmpty() ? "" : ", " + progress.getExtraMessage();
      String elapsed = ", " + clock(progress.getTotalElapsed()) + " elapsed";
      String left = timeLeft(progress).map(d -> ", " + clock(d) + " left").orElse("");
      for (String tail :
          List.of(ratio + extra + elapsed + left, ratio + extra + left, ratio + left, ratio)) {
        int bar = width - head.length() - tail.length() - 4;
        if (bar >= MIN_BAR) {
          return head + " " + bar(done, bar) + " " + tail;
        }
      }
      return trim(head + " " + ratio, width);
    }

    /** {@code ▕████▌ ▏}, or {@code [====> ]} where Unicode cannot be written. */
    private String bar(double done, int width) {
      int eighths = (int) (done * width * 8);
      int full = eighths / 8;
      StringBuilder filled = new StringBuilder();
      filled.append((unicode ? "█" : "=").repeat(full));
      if (full < width && eighths % 8 > 0) {
        filled.append(unicode ? EIGHTHS.charAt(eighths % 8) : '>');
      }
      String empty = " ".repeat(width - filled.length());
      return (unicode ? "▕" : "[") + paint.green(filled.toString()) + empty + (unicode ? "▏" : "]");
    }

    private static Optional<Duration> timeLeft(ProgressState progress) {
      long done = progress.getCurrent() - progress.getStart();
      if (progress.isIndefinite() || progress.getMax() <= 0 || done <= 0) {
        return Optional.empty();
      }
      return Optional.of(
          progress
              .getElapsedAfterStart()
              .dividedBy(done)
              .multipliedBy(progress.getMax() - progress.getCurrent()));
    }
  }
}
