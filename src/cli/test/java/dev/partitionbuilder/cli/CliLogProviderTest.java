package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.PartitionBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.spi.MDCAdapter;

/**
 * The CLI's log lines name the build they are about, from the MDC the shell sets, as the Lambda's
 * JSON fields do.
 */
class CliLogProviderTest {
  /** Where the pom sends the tests' slf4j-simple lines. */
  private final Path file = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));

  private final CliLogProvider provider = new CliLogProvider();
  private final Logger log;
  private final MDCAdapter mdc;

  CliLogProviderTest() {
    provider.initialize();
    log = provider.getLoggerFactory().getLogger("dev.partitionbuilder.core.MonthLock");
    mdc = provider.getMDCAdapter();
  }

  @AfterEach
  void clearMdc() {
    mdc.clear();
  }

  @Test
  void itKeepsTheMdcThatSlf4jSimpleDrops() {
    mdc.put(PartitionBuilder.MONTH, "2024-03");

    assertThat(mdc.get(PartitionBuilder.MONTH)).isEqualTo("2024-03");
  }

  @Test
  void aLineLoggedDuringABuildStartsWithItsMessageIdAndMonth() throws IOException {
    mdc.put(PartitionBuilder.MESSAGE_ID, "cli-{}1");
    mdc.put(PartitionBuilder.MONTH, "2024-03");
    long start = Files.size(file);

    log.warn("step=lock took {} until {}", "file:/w/_locks/2024/03", "2024-04-01T00:16:00Z");

    assertThat(linesSince(start))
        .endsWith(
            "messageId=cli-{}1 month=2024-03 step=lock took file:/w/_locks/2024/03 until 2024-04-01T00:16:00Z\n");
  }

  @Test
  void aFluentLineAndOneWithAnExceptionCarryTheBuildToo() throws IOException {
    mdc.put(PartitionBuilder.MESSAGE_ID, "cli-2");
    mdc.put(PartitionBuilder.MONTH, "2024-04");
    long start = Files.size(file);

    log.atWarn().addKeyValue("step", "query").log("step={} took {} ms", "query", 1200);
    log.warn(
        "step=unlock left {} as it is",
        "file:/w/_locks/2024/04",
        new IllegalStateException("boom"));

    // slf4j-simple writes a fluent line's key-values into its text, ahead of the message.
    assertThat(linesSince(start))
        .containsPattern("messageId=cli-2 month=2024-04 (step=query )?step=query took 1200 ms\n")
        .contains(
            "messageId=cli-2 month=2024-04 step=unlock left file:/w/_locks/2024/04 as it is\n"
                + "java.lang.IllegalStateException: boom");
  }

  @Test
  void aLineOutsideABuildIsAsSlf4jSimpleWritesIt() throws IOException {
    long start = Files.size(file);

    log.warn("no build runs");

    assertThat(linesSince(start))
        .endsWith(" - no build runs\n")
        .doesNotContain("messageId=")
        .doesNotContain("month=");
  }

  private String linesSince(long offset) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      byte[] bytes = new byte[(int) (in.length() - offset)];
      in.seek(offset);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
