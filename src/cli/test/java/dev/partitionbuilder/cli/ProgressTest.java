package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.local.trino.QueryProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The bars as a terminal receives them (every frame after a carriage return, the last one erased),
 * and nothing at all when stderr is not a terminal.
 */
class ProgressTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final Duration TICK = Duration.ofMillis(20);
  private static final String ERASE_LINE = "\033[2K\r";

  private final StringWriter err = new StringWriter();

  private Progress progress(boolean terminal, boolean colour, int width) {
    return new Progress(
        new Screen(terminal, terminal, colour, () -> width, StandardCharsets.UTF_8),
        new PrintWriter(err, true),
        TICK);
  }

  @Test
  void onATerminalTheSampleBarIsRedrawnInPlaceWithTheEventsFilesBytesAndTimeLeftAndErasedAtTheEnd()
      throws Exception {
    try (Progress.SampleBar bar = progress(true, false, 120).sample(MARCH, 10_000)) {
      bar.written(1_000, 1, 1_024);
      waitForFrame("1,000/10,000 events, 1 files");
      bar.written(5_000, 3, 10_240);
      waitForFrame("5,000/10,000 events, 3 files");
    }

    List<String> frames = frames();
    assertThat(frames)
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("2024-03 sample  10% ▕█")
                    .contains(" 1,000/10,000 events, 1 files, 1.0 KiB, ")
                    .endsWith(" left"));
    assertThat(frames)
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("2024-03 sample  50% ▕█")
                    .contains(" 5,000/10,000 events, 3 files, 10.0 KiB, "));
    assertThat(frames).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(119));
    assertThat(err.toString()).doesNotContain("\n").endsWith(ERASE_LINE);
  }

  @Test
  @SuppressWarnings("try") // a bar draws while it is open: the test watches what it draws
  void onATerminalTheMonthBarShowsItsQuerysSplitsRowsAndBytesAsTrinoCountsThem() throws Exception {
    AtomicReference<Optional<QueryProgress>> query = new AtomicReference<>(Optional.empty());
    try (Progress.Bar bar = progress(true, false, 120).month(MARCH, query::get)) {
      waitForFrame("0/? splits, starting");
      query.set(Optional.of(new QueryProgress(3, 12, 123_456, 5 << 20)));
      waitForFrame("3/12 splits, 123,456 rows");
      query.set(Optional.of(new QueryProgress(12, 12, 2_000_100, 360 << 20)));
      waitForFrame("12/12 splits, 2,000,100 rows");
      // Between queries the bar stays as it was.
      query.set(Optional.empty());
      Thread.sleep(TICK.toMillis() * 3);
    }

    List<String> frames = frames();
    assertThat(frames)
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("2024-03  25% ▕")
                    .contains(" 3/12 splits, 123,456 rows, 5.0 MiB read, "));
    assertThat(frames.getLast())
        .startsWith("2024-03 100% ▕")
        .contains(" 12/12 splits, 2,000,100 rows, 360.0 MiB read");
    assertThat(err.toString()).doesNotContain("\n").endsWith(ERASE_LINE);
  }

  @Test
  void onANarrowTerminalTheLineNeverWrapsAndDropsTheTimeTakenThenTheFilesThenTheTimeLeft()
      throws Exception {
    for (int width : new int[] {50, 64, 80, 100, 120, 200}) {
      err.getBuffer().setLength(0);
      try (Progress.SampleBar bar = progress(true, false, width).sample(MARCH, 2_000_000)) {
        bar.written(1_234_567, 40, 250L << 20);
        waitForFrame("2024-03 sample  61%");
      }
      assertThat(frames())
          .allSatisfy(
              f ->
                  assertThat(f.length())
                      .as("at %d columns: %s", width, f)
                      .isLessThanOrEqualTo(width - 1));
      String last = frames().getLast();
      if (width >= 120) {
        assertThat(last).contains(" elapsed, ");
      }
      if (width >= 100) {
        assertThat(last).contains(", 40 files, 250.0 MiB, ");
      }
      if (width >= 80) {
        assertThat(last).endsWith(" left");
      }
      if (width >= 64) {
        assertThat(last)
            .startsWith("2024-03 sample  61% ▕█")
            .contains("▏ 1,234,567/2,000,000 events");
      } else {
        assertThat(last)
            .isEqualTo(
                "2024-03 sample  61% 1,234,567/2,000,000 events"
                    .substring(0, Math.min(46, width - 1)));
      }
    }
  }

  @Test
  void withColoursTheDoneBlocksAreGreenAndWithoutThemTheLineHoldsNoEscapeButTheErase()
      throws Exception {
    try (Progress.SampleBar bar = progress(true, true, 120).sample(MARCH, 100)) {
      bar.written(50, 1, 1);
      waitForFrame("50/100 events");
    }
    assertThat(frames()).anySatisfy(f -> assertThat(f).contains("▕\033[32m█"));

    err.getBuffer().setLength(0);
    try (Progress.SampleBar bar = progress(true, false, 120).sample(MARCH, 100)) {
      bar.written(50, 1, 1);
      waitForFrame("50/100 events");
    }
    assertThat(err.toString().replace(ERASE_LINE, "")).doesNotContain("\033");
  }

  @Test
  void whereUnicodeCannotBeWrittenTheBarIsAscii() throws Exception {
    Progress ascii =
        new Progress(
            new Screen(true, true, false, () -> 100, StandardCharsets.US_ASCII),
            new PrintWriter(err, true),
            TICK);
    try (Progress.SampleBar bar = ascii.sample(MARCH, 100)) {
      bar.written(50, 1, 1);
      waitForFrame("50/100 events");
    }
    assertThat(frames())
        .anySatisfy(
            f -> assertThat(f).containsPattern("^2024-03 sample  50% \\[=+>? +\\] 50/100 events"));
  }

  @Test
  @SuppressWarnings("try") // a bar draws while it is open: the test watches what it draws
  void aStatusShowsWhatRunsAndHowLongItHasTaken() throws Exception {
    try (Progress.Bar bar = progress(true, false, 80).status("Starting the local engine")) {
      waitForFrame("Starting the local engine, 0:00");
    }
    assertThat(frames())
        .allSatisfy(f -> assertThat(f).matches("Starting the local engine, 0:0\\d"));
  }

  @Test
  @SuppressWarnings("try") // a bar draws while it is open: the test watches what it draws
  void nothingIsDrawnAtAllWhenStderrIsNotATerminal() throws Exception {
    Progress progress = progress(false, true, 120);
    try (Progress.SampleBar sample = progress.sample(MARCH, 100);
        Progress.Bar month =
            progress.month(MARCH, () -> Optional.of(new QueryProgress(1, 2, 3, 4)));
        Progress.Bar status = progress.status("Starting the local engine")) {
      sample.written(50, 1, 1);
      Thread.sleep(TICK.toMillis() * 5);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aScreenFollowsTermAndNoColor() {
    Screen plain = Screen.of(true, true, Map.of(), () -> 80, StandardCharsets.UTF_8);
    assertThat(plain.bars()).isTrue();
    assertThat(plain.out().on()).isTrue();
    assertThat(plain.err().on()).isTrue();
    assertThat(plain.withoutColour().out().on()).isFalse();
    assertThat(plain.withoutColour().bars()).isTrue();

    Screen noColor =
        Screen.of(true, true, Map.of("NO_COLOR", "1"), () -> 80, StandardCharsets.UTF_8);
    assertThat(noColor.bars()).isTrue();
    assertThat(noColor.out().on()).isFalse();
    assertThat(noColor.err().on()).isFalse();
    // no-color.org: set and not empty.
    assertThat(
            Screen.of(true, true, Map.of("NO_COLOR", ""), () -> 80, StandardCharsets.UTF_8)
                .out()
                .on())
        .isTrue();

    Screen dumb = Screen.of(true, true, Map.of("TERM", "dumb"), () -> 80, StandardCharsets.UTF_8);
    assertThat(dumb.bars()).isFalse();
    assertThat(dumb.out().on()).isFalse();

    Screen redirected = Screen.of(false, true, Map.of(), () -> 80, StandardCharsets.UTF_8);
    assertThat(redirected.bars()).isFalse();
    assertThat(redirected.err().on()).isFalse();
    assertThat(redirected.out().on()).isTrue();
    assertThat(redirected.out().green("built")).isEqualTo("\033[32mbuilt\033[0m");
    assertThat(redirected.err().green("built")).isEqualTo("built");
  }

  /** The frames drawn so far: what follows each carriage return, the erase left out. */
  private List<String> frames() {
    return Arrays.stream(err.toString().replace(ERASE_LINE, "").split("\r"))
        .filter(f -> !f.isEmpty())
        .toList();
  }

  private void waitForFrame(String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!err.toString().contains(text)) {
      assertThat(System.nanoTime())
          .as("a frame with \"%s\" in: %s", text, err)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
