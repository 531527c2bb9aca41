package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.QueryExecution.State;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AthenaCostTest {
  private static final long MB = 1L << 20;

  @Test
  void aQueryIsBilledInWholeMegabytesRoundedUpAboveTheTenMegabyteMinimum() {
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 10 * MB)).isEqualTo(10);
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 10 * MB + 1)).isEqualTo(11);
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 11 * MB)).isEqualTo(11);
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 1L << 40)).isEqualTo(1L << 20);
  }

  @Test
  void theTenMegabyteMinimumIsBilledEvenForAQueryThatScannedNothing() {
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 0)).isEqualTo(10);
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 1)).isEqualTo(10);
    assertThat(AthenaCost.billedMegabytes(State.SUCCEEDED, 10 * MB - 1)).isEqualTo(10);
  }

  @Test
  void aFailedQueryIsBilledNothingAndACancelledOrStoppedOneWhatItScanned() {
    assertThat(AthenaCost.billedMegabytes(State.FAILED, 50 * MB)).isZero();
    assertThat(AthenaCost.billedMegabytes(State.CANCELLED, 50 * MB)).isEqualTo(50);
    assertThat(AthenaCost.billedMegabytes(State.RUNNING, 3 * MB)).isEqualTo(10);
  }

  @Test
  void billingNegativeBytesIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> AthenaCost.billedMegabytes(State.SUCCEEDED, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void theCostIsExactlyFiveDollarsPerBinaryTerabyte() {
    assertThat(AthenaCost.usd(1L << 20)).isEqualByComparingTo("5");
    assertThat(AthenaCost.usd(10)).isEqualByComparingTo("0.0000476837158203125");
    assertThat(AthenaCost.usd(0)).isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Test
  void aFailedRunsSummaryKeepsTheFailedQuerysIdAndBytesAndABusyMonthIsBusyWithNoQuery() {
    QueryExecution cancelled =
        new QueryExecution(
            "q-9",
            State.CANCELLED,
            Instant.EPOCH,
            Optional.empty(),
            null,
            null,
            false,
            20 * MB + 5,
            4_000);
    RunSummary stopped =
        RunSummary.failed(
            YearMonth.of(2024, 3),
            "m-1",
            new QueryFailedException("Cannot build 2024-03: query q-9 was stopped", cancelled),
            Duration.ofSeconds(7));
    assertThat(stopped.outcome()).isEqualTo(RunSummary.Outcome.FAILED);
    assertThat(stopped.queryExecutionId()).contains("q-9");
    assertThat(stopped.bytesScanned()).isEqualTo(20 * MB + 5);
    assertThat(stopped.billedMegabytes()).isEqualTo(21);
    assertThat(stopped.error()).contains("Cannot build 2024-03: query q-9 was stopped");

    RunSummary busy =
        RunSummary.failed(
            YearMonth.of(2024, 3),
            "m-2",
            new MonthBusyException("held\nby m-1"),
            Duration.ofMillis(40));
    assertThat(busy.outcome()).isEqualTo(RunSummary.Outcome.BUSY);
    assertThat(busy.queryExecutionId()).isEmpty();
    assertThat(busy.estimatedCostUsd()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(busy.error()).contains("held by m-1");
  }
}
