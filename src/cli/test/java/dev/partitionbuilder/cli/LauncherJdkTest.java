package dev.partitionbuilder.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How ./partition-builder picks the JDK it runs the CLI on. The script is copied into a tree whose
 * build is up to date (so it never calls Maven), and every JDK is a fake whose java prints which
 * one it is; PARTITION_BUILDER_JDK_DIRS stands in for /usr/lib/jvm and
 * /Library/Java/JavaVirtualMachines.
 */
class LauncherJdkTest {

  @TempDir Path dir;
  private Path project;
  private Path jvms;
  private Path bin;

  @BeforeEach
  void upToDateProject() throws IOException {
    project = dir.resolve("project");
    Files.createDirectories(project.resolve("target/cli/classes"));
    Files.writeString(project.resolve("target/cli/cli.classpath"), "/nowhere.jar");
    Files.copy(Path.of("partition-builder"), project.resolve("partition-builder"));
    jvms = Files.createDirectories(dir.resolve("jvm"));
    bin = Files.createDirectories(dir.resolve("bin"));
    // A java 17 on PATH, ahead of whatever this machine has in /usr/bin.
    Files.createSymbolicLink(
        bin.resolve("java"), jdk(dir.resolve("path-jdk-17"), "17.0.15").resolve("bin/java"));
  }

  @Test
  void javaHomeIsUsedWhenItIs25OrNewer() throws Exception {
    Path home = jdk(jvms.resolve("java-26"), "26.0.1");
    jdk(jvms.resolve("temurin-25-jdk-amd64"), "25.0.3");

    assertThat(launch(Map.of("JAVA_HOME", home.toString()))).isEqualTo(ran(home));
  }

  @Test
  void theJavaOnThePathIsUsedWhenJavaHomeIsOlder() throws Exception {
    Path old = jdk(dir.resolve("jdk-17"), "17.0.15");
    Path onPath = jdk(dir.resolve("opt/jdk-25"), "25.0.1");
    Files.delete(bin.resolve("java"));
    Files.createSymbolicLink(bin.resolve("java"), onPath.resolve("bin/java"));

    assertThat(launch(Map.of("JAVA_HOME", old.toString()))).isEqualTo(ran(onPath));
  }

  @Test
  void java25HomeIsUsedWhenJavaHomeAndThePathAreOlder() throws Exception {
    Path old = jdk(dir.resolve("jdk-21"), "21.0.7");
    Path home = jdk(dir.resolve("hostedtoolcache/jdk-25"), "25.0.3");
    jdk(jvms.resolve("temurin-25-jdk-amd64"), "25.0.3");

    assertThat(launch(Map.of("JAVA_HOME", old.toString(), "JAVA25_HOME", home.toString())))
        .isEqualTo(ran(home));
  }

  @Test
  void theUsualInstallPlaceIsSearchedWhenNeitherJavaHomeNorThePathHasA25() throws Exception {
    jdk(jvms.resolve("java-17-openjdk-amd64"), "17.0.15");
    jdk(jvms.resolve("java-8-openjdk-amd64"), "1.8.0_412");
    Path temurin = jdk(jvms.resolve("temurin-25-jdk-amd64"), "25.0.3");
    jdk(jvms.resolve("zulu-26"), "26");

    assertThat(launch(Map.of())).as("the oldest that is new enough").isEqualTo(ran(temurin));
  }

  @Test
  void aMacOsBundleIsFoundUnderContentsHome() throws Exception {
    Path home = jdk(jvms.resolve("temurin-25.jdk/Contents/Home"), "25.0.3");

    assertThat(launch(Map.of())).isEqualTo(ran(home));
  }

  @Test
  void aJdkWithoutAReleaseFileIsAskedForItsVersion() throws Exception {
    Path home = jdk(jvms.resolve("custom"), null);

    assertThat(launch(Map.of())).isEqualTo(ran(home));
  }

  @Test
  void withoutAJdk25TheLauncherSaysInOneLineWhatToInstallAndExits2() throws Exception {
    jdk(jvms.resolve("java-17-openjdk-amd64"), "17.0.15");

    Process process = start(Map.of());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(new String(process.getInputStream().readAllBytes(), UTF_8)).isEmpty();
    assertThat(new String(process.getErrorStream().readAllBytes(), UTF_8))
        .hasLineCount(1)
        .startsWith("partition-builder: no JDK 25 or newer")
        .contains(
            "install a JDK 25, such as Temurin 25 (apt install temurin-25-jdk, or https://adoptium.net), or set JAVA_HOME");
  }

