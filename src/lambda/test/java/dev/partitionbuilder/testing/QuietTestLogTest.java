package dev.partitionbuilder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

class QuietTestLogTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private QuietTestLog listener(Path log) {
    return new QuietTestLog(
        Optional.of(log),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aFailedTestGetsTheLinesItLoggedOnStderrButNotThoseOfTestsBefore() throws IOException {
    Path log = dir.resolve("test.log");
    Files.writeString(log, "WARN Earlier - an expected failure of another test\n");
    QuietTestLog listener = listener(log);
    TestIdentifier test =
        method("dev.partitionbuilder.core.PartitionBuilderTest", "aFailedCopyLeavesThePartition");

    listener.executionStarted(test);
    append(
        log, "WARN StagedReplace - Cannot copy x: AccessDenied\n\tat some.Frame(Frame.java:1)\n");
    listener.executionFinished(test, TestExecutionResult.failed(new AssertionError("expected")));

    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "---- PartitionBuilderTest.aFailedCopyLeavesThePartition failed; it logged ("
                + log
                + "):\n"
                + "WARN StagedReplace - Cannot copy x: AccessDenied\n\tat some.Frame(Frame.java:1)\n"
                + "---- end of PartitionBuilderTest.aFailedCopyLeavesThePartition's log\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void aPassingTestPrintsNothingWhateverItLogged() throws IOException {
    Path log = dir.resolve("test.log");
    QuietTestLog listener = listener(log);
    TestIdentifier test = method("a.BTest", "passes");

    listener.executionStarted(test);
    append(log, "WARN X - expected\n");
    listener.executionFinished(test, TestExecutionResult.successful());

    assertThat(out.size() + err.size()).isZero();
  }

  @Test
  void aFailedTestThatLoggedALotShowsItsLastLinesAndSaysHowManyAreLeftOut() throws IOException {
    Path log = dir.resolve("test.log");
    QuietTestLog listener = listener(log);
    TestIdentifier test = method("a.BTest", "logsALot");

    listener.executionStarted(test);
    append(
        log,
        IntStream.range(0, QuietTestLog.MAX_LINES + 5)
            .mapToObj(i -> "line " + i + "\n")
            .collect(Collectors.joining()));
    listener.executionFinished(test, TestExecutionResult.failed(new AssertionError()));

    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("BTest.logsALot failed; it logged (" + log + "): [5 earlier lines left out]")
        .doesNotContain("line 4\n")
        .contains("line 5\n")
        .contains("line " + (QuietTestLog.MAX_LINES + 4) + "\n");
  }

  @Test
  void aSkippedClassOrAnAbortedTestIsOneLineSayingWhy() {
    QuietTestLog listener = listener(dir.resolve("test.log"));

    listener.executionSkipped(
        container("dev.partitionbuilder.aws.LocalStackIT"),
        "disabledWithoutDocker is true and Docker is not available");
    listener.executionFinished(
        method("a.ContractTest", "racingCreates"),
        TestExecutionResult.aborted(
            new TestAbortedException(
                "Assumption failed: this stand checks If-Match\nand then writes")));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "skipped LocalStackIT: disabledWithoutDocker is true and Docker is not available\n"
                + "skipped ContractTest.racingCreates: Assumption failed: this stand checks If-Match and then writes\n");
    assertThat(err.size()).isZero();
  }

  @Test
  void onlyAPathIsALogFile() {
    assertThat(QuietTestLog.logFile("System.err")).isEmpty();
    assertThat(QuietTestLog.logFile(null)).isEmpty();
    assertThat(QuietTestLog.logFile("target/test.log")).contains(Path.of("target/test.log"));
  }

  private static void append(Path log, String text) throws IOException {
    Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static TestIdentifier method(String className, String method) {
    return TestIdentifier.from(
        new Descriptor(
            className + "#" + method,
            method + "()",
            MethodSource.from(className, method),
            TestDescriptor.Type.TEST));
  }

  private static TestIdentifier container(String className) {
    return TestIdentifier.from(
        new Descriptor(
            className,
            className.substring(className.lastIndexOf('.') + 1),
            ClassSource.from(className),
            TestDescriptor.Type.CONTAINER));
  }

  private static final class Descriptor extends AbstractTestDescriptor {
    private final Type type;

    Descriptor(
        String id, String displayName, org.junit.platform.engine.TestSource source, Type type) {
      super(UniqueId.forEngine("test").append("item", id), displayName, source);
      this.type = type;
    }

    @Override
    public Type getType() {
      return type;
    }
  }
}
