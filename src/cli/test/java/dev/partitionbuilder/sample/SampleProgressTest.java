package dev.partitionbuilder.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What both sample writers tell a progress bar while they write: counts that only grow, ending at
 * the summary's.
 */
class SampleProgressTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final int EVENTS = 20_000;

  record Told(long events, int files, long bytes) {}

  @TempDir Path dir;
  private final List<Told> told = new ArrayList<>();

  @Test
  void theDailySampleTellsTheEventsFilesAndBytesWrittenAsItGoesEndingWithWhatItWrote() {
    SampleData.Summary summary =
        SampleData.generate(
            dir,
            MARCH,
            EVENTS,
            42,
            (events, files, bytes) -> told.add(new Told(events, files, bytes)));

    assertGrowingTo(new Told(EVENTS, summary.files(), summary.bytes()));
    // Between files too, not only when one is finished.
    assertThat(told)
        .hasSizeGreaterThanOrEqualTo(summary.files() + EVENTS / SampleData.PROGRESS_EVERY);
  }

  @Test
  void theRawCloudTrailSampleTellsTheEventsFilesAndBytesWrittenAsItGoesEndingWithWhatItWrote() {
    RawCloudTrailSample.Summary summary =
        RawCloudTrailSample.generate(
            dir,
            MARCH,
            EVENTS,
            42,
            "123456789012",
            "us-east-1",
            (events, files, bytes) -> told.add(new Told(events, files, bytes)));

    assertGrowingTo(new Told(EVENTS, summary.files(), summary.bytes()));
    assertThat(told).hasSizeGreaterThanOrEqualTo(summary.files());
  }

  @Test
  void theSameMonthWrittenWithAndWithoutAListenerIsTheSameSample() {
    SampleData.Summary quiet = SampleData.generate(dir.resolve("quiet"), MARCH, 3_000, 7);
    SampleData.Summary told =
        SampleData.generate(dir.resolve("told"), MARCH, 3_000, 7, (events, files, bytes) -> {});

    assertThat(told).isEqualTo(quiet);
  }

  private void assertGrowingTo(Told last) {
    assertThat(told).isNotEmpty();
    for (int i = 1; i < told.size(); i++) {
      Told before = told.get(i - 1);
      Told now = told.get(i);
      assertThat(now.events()).isGreaterThanOrEqualTo(before.events());
      assertThat(now.files()).isGreaterThanOrEqualTo(before.files());
      assertThat(now.bytes()).isGreaterThanOrEqualTo(before.bytes());
    }
    assertThat(told.getLast()).isEqualTo(last);
    assertThat(told.getFirst().events()).isLessThan(last.events());
  }
}
