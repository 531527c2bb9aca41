package dev.partitionbuilder.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A 1 MiB tmpfs mounted on a directory, to fill for real: a write then fails with "No space left on
 * device" where the kernel says so. Needs root and Linux; elsewhere the test is skipped with the
 * reason.
 */
final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  static SmallDisk mount(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String answer = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
    assumeTrue(
        answer.isEmpty(), "cannot mount a 1 MiB tmpfs to fill (needs root on Linux): " + answer);
    return new SmallDisk(dir);
  }

  Path dir() {
    return dir;
  }

  /** Writes {@code name} until the disk is full; the file stays, so the disk stays full. */
  Path fill(String name) throws IOException {
    Path filler = dir.resolve(name);
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return filler;
  }

  @Override
  public void close() throws IOException {
    String answer;
    try {
      answer = run("umount", dir.toString());
    } catch (InterruptedException e) {
      // Kept for the caller to see, as try-with-resources may put this exception aside.
      Thread.currentThread().interrupt();
      throw new IOException("Cannot unmount the tmpfs at " + dir + ": interrupted", e);
    }
    if (!answer.isEmpty()) {
      throw new IOException("Cannot unmount the tmpfs at " + dir + ": " + answer);
    }
  }

  /** Runs a command; its output when it fails, empty when it succeeds. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return command[0] + " cannot run: " + e.getMessage();
    }
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return command[0] + " did not end within 60 s";
    }
    return process.exitValue() == 0
        ? ""
        : command[0] + " exited " + process.exitValue() + ": " + output;
  }
}
