package dev.partitionbuilder.sample;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.partitionbuilder.core.MonthFormat;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A month of the same made-up events as {@link SampleData}, laid out as CloudTrail delivers them:
 * {@code
 * root/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz},
 * each file one JSON object {@code {"Records":[...]}} holding the events delivered in one hour.
 *
 * <p>A file sits under the day it was delivered, not the day of its events: most events are
 * delivered 1 to 15 minutes after they happen, 3% up to 12 hours after, so the last hours of a
 * month partly land in the next month's first day. A file holds events of one month only; the
 * month's files are those whose first record is of the month, and generating a month replaces
 * exactly those, wherever they lie, touching no other month's. The new files are written beside the
 * tree first and moved in one by one, so a stopped run leaves whole files only.
 */
public final class RawCloudTrailSample {
  public static final String DEFAULT_ACCOUNT = "123456789012";
  public static final String DEFAULT_REGION = "us-east-1";

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'", Locale.ROOT);
  private static final double LATE_RATE = 0.03;
  private static final int MAX_DELAY_SECONDS = 12 * 3600;

  /**
   * What one call wrote.
   *
   * @param records events written, all of the month
   * @param deliveredNextMonth those of them in files delivered in the next month
   * @param directory the region's directory, holding the {@code YYYY/} directories
   */
  public record Summary(
      YearMonth month,
      long records,
      long deliveredNextMonth,
      int files,
      long bytes,
      Path directory) {}

  private RawCloudTrailSample() {}

  /**
   * The region's directory under {@code root}, the bucket's stand-in, as CloudTrail lays it out.
   */
  static Path regionDirectory(Path root, String account, String region) {
    return root.resolve("AWSLogs").resolve(account).resolve("CloudTrail").resolve(region);
  }

  static Summary generate(
      Path root, YearMonth month, int events, long seed, String account, String region) {
    return generate(root, month, events, seed, account, region, SampleProgress.NONE);
  }

