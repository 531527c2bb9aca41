package dev.partitionbuilder.sample;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.partitionbuilder.core.MonthFormat;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a month of made-up but realistic CloudTrail events in the source table's layout, {@code
 * sourceRoot/YYYY/MM/DD/cloudtrail_YYYYMMDD_NNN.json.gz}: one to three gzip files a day, each
 * holding one JSON event per line (NDJSON, not CloudTrail's {"Records": [...]} wrapper).
 *
 * <p>The output depends only on the month, the event count and the seed: the same three give the
 * same bytes (the JDK's gzip header carries no timestamp). The accounts, users and roles depend on
 * the seed alone, so consecutive months look like one trail; the events themselves, event IDs
 * included, differ from month to month.
 *
 * <p>A few lines are malformed on purpose, as a failed upload leaves them: one per 20,000 events
 * and at least two a month from 1,000 events up, half of them a JSON object cut short and half not
 * JSON. The source table skips them ({@code ignore.malformed.json}); they come on top of the events
 * asked for.
 */
public final class SampleData {
  public static final int DEFAULT_EVENTS = 100_000;

  static final int EVENTS_PER_MALFORMED_LINE = 20_000;

  /** How often, in events, a generation tells its {@link SampleProgress} between files. */
  static final int PROGRESS_EVERY = 4_096;

  static final int MIN_EVENTS_FOR_MALFORMED = 1_000;
  private static final String[] NOT_JSON = {
    "not json at all", "<html><body><h1>503 Service Unavailable</h1></body></html>"
  };

  /** Relative activity per hour of the day, in UTC: office hours are busier than the night. */
  private static final int[] HOURLY = {
    2, 2, 2, 2, 2, 3, 4, 6, 9, 10, 10, 10, 9, 10, 10, 10, 9, 8, 6, 5, 4, 3, 3, 2
  };

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * What one call wrote.
   *
   * @param lines every line written, the malformed ones included
   * @param malformedLines lines that are not one well-formed JSON event
   * @param files gzip files written
   * @param bytes their total size on disk, compressed
   */
  public record Summary(YearMonth month, long lines, long malformedLines, int files, long bytes) {}

  private SampleData() {}

  /**
   * Replaces the files of {@code month} under {@code sourceRoot} (the directory holding the {@code
   * YYYY/} directories) with {@code events} well-formed events plus a few malformed lines, spread
   * over every day of the month. Other months are not touched.
   */
  public static Summary generate(Path sourceRoot, YearMonth month, int events, long seed) {
    return generate(sourceRoot, month, events, seed, SampleProgress.NONE);
  }

  /**
   * As {@link #generate(Path, YearMonth, int, long)}, telling {@code progress} how far it has got.
   */
  public static Summary generate(
      Path sourceRoot, YearMonth month, int events, long seed, SampleProgress progress) {
    requireNonNull(sourceRoot, "sourceRoot is null");
    requireNonNull(progress, "progress is null");
    requireNonNull(month, "month is null");
    if (events < 0) {
      throw new IllegalArgumentException("events must be 0 or more, got " + events);
    }
    Path monthDir = sourceRoot.resolve(MonthFormat.year(month)).resolve(MonthFormat.month(month));
    // Written beside the month and moved into place whole, so a run stopped midway (Ctrl-C, kill
    // -9)
    // never leaves a partial month that the next run would take for the month's data.
    Path partial =
        monthDir.resolveSibling(
            "." + monthDir.getFileName() + ".generating-" + Long.toHexString(System.nanoTime()));
    try {
      deleteLeftovers(monthDir);
      Files.createDirectories(partial);
      Summary summary = new Writer(month, events, seed, progress).write(partial);
      deleteRecursively(monthDir);
      Files.move(partial, monthDir, StandardCopyOption.ATOMIC_MOVE);
      return summary;
    } catch (IOException | UncheckedIOException e) {
      throw new PartitionBuilderException(
          "Cannot write sample CloudTrail files for "
              + month
              + " under "
              + monthDir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Malformed lines written on top of {@code events} well-formed ones. */
  static int malformedLines(int events) {
    return events < MIN_EVENTS_FOR_MALFORMED ? 0 : Math.max(2, events / EVENTS_PER_MALFORMED_LINE);
  }

  /** What an earlier generation of this month, stopped midway, left beside it. */
  private static void deleteLeftovers(Path monthDir) throws IOException {
    if (!Files.isDirectory(monthDir.getParent())) {
      return;
    }
    String prefix = "." + monthDir.getFileName() + ".generating-";
    try (Stream<Path> siblings = Files.list(monthDir.getParent())) {
      for (Path sibling :
          siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        deleteRecursively(sibling);
      }
    }
  }

  /**
   * Deletes {@code dir} and everything below it, never following a link out of it; nothing if it is
   * not there.
   */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** One month's worth of writing; all randomness comes from one generator, in a fixed order. */
  private static final class Writer {
    private final YearMonth month;
    private final int events;
    private final SplittableRandom random;
    private final SampleEvent event;
    private final long[] malformedAt;
    private final SampleProgress progress;
    private long written;
    private long lines;
    private int malformedWritten;
    private int files;
    private long bytes;

    Writer(YearMonth month, int events, long seed, SampleProgress progress) {
      this.month = month;
      this.events = events;
      this.progress = progress;
      // The actors follow the seed only; the events follow the seed and the month.
      this.random =
          new SplittableRandom(seed * 1_000_003L + month.getYear() * 12L + month.getMonthValue());
      this.event = new SampleEvent(new Actors(seed), random);
      this.malformedAt = malformedPositions(events, random);
    }

    Summary write(Path monthDir) throws IOException {
      int[] perDay = spreadOverDays(month, events, random);
      long index = 0;
      for (int d = 0; d < perDay.length; d++) {
        LocalDate date = month.atDay(d + 1);
        Path dayDir =
            Files.createDirectories(monthDir.resolve(String.format(Locale.ROOT, "%02d", d + 1)));
        int[] seconds = secondsOfDay(perDay[d], random);
        int fileCount = Math.max(1, Math.min(1 + random.nextInt(3), perDay[d]));
        SampleEvent.Day day = SampleEvent.Day.of(date);
        int from = 0;
        for (int f = 0; f < fileCount; f++) {
          int count = perDay[d] / fileCount + (f < perDay[d] % fileCount ? 1 : 0);
          Path file =
              dayDir.resolve(
                  String.format(
                      Locale.ROOT,
                      "cloudtrail_%04d%02d%02d_%03d.json.gz",
                      date.getYear(),
                      date.getMonthValue(),
                      date.getDayOfMonth(),
                      f));
          writeFile(file, day, Arrays.copyOfRange(seconds, from, from + count), index);
          from += count;
          index += count;
        }
      }
      return new Summary(month, lines, malformedWritten, files, bytes);
    }

    private void writeFile(Path file, SampleEvent.Day day, int[] seconds, long firstIndex)
        throws IOException {
      try (OutputStream out =
              new BufferedOutputStream(
                  new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16);
          JsonGenerator g = JSON.createGenerator(out)) {
        g.setRootValueSeparator(null);
        for (int i = 0; i < seconds.length; i++) {
          while (malformedWritten < malformedAt.length
              && malformedAt[malformedWritten] == firstIndex + i) {
            g.writeRaw(malformedLine(day, seconds[i]));
            g.writeRaw('\n');
            malformedWritten++;
            lines++;
          }
          event.write(g, day, seconds[i]);
          g.writeRaw('\n');
          lines++;
          if (++written % PROGRESS_EVERY == 0) {
            progress.written(written, files, bytes);
          }
        }
      }
      files++;
      bytes += Files.size(file);
      progress.written(written, files, bytes);
    }

    /** Every other one is an event cut short, the rest are not JSON at all. */
    private String malformedLine(SampleEvent.Day day, int secondOfDay) throws IOException {
      if (malformedWritten % 2 == 1) {
        return NOT_JSON[malformedWritten / 2 % NOT_JSON.length];
      }
      StringWriter text = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(text)) {
        event.write(g, day, secondOfDay);
      }
      String event = text.toString();
      // A cut object never parses: its closing brace is the last character.
      return event.substring(0, event.length() * (3 + random.nextInt(5)) / 10);
    }
  }

  /** Weekdays busier than weekends, each day a little different; sums to exactly {@code events}. */
  static int[] spreadOverDays(YearMonth month, int events, SplittableRandom random) {
    int days = month.lengthOfMonth();
    double[] weights = new double[days];
    double total = 0;
    for (int d = 0; d < days; d++) {
      DayOfWeek dow = month.atDay(d + 1).getDayOfWeek();
      boolean weekend = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
      weights[d] = (weekend ? 0.45 : 1.0) * (0.85 + 0.3 * random.nextDouble());
      total += weights[d];
    }
    int[] counts = new int[days];
    double[] remainders = new double[days];
    long assigned = 0;
    for (int d = 0; d < days; d++) {
      double exact = events * weights[d] / total;
      counts[d] = (int) exact;
      remainders[d] = exact - counts[d];
      assigned += counts[d];
    }
    // Largest remainders first; ties go to the earlier day, so the result is deterministic.
    Integer[] order = new Integer[days];
    Arrays.setAll(order, d -> d);
    Arrays.sort(
        order, Comparator.comparingDouble((Integer d) -> -remainders[d]).thenComparing(d -> d));
    for (int i = 0; i < events - assigned; i++) {
      counts[order[i]]++;
    }
    return counts;
  }

  /** {@code count} seconds of one day, in order, denser in office hours. */
  static int[] secondsOfDay(int count, SplittableRandom random) {
    int totalWeight = Arrays.stream(HOURLY).sum();
    int[] seconds = new int[count];
    for (int i = 0; i < count; i++) {
      int x = random.nextInt(totalWeight);
      int hour = 0;
      while (x >= HOURLY[hour]) {
        x -= HOURLY[hour++];
      }
      seconds[i] = hour * 3600 + random.nextInt(3600);
    }
    Arrays.sort(seconds);
    return seconds;
  }

  /**
   * Indexes of the events the malformed lines go just before: one in each equal stretch of the
   * month.
   */
  private static long[] malformedPositions(int events, SplittableRandom random) {
    int count = malformedLines(events);
    long[] at = new long[count];
    for (int k = 0; k < count; k++) {
      long from = (long) events * k / count;
      long to = (long) events * (k + 1) / count;
      at[k] = from + random.nextLong(to - from);
    }
    return at;
  }
}
