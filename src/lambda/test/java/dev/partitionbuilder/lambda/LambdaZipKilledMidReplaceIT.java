package dev.partitionbuilder.lambda;

import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_QUERY_RESULTS;
import static dev.partitionbuilder.testing.AthenaAnswers.GET_WORK_GROUP;
import static dev.partitionbuilder.testing.AthenaAnswers.START_QUERY_EXECUTION;
import static dev.partitionbuilder.testing.GlueAnswers.DELETE_TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.testing.AthenaAnswers;
import dev.partitionbuilder.testing.AwsJsonStand;
import dev.partitionbuilder.testing.GlueAnswers;
import dev.partitionbuilder.testing.KillableProcess;
import dev.partitionbuilder.testing.S3Stand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The same proof as RunKilledMidBuildIT, through the AWS adapters: a new JVM on the Lambda zip
 * builds the month against s3proxy (S3) and WireMock (Athena, Glue), and is killed with SIGKILL at
 * a seeded random moment of the replace (the copies, the delete of the old objects and of staging,
 * the state and the lock). After each kill the partition must hold the old set, the new set or
 * both, each object byte for byte what was seeded or what the stand-in Athena wrote into staging.
 * Then the message is redelivered to a new JVM, as SQS does after the visibility timeout, and must
 * leave exactly the new set and no staging, state or lock.
 *
 * <p>The visibility timeout (at least 6 × the function timeout) outlasts the lock's lease, so the
 * redelivery meets an expired lease: the test rewrites the lock's {@code expiresAt} (its documented
 * format) into the past instead of waiting.
 */
class LambdaZipKilledMidReplaceIT {
  private static final String PREFIX = "cloudtrail_monthly/";
  private static final String PARTITION = PREFIX + "2024/03/";
  private static final String STAGING = PREFIX + "_staging/2024/03/";
  private static final String LOCK = PREFIX + "_locks/2024/03";
  private static final int KILLS = Integer.getInteger("crash.lambdaKills", 8);
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  private static final int OLD_FILES = 6;
  private static final int NEW_FILES = 8;
  private static final int NEW_FILE_BYTES = 512 * 1024;
  private static final long ROWS = 100_000;
  private static final Path REPORT = Path.of("target", "crash-harness", "lambda-zip-kills.txt");

  /** Where a kill is aimed: a delay after the step line that opens that part of the replace. */
  enum Aim {
    COPY("step=cleanup took", "step=replace copied"),
    DELETE("step=replace copied", "step=replace took"),
    FINISH("step=replace took", "step=unlock");

    final String from;
    final String to;

    Aim(String from, String to) {
      this.from = from;
      this.to = to;
    }
  }

  private static final List<Aim> ROTATION =
      List.of(
          Aim.COPY, Aim.DELETE, Aim.COPY, Aim.FINISH, Aim.COPY, Aim.DELETE, Aim.COPY, Aim.DELETE);

  @RegisterExtension static final AwsJsonStand aws = AwsJsonStand.start();
  private static S3Stand s3;
  @TempDir static Path dir;
  private static LambdaZipJvm jvm;
  private static String java;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Stand.start();
    jvm = LambdaZipJvm.extract(LambdaZipJvm.ZIP, dir);
    java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  /**
   * One case: its bucket, the old set seeded there, and the set each query the stand-in Athena ran
   * for it wrote (by query id, in start order): the killed invocation's and, if the redelivery
   * starts over, the redelivery's.
   */
  private record Month(
      String bucket,
      int number,
      Random random,
      Map<String, byte[]> oldSet,
      Map<String, Map<String, byte[]>> sets) {
    /** The set of the first query, the one the killed invocation started. */
    Map<String, byte[]> newSet() {
      return sets.values().iterator().next();
    }
  }

