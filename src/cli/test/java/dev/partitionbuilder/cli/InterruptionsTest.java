package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The signal handling on its own, with the process's halt replaced by a record of the codes. */
class InterruptionsTest {
  private final StringWriter err = new StringWriter();
  private final List<Integer> halted = new CopyOnWriteArrayList<>();

  private Interruptions interruptions(Duration limit) {
    return new Interruptions(new PrintWriter(err, true), halted::add, limit);
  }

  @Test
  void aSignalWhileNothingIsHeldEndsTheProcessAtOnce() {
    Interruptions interruptions = interruptions(Duration.ofSeconds(30));

    interruptions.received("SIGINT", 130);

    assertThat(halted).containsExactly(130);
    assertThat(err.toString())
        .isEqualTo("partition-builder: SIGINT: exiting" + System.lineSeparator());
  }

  @Test
  @SuppressWarnings("try") // the scope marks the sleeping thread as the work while it is open
  void theFirstSignalInterruptsTheWorkAndWaitsForItToUnwindWithoutEndingTheProcess()
      throws Exception {
    Interruptions interruptions = interruptions(Duration.ofSeconds(30));
    CountDownLatch interrupted = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              try (Interruptions.Scope scope =
                  interruptions.working("building 2024-03", "unlock it")) {
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              interruptions.unwound();
            });
    worker.start();
    while (worker.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }

    interruptions.received("SIGTERM", 143);

    assertThat(interrupted.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(halted).isEmpty();
    assertThat(interruptions.signal()).hasValue("SIGTERM");
    assertThat(interruptions.exitCode()).isEqualTo(143);
  }

  @Test
  void aSecondSignalEndsTheProcessAtOnceAndSaysWhatMayBeLeft() throws Exception {
    Interruptions interruptions = interruptions(Duration.ofMinutes(5));
    CountDownLatch working = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              // Work that ignores interrupts, as a blocking native call would.
              interruptions.working(
                  "building 2024-03",
                  "if its lock is left, remove it with: partition-builder unlock --month 2024-03");
              working.countDown();
            });
    worker.start();
    working.await();
    Thread first = new Thread(() -> interruptions.received("SIGINT", 130));
    first.start();
    while (interruptions.signal().isEmpty()) {
      Thread.onSpinWait();
    }

    interruptions.received("SIGINT", 130);

    assertThat(halted).containsExactly(130);
    assertThat(err.toString())
        .contains(
            "partition-builder: second SIGINT: exiting at once while building 2024-03; "
                + "if its lock is left, remove it with: partition-builder unlock --month 2024-03");
    interruptions.unwound();
    first.join();
  }

  @Test
  void workThatDoesNotUnwindWithinTheLimitEndsTheProcessAnyway() throws Exception {
    Interruptions interruptions = interruptions(Duration.ofMillis(100));
    Thread worker = new Thread(() -> interruptions.working("building 2024-03", "unlock it"));
    worker.start();
    worker.join();

    interruptions.received("SIGINT", 130);

    assertThat(halted).containsExactly(130);
    assertThat(err.toString())
        .contains("building 2024-03 did not stop within 0 s: exiting anyway; unlock it");
  }
}
