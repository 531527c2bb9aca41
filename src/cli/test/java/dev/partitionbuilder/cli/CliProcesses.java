package dev.partitionbuilder.cli;

import dev.partitionbuilder.testing.KillableProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The CLI run in JVMs of their own, as ./partition-builder starts it, for the kill harnesses. */
final class CliProcesses {
  private CliProcesses() {}

  /**
   * Starts the CLI with {@code args}; {@code tmp} is every run's java.io.tmpdir, shared as /tmp is
   * on a user's machine (the local store's cross-process lock lives there).
   */
  static KillableProcess start(Path tmp, KillableProcess.Aim aim, String... args)
      throws IOException {
    Files.createDirectories(tmp);
    String classpath =
        Path.of("target", "cli", "classes")
            + java.io.File.pathSeparator
            + Files.readString(Path.of("target", "cli", "cli.classpath")).trim();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                classpath,
                Main.class.getName()));
    command.addAll(List.of(args));
    return KillableProcess.start(new ProcessBuilder(command), aim);
  }

  /**
   * A run's embedded Trino keeps its file metastore in a new directory of {@code tmp} and removes
   * it when it closes; a killed JVM leaves it. Call only when no run is alive.
   */
  static void removeMetastoresOfDeadRuns(Path tmp) throws IOException {
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path metastore :
          dirs.filter(f -> f.getFileName().toString().startsWith("partition-builder-metastore-"))
              .toList()) {
        try (Stream<Path> files = Files.walk(metastore)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
    }
  }
}
