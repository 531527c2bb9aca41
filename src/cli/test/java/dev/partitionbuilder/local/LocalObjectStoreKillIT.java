package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.ObjectStore.StoredObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user found: a real process killed with {@code kill -9} while it copied into the partition
 * left a truncated file there. Here a process copies one 32 MiB file over the same key again and
 * again and is killed (SIGKILL) after a few copies, while it is most likely in the middle of the
 * next; the key must hold the whole copy, and the temporary file it may leave must be neither
 * listed nor left by the next delete.
 */
class LocalObjectStoreKillIT {
  private static final String STAGED = "warehouse/events/_staging/2024/03/000000_0";
  private static final String MONTH = "warehouse/events/2024/03/";
  private static final String TARGET = MONTH + "000000_0";

  @TempDir Path root;

  @Test
  void aCopyKilledMidwayLeavesTheWholeCopyUnderTheKeyAndNothingHalfWritten() throws Exception {
    byte[] data = new byte[32 << 20];
    new Random(7).nextBytes(data);
    Files.createDirectories(root.resolve(STAGED).getParent());
    Files.write(root.resolve(STAGED), data);
    LocalObjectStore store = new LocalObjectStore(root);

    for (int round = 0; round < 3; round++) {
      copyAndKillAfter(3);

      assertThat(store.list(MONTH))
          .as("round %d", round)
          .containsExactly(new StoredObject(TARGET, data.length));
      assertThat(store.isCopyOf(TARGET, STAGED)).as("round %d", round).isTrue();
    }
    store.deleteAll(MONTH);
    try (Stream<Path> left = Files.walk(root.resolve("warehouse/events"))) {
      assertThat(left.filter(Files::isRegularFile)).containsExactly(root.resolve(STAGED));
    }
  }

  private void copyAndKillAfter(int copies) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CopyForever.class.getName(),
                root.toString(),
                STAGED,
                TARGET)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (int i = 1; i <= copies; i++) {
        String line = out.readLine();
        assertThat(line).as("the copying process's line %d", i).isEqualTo("copied " + i);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the killed process ended").isTrue();
    } finally {
      child.destroyForcibly();
    }
  }
}