  /**
   * As {@link #generate(Path, YearMonth, int, long, String, String)}, telling {@code progress} how
   * far it has got.
   */
  public static Summary generate(
      Path root,
      YearMonth month,
      int events,
      long seed,
      String account,
      String region,
      SampleProgress progress) {
    requireNonNull(root, "root is null");
    requireNonNull(progress, "progress is null");
    requireNonNull(month, "month is null");
    if (events < 0) {
      throw new IllegalArgumentException("events must be 0 or more, got " + events);
    }
    if (!ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException(
          "account \"" + account + "\" is not a 12-digit AWS account ID");
    }
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "region \"" + region + "\" is not an AWS Region such as us-east-1");
    }
    Path dir = regionDirectory(root, account, region);
    Path staging =
        dir.resolveSibling("." + region + ".generating-" + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectories(staging);
      Summary summary =
          new Writer(month, events, seed, account, region, progress).write(staging, dir);
      replace(dir, staging, month);
      return summary;
    } catch (IOException | UncheckedIOException e) {
      throw new PartitionBuilderException(
          "Cannot write sample raw CloudTrail files for "
              + month
              + " under "
              + dir
              + ": "
              + e.getMessage(),
          e);
    } finally {
      try {
        SampleData.deleteRecursively(staging);
      } catch (IOException e) {
        // What is left is hidden from the table (a leading dot) and removed by the next run.
      }
    }
  }

  /**
   * Deletes the month's old files (its days and the next month's first days), then moves the new
   * ones in.
   */
  private static void replace(Path dir, Path staging, YearMonth month) throws IOException {
    for (YearMonth m : List.of(month, month.plusMonths(1))) {
      Path monthDir = dir.resolve(MonthFormat.path(m));
      if (!Files.isDirectory(monthDir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(monthDir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          if (m.equals(month) || file.getParent().getFileName().toString().compareTo("03") <= 0) {
            if (firstRecordMonth(file).filter(month::equals).isPresent()) {
              Files.delete(file);
            }
          }
        }
      }
    }
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        Path target = dir.resolve(staging.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /** The month of a CloudTrail file's first record, or empty when it is not such a file. */
  static java.util.Optional<YearMonth> firstRecordMonth(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
        JsonParser p = JSON.createParser(in)) {
      while (p.nextToken() != null) {
        if (p.currentToken() == JsonToken.FIELD_NAME
            && p.currentName().equals("eventTime")
            && p.nextToken() == JsonToken.VALUE_STRING
            && p.getText().length() >= 7) {
          return java.util.Optional.of(YearMonth.parse(p.getText().substring(0, 7)));
        }
      }
      return java.util.Optional.empty();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static final class Writer {
    private final YearMonth month;
    private final int events;
    private final SplittableRandom random;
    private final SampleEvent event;
    private final String account;
    private final String region;
    private final TreeMap<Long, DeliveryFile> open = new TreeMap<>();
    private final SampleProgress progress;
    private long written;
    private long nextMonth;
    private int files;
    private long bytes;

    Writer(
        YearMonth month,
        int events,
        long seed,
        String account,
        String region,
        SampleProgress progress) {
      this.month = month;
      this.progress = progress;
      this.events = events;
      // Another stream than the NDJSON sample's, so the two layouts are not one month twice.
      this.random =
          new SplittableRandom(seed * 1_000_033L + month.getYear() * 12L + month.getMonthValue());
      this.event = new SampleEvent(new Actors(seed), random);
      this.account = account;
      this.region = region;
    }

    Summary write(Path staging, Path dir) throws IOException {
      long nextMonthStart = month.plusMonths(1).atDay(1).toEpochDay() * 86_400;
      int[] perDay = SampleData.spreadOverDays(month, events, random);
      for (int d = 0; d < perDay.length; d++) {
        LocalDate date = month.atDay(d + 1);
        SampleEvent.Day day = SampleEvent.Day.of(date);
        for (int second : SampleData.secondsOfDay(perDay[d], random)) {
          long time = day.epochSecond() + second;
          // No event can be delivered in an hour that ended before it happened.
          while (!open.isEmpty() && (open.firstKey() + 1) * 3600 <= time) {
            close(open.pollFirstEntry().getValue());
          }
          StringWriter json = new StringWriter(2048);
          try (JsonGenerator g = JSON.createGenerator(json)) {
            event.write(g, day, second);
          }
          long delivered = time + delay();
          if (delivered >= nextMonthStart) {
            nextMonth++;
          }
          open.computeIfAbsent(delivered / 3600, hour -> create(staging, hour))
              .add(json.toString());
          if (++written % SampleData.PROGRESS_EVERY == 0) {
            progress.written(written, files, bytes);
          }
        }
      }
      for (DeliveryFile file : open.values()) {
        close(file);
      }
      open.clear();
      return new Summary(month, events, nextMonth, files, bytes, dir);
    }

    private long delay() {
      return random.nextDouble() < LATE_RATE
          ? 900 + random.nextInt(MAX_DELAY_SECONDS - 900)
          : 60 + random.nextInt(840);
    }

    private DeliveryFile create(Path staging, long hour) {
      LocalDateTime at =
          LocalDateTime.ofEpochSecond(hour * 3600 + 300L * random.nextInt(12), 0, ZoneOffset.UTC);
      String name =
          account
              + "_CloudTrail_"
              + region
              + "_"
              + at.format(FILE_TIME)
              + "_"
              + RandomValues.upperAlnum(random, 16)
              + ".json.gz";
      Path file =
          staging
              .resolve(
                  String.format(
                      Locale.ROOT,
                      "%04d/%02d/%02d",
                      at.getYear(),
                      at.getMonthValue(),
                      at.getDayOfMonth()))
              .resolve(name);
      try {
        Files.createDirectories(file.getParent());
        return new DeliveryFile(
            file,
            new BufferedOutputStream(
                new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void close(DeliveryFile file) throws IOException {
      file.out.write("]}".getBytes(StandardCharsets.UTF_8));
      file.out.close();
      files++;
      bytes += Files.size(file.path);
      progress.written(written, files, bytes);
    }
  }

  /** One delivery file being written: {"Records":[ then the events, comma-separated. */
  private static final class DeliveryFile {
    final Path path;
    final OutputStream out;
    int records;

    DeliveryFile(Path path, OutputStream out) {
      this.path = path;
      this.out = out;
    }

    void add(String event) {
      try {
        out.write((records == 0 ? "{\"Records\":[" : ",").getBytes(StandardCharsets.UTF_8));
        out.write(event.getBytes(StandardCharsets.UTF_8));
        records++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
