package dev.partitionbuilder.lambda;

import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_RESULTS;
import static dev.partitionbuilder.testing.AthenaAnswers.START_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;

import dev.partitionbuilder.testing.AthenaAnswers;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.GlueAnswers;
import dev.partitionbuilder.testing.S3Stand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A harness, not a test: the Lambda's cold start, measured as a new JVM whose classpath is the
 * deployment zip alone (plus {@link ColdStartProbe}; see {@link LambdaZipJvm}). It times the launch
 * to a constructed Handler (configuration, SDK clients, template), and to the first month built
 * against in-JVM stand-ins: s3proxy for S3, WireMock speaking AWS JSON 1.1 for Athena and Glue. Run
 * it with {@code bench/cold-start.sh [runs] [java ...]}.
 */
public final class ColdStartBenchmark {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<String> javas =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path zip = LambdaZipJvm.ZIP;
    LambdaZipJvm jvm = LambdaZipJvm.extract(zip, Files.createTempDirectory("lambda-zip"));
    try (S3Stand s3 = S3Stand.start();
        AwsJsonStand aws = AwsJsonStand.start()) {
      aws.answer(AthenaAnswers.GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
      aws.answer(
          GlueAnswers.GET_TABLE,
          GlueAnswers.table("cloudtrail_monthly", "s3://" + s3.bucket() + "/cloudtrail_monthly/"));
      aws.answer(DELETE_TABLE, GlueAnswers.deleted());
      aws.answer(START_QUERY_EXECUTION, AthenaAnswers.started("q-cold-start"));
      aws.answer(
          GET_QUERY_EXECUTION,
          AthenaAnswers.execution("q-cold-start", "SUCCEEDED")
              .statistics(1_048_576, 1_200)
              .answer());
      aws.answer(GET_QUERY_RESULTS, AthenaAnswers.results(100_000));
      Map<String, String> env =
          LambdaZipJvm.standInEnvironment(
              s3.endpoint(), aws.endpoint(), s3.bucket(), "cloudtrail_monthly/", Map.of());
      System.out.printf(Locale.ROOT, "Lambda zip: %,d bytes%n", Files.size(zip));
      for (String java : javas) {
        List<long[]> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          LambdaZipJvm.Run run = jvm.probe(java, env);
          if (run.failures() != 0) {
            throw new IllegalStateException("The probe did not build its month:\n" + run.output());
          }
          times.add(new long[] {run.readyMs(), run.firstMonthMs()});
        }
        System.out.printf(
            Locale.ROOT,
            "%s: to handler ready median %d ms, to first month built median %d ms "
                + "(%d runs; min %d / %d ms)%n",
            version(java),
            median(times, 0),
            median(times, 1),
            runs,
            times.stream().mapToLong(t -> t[0]).min().orElse(-1),
            times.stream().mapToLong(t -> t[1]).min().orElse(-1));
      }
    }
  }

  private static String version(String java) throws Exception {
    Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
    String first =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("version"))
            .findFirst()
            .orElse(java);
    process.waitFor();
    return first.strip();
  }

  private static long median(List<long[]> values, int index) {
    long[] sorted = values.stream().mapToLong(v -> v[index]).sorted().toArray();
    return sorted[sorted.length / 2];
  }
}