  @Test
  void aLambdaKilledMidReplaceLeavesTheOldSetTheNewSetOrBothAndItsRedeliveryLeavesExactlyTheNew()
      throws Exception {
    Random random = new Random(SEED);
    System.out.printf(
        "crash harness (Lambda zip): seed=%d (replay with -Dcrash.seed=%d)%n", SEED, SEED);
    // An unkilled month first: it proves the stand-ins build one, and times the replace's steps.
    Month calibration = month(random, 0);
    KillableProcess.Ended plain = invoke(calibration, null);
    assertThat(plain.exitCode()).as(plain.output()).isZero();
    assertThat(LambdaZipJvm.parse(plain.output()).failures()).as(plain.output()).isZero();
    assertThat(objects(calibration.bucket()))
        .as(plain.output())
        .containsOnlyKeys(calibration.newSet().keySet());
    assertThat(objects(calibration.bucket()).get(calibration.newSet().keySet().iterator().next()))
        .isEqualTo(calibration.newSet().values().iterator().next());
    Map<Aim, Long> stepNanos = new EnumMap<>(Aim.class);
    for (Aim aim : Aim.values()) {
      stepNanos.put(
          aim, Math.max(TimeUnit.MILLISECONDS.toNanos(1), plain.nanosBetween(aim.from, aim.to)));
    }

    List<String> failures = new ArrayList<>();
    Map<String, Map<String, Integer>> byPhase = new TreeMap<>();
    Map<String, Integer> redeliveries = new TreeMap<>();
    int kills = 0;
    int missed = 0;
    for (int attempt = 1; kills < KILLS && attempt <= 2 * KILLS; attempt++) {
      Aim aim = ROTATION.get((attempt - 1) % ROTATION.size());
      long delay = (long) (random.nextDouble() * stepNanos.get(aim));
      Month month = month(random, attempt);
      KillableProcess.Ended killed = invoke(month, KillableProcess.Aim.after(aim.from, delay));
      String label =
          String.format(
              "kill %d (aimed at %s, %.2f ms after \"%s\")", kills + 1, aim, delay / 1e6, aim.from);
      if (!killed.killed()) {
        missed++;
        redelivered(month, "unkilled invocation, " + label, killed, failures);
        continue;
      }
      kills++;
      Map<String, byte[]> after = settled(month.bucket());
      String phase = phase(month, after);
      String state = afterKill(month, after, label + ", landed in " + phase, killed, failures);
      byPhase.computeIfAbsent(phase, p -> new TreeMap<>()).merge(state, 1, Integer::sum);

      expireLease(month.bucket());
      KillableProcess.Ended redelivery = invoke(month, null);
      int before = failures.size();
      redelivered(month, "redelivery after " + label, redelivery, failures);
      String outcome = failures.size() > before ? "wrong" : "built";
      redeliveries.merge(outcome, 1, Integer::sum);
      System.out.printf(
          "crash harness (Lambda zip): %s: landed in %s; partition %s; redelivery %s%n",
          label, phase, state, outcome);
    }

    StringBuilder report =
        new StringBuilder(
            String.format(
                "Lambda zip killed with SIGKILL mid-replace: seed %d, old set %d objects, new set %d objects of %,d bytes%n"
                    + "%d kills landed (%d more invocations ended before their kill); replace steps of an unkilled run (ms): %s%n"
                    + "landed in (partition right after the kill):%n",
                SEED,
                OLD_FILES,
                NEW_FILES,
                NEW_FILE_BYTES,
                kills,
                missed,
                stepNanos.entrySet().stream()
                    .map(e -> e.getKey() + "=" + String.format("%.1f", e.getValue() / 1e6))
                    .toList()));
    byPhase.forEach(
        (phase, months) ->
            report.append(
                String.format(
                    "  %-36s %3d  %s%n",
                    phase, months.values().stream().mapToInt(Integer::intValue).sum(), months)));
    report
        .append("redeliveries: ")
        .append(redeliveries)
        .append('\n')
        .append(failures.size())
        .append(" failure(s)")
        .append(failures.isEmpty() ? "\n" : ":\n");
    failures.forEach(f -> report.append("- ").append(f).append('\n'));
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, report);
    System.out.println(report);
    assertThat(kills)
        .as("kills that landed before the invocation ended (%d attempts)", kills + missed)
        .isEqualTo(KILLS);
    assertThat(failures).as("seed %d; tally in %s", SEED, REPORT).isEmpty();
  }

  /** A bucket holding the old set, and the stand-ins reset to answer this case's queries. */
  private static Month month(Random random, int number) {
    String bucket = s3.createBucket();
    Map<String, byte[]> oldSet = new LinkedHashMap<>();
    for (int i = 0; i < OLD_FILES; i++) {
      oldSet.put(
          PARTITION + "20240301_003000_00001_old" + number + "_" + i,
          bytes(random, NEW_FILE_BYTES / 2));
    }
    oldSet.forEach((key, data) -> s3.seed(bucket, key, data));
    aws.reset();
    aws.answer(GET_WORK_GROUP, AthenaAnswers.workGroup("primary", false));
    aws.answer(
        GlueAnswers.GET_TABLE,
        GlueAnswers.table("cloudtrail_monthly", "s3://" + bucket + "/" + PREFIX));
    aws.answer(DELETE_TABLE, GlueAnswers.deleted());
    aws.answer(GET_QUERY_RESULTS, AthenaAnswers.results(ROWS));
    return new Month(bucket, number, random, oldSet, new LinkedHashMap<>());
  }

  /**
   * One invocation in a new JVM on the zip. A query it starts runs until the stand-in Athena has
   * "written" its set into staging, then answers SUCCEEDED; the builder clears staging before it
   * starts the query, so the files can only be put there now. An invocation that resumes an earlier
   * query starts none.
   */
  private static KillableProcess.Ended invoke(Month month, KillableProcess.Aim aim)
      throws Exception {
    String queryId = "q-" + month.number() + "-" + (month.sets().size() + 1);
    aws.answer(START_QUERY_EXECUTION, AthenaAnswers.started(queryId));
    aws.answerWhen(
        GET_QUERY_EXECUTION,
        "$.QueryExecutionId",
        queryId,
        AthenaAnswers.execution(queryId, "RUNNING").answer());
    int started = aws.requests(START_QUERY_EXECUTION).size();
    KillableProcess process = jvm.launch(java, environment(month.bucket()), aim);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (aws.requests(START_QUERY_EXECUTION).size() == started && process.alive()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "No query started within two minutes:\n" + process.await(1).output());
      }
      Thread.sleep(5);
    }
    if (aws.requests(START_QUERY_EXECUTION).size() > started) {
      Map<String, byte[]> set = new LinkedHashMap<>();
      for (int i = 0; i < NEW_FILES; i++) {
        set.put(
            PARTITION + "20240401_003000_00001_" + queryId + "_" + i,
            bytes(month.random(), NEW_FILE_BYTES));
      }
      month.sets().put(queryId, set);
      set.forEach(
          (key, data) ->
              s3.seed(month.bucket(), STAGING + key.substring(PARTITION.length()), data));
      aws.answerWhen(
          GET_QUERY_EXECUTION,
          "$.QueryExecutionId",
          queryId,
          AthenaAnswers.execution(queryId, "SUCCEEDED").statistics(1_048_576, 1_200).answer());
    }
    return process.await(5);
  }

  /**
   * Checks the bucket right after a kill: every partition object is an old one with its bytes or a
   * new one with the bytes Athena wrote, and the old set or the new set is whole. Returns the
   * partition's state ("old", "old + part of new", "old + new", "new + part of old", "new").
   */
  private static String afterKill(
      Month month,
      Map<String, byte[]> after,
      String label,
      KillableProcess.Ended run,
      List<String> failures) {
    List<String> problems = new ArrayList<>();
    int oldLeft = 0;
    int copies = 0;
    for (Map.Entry<String, byte[]> object : after.entrySet()) {
      String key = object.getKey();
      if (!key.startsWith(PARTITION)) {
        continue;
      }
      byte[] expected =
          month.oldSet().containsKey(key) ? month.oldSet().get(key) : month.newSet().get(key);
      if (expected == null) {
        problems.add(key + " (" + object.getValue().length + " bytes) is of neither set");
      } else if (!Arrays.equals(expected, object.getValue())) {
        problems.add(
            key
                + " holds "
                + object.getValue().length
                + " bytes that are not the "
                + expected.length
                + " its set has");
      }
      if (month.oldSet().containsKey(key)) {
        oldLeft++;
      } else if (month.newSet().containsKey(key)) {
        copies++;
      }
    }
    if (oldLeft < OLD_FILES && copies < NEW_FILES) {
      problems.add(
          "neither set is whole: "
              + oldLeft
              + " of "
              + OLD_FILES
              + " old, "
              + copies
              + " of "
              + NEW_FILES
              + " new");
    }
    if (!problems.isEmpty()) {
      failures.add(
          label
              + ": the partition is not the old set, the new set or both:\n    - "
              + String.join("\n    - ", problems)
              + "\n  bucket: "
              + sizes(after)
              + "\n  last output:\n"
              + run.tail(3));
      return "BROKEN";
    }
    if (oldLeft == OLD_FILES) {
      return copies == 0 ? "old" : copies == NEW_FILES ? "old + new" : "old + part of new";
    }
    return oldLeft == 0 ? "new" : "new + part of old";
  }

  /**
   * After a redelivery: it succeeded, and the bucket holds exactly one query's set, byte for byte
   * (the killed invocation's, or the redelivery's own if it started over), and nothing else.
   */
  private static void redelivered(
      Month month, String label, KillableProcess.Ended run, List<String> failures) {
    Map<String, byte[]> after = objects(month.bucket());
    List<String> problems = new ArrayList<>();
    if (run.exitCode() != 0 || !run.output().contains("failures=0")) {
      problems.add("the message failed again (exit " + run.exitCode() + ")");
    }
    boolean exactlyOneSet =
        month.sets().values().stream()
            .anyMatch(
                set ->
                    set.keySet().equals(after.keySet())
                        && set.entrySet().stream()
                            .allMatch(e -> Arrays.equals(e.getValue(), after.get(e.getKey()))));
    if (!exactlyOneSet) {
      problems.add(
          "the bucket is not exactly one query's set, byte for byte (queries: "
              + month.sets().keySet()
              + ")");
    }
    if (!problems.isEmpty()) {
      failures.add(
          label
              + ":\n    - "
              + String.join("\n    - ", problems)
              + "\n  bucket: "
              + sizes(after)
              + "\n  last output:\n"
              + run.tail(4));
    }
  }

  /**
   * The step the kill landed in, from what the bucket holds: how many copies are in the partition,
   * how many old objects are left, whether staging, state or lock remain.
   */
  private static String phase(Month month, Map<String, byte[]> after) {
    long oldLeft = month.oldSet().keySet().stream().filter(after::containsKey).count();
    long copies = month.newSet().keySet().stream().filter(after::containsKey).count();
    if (copies < NEW_FILES) {
      return copies == 0 ? "copy (no copy in the partition yet)" : "copy";
    }
    if (oldLeft == OLD_FILES) {
      return "after the copies, before the delete";
    }
    if (oldLeft > 0) {
      return "delete of the old objects";
    }
    if (after.keySet().stream().anyMatch(key -> key.startsWith(STAGING))) {
      return "clear staging";
    }
    return after.size() > NEW_FILES ? "state and lock release" : "after the lock's release";
  }

  /**
   * What SQS's visibility timeout does before the redelivery: by then the dead invocation's lease
   * (LOCK_LEASE_SECONDS, or two minutes past its deadline) has run out.
   */
  private static void expireLease(String bucket) {
    Map<String, byte[]> objects = objects(bucket);
    byte[] lock = objects.get(LOCK);
    if (lock != null) {
      String expired =
          new String(lock, StandardCharsets.UTF_8)
              .replaceAll(
                  "\"expiresAt\"\\s*:\\s*\"[^\"]*\"",
                  "\"expiresAt\":\"" + Instant.now().minusSeconds(1) + "\"");
      s3.seed(bucket, LOCK, expired.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> environment(String bucket) {
    return LambdaZipJvm.standInEnvironment(s3.endpoint(), aws.endpoint(), bucket, PREFIX, Map.of());
  }

  /** Every object of the bucket, by key, with its bytes. */
  private static Map<String, byte[]> objects(String bucket) {
    Map<String, byte[]> objects = new TreeMap<>();
    for (S3Object object : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      try {
        objects.put(
            object.key(),
            s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray());
      } catch (NoSuchKeyException e) {
        // deleted since the listing
      }
    }
    return objects;
  }

  /**
   * The bucket once the dead JVM's last request is over: S3 (and s3proxy) finish a request whose
   * client died, so a DeleteObjects sent just before the kill may still be deleting. Read until two
   * readings 100 ms apart agree.
   */
  private static Map<String, byte[]> settled(String bucket) throws InterruptedException {
    Map<String, Integer> last = null;
    while (true) {
      Map<String, byte[]> now = objects(bucket);
      Map<String, Integer> shape = new TreeMap<>();
      now.forEach((key, data) -> shape.put(key, Arrays.hashCode(data)));
      if (shape.equals(last)) {
        return now;
      }
      last = shape;
      Thread.sleep(100);
    }
  }

  private static String sizes(Map<String, byte[]> objects) {
    StringBuilder out = new StringBuilder();
    objects.forEach(
        (key, data) ->
            out.append("\n    ").append(key).append("  ").append(data.length).append(" bytes"));
    return out.length() == 0 ? "(empty)" : out.toString();
  }

  private static byte[] bytes(Random random, int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }
}