  @Test
  void theStartUpCacheIsMadeByATrainingRunOnceAndUsedByLaterRuns() throws Exception {
    Path home = aotJdk(jvms.resolve("temurin-25-jdk-amd64"), true);

    Process first = start(Map.of(), "run", "--month", "2024-03");
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String firstErr = new String(first.getErrorStream().readAllBytes(), UTF_8);
    assertThat(first.exitValue()).as(firstErr).isZero();
    assertThat(firstErr).contains("making the start-up cache").doesNotContain("no start-up cache");
    assertThat(new String(first.getInputStream().readAllBytes(), UTF_8))
        .startsWith("ran " + home + " with AOTCache=")
        .endsWith("/cli.aot run --month 2024-03\n");

    Process second = start(Map.of(), "--version");
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(second.getErrorStream().readAllBytes(), UTF_8)).isEmpty();
    assertThat(new String(second.getInputStream().readAllBytes(), UTF_8))
        .contains("with AOTCache=");
  }

  @Test
  void aFailedTrainingRunIsSaidOnceAndNotRetried() throws Exception {
    aotJdk(jvms.resolve("temurin-25-jdk-amd64"), false);

    Process first = start(Map.of(), "run", "--month", "2024-03");
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String firstErr = new String(first.getErrorStream().readAllBytes(), UTF_8);
    assertThat(first.exitValue()).as(firstErr).isZero();
    assertThat(firstErr)
        .contains("partition-builder: no start-up cache (the training run failed, see ");
    assertThat(new String(first.getInputStream().readAllBytes(), UTF_8)).doesNotContain("AOTCache");

    Process second = start(Map.of(), "run", "--month", "2024-03");
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(second.getErrorStream().readAllBytes(), UTF_8))
        .doesNotContain("start-up cache");
  }

  @Test
  void ctrlCDuringTheTrainingRunStopsTheCommandAndIsNoFailure() throws Exception {
    Path home = aotJdk(jvms.resolve("temurin-25-jdk-amd64"), false, 130);

    Process stopped = start(Map.of(), "run", "--month", "2024-03");
    assertThat(stopped.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped.exitValue()).isEqualTo(130);
    assertThat(new String(stopped.getErrorStream().readAllBytes(), UTF_8))
        .contains("stopped while making the start-up cache; the next run makes it")
        .doesNotContain("no start-up cache");
    assertThat(new String(stopped.getInputStream().readAllBytes(), UTF_8))
        .as("the command itself never ran")
        .isEmpty();

    aotJdk(home, true, 0);
    Process next = start(Map.of(), "run", "--month", "2024-03");
    assertThat(next.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(next.getErrorStream().readAllBytes(), UTF_8))
        .contains("making the start-up cache");
    assertThat(new String(next.getInputStream().readAllBytes(), UTF_8)).contains("with AOTCache=");
  }

  @Test
  void whatAKilledTrainingRunLeftIsRemoved() throws Exception {
    aotJdk(jvms.resolve("temurin-25-jdk-amd64"), true);
    assertThat(start(Map.of(), "--version").waitFor(30, TimeUnit.SECONDS)).isTrue();
    Path launch;
    try (var dirs = Files.list(project.resolve("target/cli/launch"))) {
      launch = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    // A pid far above any pid_max: no such process.
    Files.writeString(launch.resolve("cli.aot.999999999"), "half a cache");
    Files.writeString(launch.resolve("cli.aot.999999999.config"), "its configuration");

    Process run = start(Map.of(), "run", "--month", "2024-03");
    assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(launch.resolve("cli.aot")).exists();
    assertThat(launch.resolve("cli.aot.999999999")).doesNotExist();
    assertThat(launch.resolve("cli.aot.999999999.config")).doesNotExist();
  }

  @Test
  void aotOffNeitherMakesNorUsesTheCache() throws Exception {
    aotJdk(jvms.resolve("temurin-25-jdk-amd64"), true);

    Process run = start(Map.of("PARTITION_BUILDER_AOT", "off"), "run", "--month", "2024-03");
    assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(run.getErrorStream().readAllBytes(), UTF_8)).isEmpty();
    assertThat(new String(run.getInputStream().readAllBytes(), UTF_8)).doesNotContain("AOTCache");
  }

  @Test
  void memoryLimitSizesTheHeapSoTrinoMayUseItUnlessJavaOptsSetOne() throws Exception {
    Path home = jdk(jvms.resolve("temurin-25-jdk-amd64"), "25.0.3");
    Files.writeString(home.resolve("bin/java"), "#!/bin/sh\necho \"$*\"\n");
    Map<String, String> noCache = Map.of("PARTITION_BUILDER_AOT", "off");

    assertThat(output(start(noCache, "run", "--month", "2024-03")))
        .contains("-XX:+UseParallelGC -Xmx1g ")
        .containsOnlyOnce("-Xmx");
    assertThat(output(start(noCache, "run", "--memory-limit", "1GB")))
        .as("the later -Xmx wins")
        .containsPattern(" -Xmx1g .* -Xmx1770m ");
    assertThat(output(start(noCache, "run", "--memory-limit=2GB"))).contains(" -Xmx3477m ");
    assertThat(output(start(noCache, "run", "--memory-limit", "512MB")))
        .as("the default heap is enough")
        .containsOnlyOnce("-Xmx");
    assertThat(
            output(
                start(
                    Map.of("PARTITION_BUILDER_AOT", "off", "PARTITION_BUILDER_JAVA_OPTS", "-Xmx8g"),
                    "run",
                    "--memory-limit",
                    "1GB")))
        .contains("-Xmx8g ")
        .doesNotContain("-Xmx1770m")
        .doesNotContain("-Xmx1g");
  }

  private static String output(Process process) throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), UTF_8);
  }

  /**
   * A fake JDK 25 whose java, given -XX:AOTCacheOutput=FILE, writes FILE (if {@code makesCache}) as
   * the real one does at exit, and otherwise says how it was started.
   */
  private static Path aotJdk(Path home, boolean makesCache) throws IOException {
    return aotJdk(home, makesCache, 0);
  }

  /** As {@link #aotJdk(Path, boolean)}, the training run exiting with {@code trainingExit}. */
  private static Path aotJdk(Path home, boolean makesCache, int trainingExit) throws IOException {
    jdk(home, "25.0.3");
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        """
        #!/bin/bash
        aot=""
        for arg in "$@"; do
          case "$arg" in
            -XX:AOTCacheOutput=*) if %s; then echo cache > "${arg#-XX:AOTCacheOutput=}"; fi; exit %d ;;
            -XX:AOTCache=*) aot=" with AOTCache=${arg#-XX:AOTCache=}" ;;
          esac
        done
        while [ $# -gt 0 ] && [ "$1" != dev.partitionbuilder.cli.Main ]; do shift; done
        shift
        echo "ran %s$aot $*"
        """
            .formatted(makesCache, trainingExit, home));
    return home;
  }

  /** A fake JDK at home: a release file (unless version is null) and a java that names its JDK. */
  private static Path jdk(Path home, String version) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    if (version != null) {
      Files.writeString(
          home.resolve("release"), "IMPLEMENTOR=\"Fake\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        """
        #!/bin/sh
        if [ "$1" = -version ]; then echo 'openjdk version "25.0.2" 2026-01-20' >&2; exit 0; fi
        echo "ran %s"
        """
            .formatted(home));
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private static String ran(Path home) {
    return "ran " + home + "\n";
  }

  private String launch(Map<String, String> env) throws Exception {
    Process process = start(env);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(process.getErrorStream().readAllBytes(), UTF_8);
    assertThat(process.exitValue()).as(err).isZero();
    return new String(process.getInputStream().readAllBytes(), UTF_8);
  }

  private Process start(Map<String, String> env) throws IOException {
    return start(env, "--version");
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("bash", project.resolve("partition-builder").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.putAll(env);
    // The fake bin/ first, then only what the script itself needs (sed, find, readlink, cat).
    environment.put("PATH", bin + ":/usr/bin:/bin");
    environment.put("PARTITION_BUILDER_JDK_DIRS", jvms.toString());
    return builder.start();
  }
}
