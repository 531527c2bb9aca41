package dev.partitionbuilder.lambda;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.testing.KillableProcess;
import dev.partitionbuilder.testing.S3Stand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A new JVM whose classpath is the Lambda zip, extracted as Lambda does (the root, then every jar
 * under lib/), plus {@link ColdStartProbe} and nothing else: no test class and no Maven classpath
 * can hide a class the zip lacks. Shared by the end-to-end test and the cold-start harness.
 */
final class LambdaZipJvm {
  static final Path ZIP = Path.of("target/athena-partition-builder-lambda.zip");
  private static final Pattern LINE =
      Pattern.compile("readyMs=(\\d+) firstMonthMs=(\\d+) failures=(\\d+)");

  /** What one probe run printed, parsed; {@code output} is everything it wrote, for messages. */
  record Run(long readyMs, long firstMonthMs, int failures, String output) {}

  private final String classpath;

  private LambdaZipJvm(String classpath) {
    this.classpath = classpath;
  }

  /**
   * The function's environment as template.yml sets it, pointed at the in-JVM stand-ins (s3proxy at
   * {@code s3}, WireMock answering Athena and Glue at {@code aws}), with {@code more} under it.
   */
  static Map<String, String> standInEnvironment(
      URI s3, URI aws, String bucket, String prefix, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.putAll(
        Map.ofEntries(
            Map.entry("AWS_REGION", "us-east-1"),
            Map.entry("AWS_ACCESS_KEY_ID", S3Stand.ACCESS_KEY),
            Map.entry("AWS_SECRET_ACCESS_KEY", S3Stand.SECRET_KEY),
            Map.entry("AWS_LAMBDA_FUNCTION_NAME", "athena-partition-builder"),
            Map.entry("AWS_ENDPOINT_URL_S3", s3.toString()),
            Map.entry("AWS_ENDPOINT_URL_ATHENA", aws.toString()),
            Map.entry("AWS_ENDPOINT_URL_GLUE", aws.toString()),
            Map.entry("S3_FORCE_PATH_STYLE", "true"),
            Map.entry("ATHENA_WORKGROUP", "primary"),
            Map.entry("GLUE_DATABASE", "cloudtrail"),
            Map.entry("SRC_TABLE_NAME", "cloudtrail_daily"),
            Map.entry("DST_TABLE_NAME", "cloudtrail_monthly"),
            Map.entry("DST_BUCKET", bucket),
            Map.entry("DST_PREFIX", prefix),
            Map.entry("ATHENA_POLL_INITIAL_MS", "20"),
            // As template.yml sets it for the function.
            Map.entry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"),
            Map.entry("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))));
    return env;
  }

  /** Extracts {@code zip} under {@code dir} and copies the probe's classes next to it. */
  static LambdaZipJvm extract(Path zip, Path dir) throws IOException {
    requireNonNull(zip, "zip is null");
    Path root = Files.createDirectories(dir.resolve("zip"));
    List<String> classpath = new ArrayList<>(List.of(root.toString()));
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : file.stream().filter(e -> !e.isDirectory()).toList()) {
        Path target = root.resolve(entry.getName());
        Files.createDirectories(target.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, target);
        }
        if (entry.getName().startsWith("lib/")) {
          classpath.add(target.toString());
        }
      }
    }
    classpath.add(probeClasses(dir.resolve("probe")).toString());
    return new LambdaZipJvm(String.join(File.pathSeparator, classpath));
  }

  /** The probe and its nested class only, copied out of the test classes. */
  private static Path probeClasses(Path dir) throws IOException {
    Path from = Path.of("target/test-classes/dev/partitionbuilder/lambda");
    Path to = Files.createDirectories(dir.resolve("dev/partitionbuilder/lambda"));
    try (var files = Files.list(from)) {
      for (Path classFile :
          files
              .filter(
                  f -> f.getFileName().toString().startsWith(ColdStartProbe.class.getSimpleName()))
              .toList()) {
        Files.copy(classFile, to.resolve(classFile.getFileName()));
      }
    }
    return dir;
  }

  /**
   * Runs the probe under {@code java} with exactly {@code env} as its environment: a Handler
   * constructed, then one month built through handleRequest. Fails, with the probe's output, when
   * the process fails or prints no result line.
   */
  Run probe(String java, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = builder(java, env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(
          "The probe failed (exit " + process.exitValue() + "):\n" + output);
    }
    return parse(output);
  }

  /** The probe's result line in {@code output}; fails, with the output, when there is none. */
  static Run parse(String output) {
    Matcher m = LINE.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("The probe printed no result:\n" + output);
    }
    return new Run(
        Long.parseLong(m.group(1)),
        Long.parseLong(m.group(2)),
        Integer.parseInt(m.group(3)),
        output);
  }

  /**
   * Starts the probe as {@link #probe} does, its output read line by line as it comes, and killed
   * with SIGKILL as {@code aim} says (never when null): a Lambda whose sandbox dies mid-invocation.
   */
  KillableProcess launch(String java, Map<String, String> env, KillableProcess.Aim aim)
      throws IOException {
    return KillableProcess.start(builder(java, env), aim);
  }

  private ProcessBuilder builder(String java, Map<String, String> env) {
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            classpath,
            ColdStartProbe.class.getName(),
            String.valueOf(System.currentTimeMillis()));
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder;
  }
}
