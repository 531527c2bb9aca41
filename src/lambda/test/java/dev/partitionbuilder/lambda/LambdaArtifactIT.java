package dev.partitionbuilder.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment zip that template.yml's CodeUri names, checked after ./mvnw package. */
class LambdaArtifactIT {
  static final Path ZIP = Path.of("target/athena-partition-builder-lambda.zip");

  /** The project's limit, 20 MB read strictly (decimal); Lambda itself takes up to 50 MB. */
  static final long MAX_BYTES = 20_000_000L;

  private static List<String> entries;

  @BeforeAll
  static void read() throws Exception {
    try (ZipFile zip = new ZipFile(ZIP.toFile())) {
      entries = zip.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void parsesAMessageAndBuildsTheAwsClientsFromTheZipAlone(@TempDir Path dir) throws Exception {
    String region = System.getProperty("aws.region");
    System.setProperty("aws.region", "us-east-1");
    try (URLClassLoader lambda = extract(dir)) {
      Class<?> parser = Class.forName("dev.partitionbuilder.core.TriggerParser", true, lambda);
      Object instance =
          parser
              .getConstructor(java.time.ZoneId.class, java.time.Clock.class)
              .newInstance(java.time.ZoneOffset.UTC, java.time.Clock.systemUTC());
      Object trigger =
          parser
              .getMethod("parse", String.class)
              .invoke(instance, "{\"month\": 3, \"year\": 2024}");
      assertThat(trigger.toString()).contains("2024-03");

      Object clients =
          Class.forName("dev.partitionbuilder.aws.AwsClients", true, lambda)
              .getMethod("create")
              .invoke(null);
      assertThat(clients).isNotNull();
      assertThat(Class.forName("dev.partitionbuilder.lambda.Handler", true, lambda)).isNotNull();
      // The zip's only SLF4J provider writes JSON lines; the EMF library finds its Jackson.
      Object loggers =
          Class.forName("org.slf4j.LoggerFactory", true, lambda)
              .getMethod("getILoggerFactory")
              .invoke(null);
      assertThat(loggers.getClass().getName())
          .isEqualTo("dev.partitionbuilder.lambda.log.JsonLoggerFactory");
      Class.forName("software.amazon.cloudwatchlogs.emf.model.MetricsContext", true, lambda)
          .getMethod("serialize")
          .invoke(
              Class.forName("software.amazon.cloudwatchlogs.emf.model.MetricsContext", true, lambda)
                  .getConstructor()
                  .newInstance());
    } finally {
      if (region == null) {
        System.clearProperty("aws.region");
      } else {
        System.setProperty("aws.region", region);
      }
    }
  }

  /**
   * ServiceLoader and the SDK find these classes by the names in META-INF/services, which no code
   * references: the ProGuard step (src/lambda/assembly/lambda.pro) must keep every one its jars
   * still list.
   */
  @Test
  void loadsEveryClassThatAServiceFileInTheZipNames(@TempDir Path dir) throws Exception {
    List<String> checked = new ArrayList<>();
    try (URLClassLoader lambda = extract(dir)) {
      for (URL jar : lambda.getURLs()) {
        if (!jar.getPath().endsWith(".jar")) {
          continue;
        }
        try (ZipFile file = new ZipFile(Path.of(jar.toURI()).toFile())) {
          for (ZipEntry entry :
              file.stream()
                  .filter(e -> e.getName().startsWith("META-INF/services/") && !e.isDirectory())
                  .toList()) {
            Class<?> service =
                Class.forName(
                    entry.getName().substring("META-INF/services/".length()), false, lambda);
            String text =
                new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
            for (String line :
                text.lines()
                    .map(l -> l.replaceFirst("#.*", "").strip())
                    .filter(l -> !l.isEmpty())
                    .toList()) {
              assertThat(service)
                  .as("%s in %s", line, jar)
                  .isAssignableFrom(Class.forName(line, false, lambda));
              checked.add(line);
            }
          }
        }
      }
    }
    assertThat(checked)
        .contains(
            "software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService",
            "software.amazon.awssdk.services.glue.internal.warmup.GlueWarmUpProvider");
  }

  /**
   * The Lambda runtime reads the event into the handler's SQSEvent, and writes its
   * SQSBatchResponse, with aws-lambda-java-serialization, by reflection on the classes in the zip,
   * which ProGuard shrinks: what it needs of them must be there.
   */
  @Test
  void readsAnSqsEventAndWritesABatchResponseAsTheLambdaRuntimeDoes(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader lambda = extract(dir)) {
      Class<?> eventClass =
          Class.forName("com.amazonaws.services.lambda.runtime.events.SQSEvent", true, lambda);
      assertThat(LambdaEventSerializers.isLambdaSupportedEvent(eventClass.getName())).isTrue();
      PojoSerializer<?> events = LambdaEventSerializers.serializerFor(eventClass, lambda);
      Object event;
      try (InputStream json = Files.newInputStream(Path.of("examples/sqs-event.json"))) {
        event = events.fromJson(json);
      }
      List<?> records = (List<?>) eventClass.getMethod("getRecords").invoke(event);
      Object first = records.get(0);
      assertThat(first.getClass().getMethod("getBody").invoke(first))
          .isEqualTo("{\"month\": 3, \"year\": 2024}");
      assertThat(first.getClass().getMethod("getMessageId").invoke(first))
          .isEqualTo("19dd0b57-b21e-4ac1-bd88-01bbb068cb78");
      assertThat(
              ((Map<?, ?>) first.getClass().getMethod("getAttributes").invoke(first))
                  .get("ApproximateReceiveCount"))
          .isEqualTo("1");
      assertThat(first.getClass().getMethod("getEventSourceArn").invoke(first))
          .isEqualTo("arn:aws:sqs:us-east-1:123456789012:partition-builder-trigger");

      Class<?> responseClass =
          Class.forName(
              "com.amazonaws.services.lambda.runtime.events.SQSBatchResponse", true, lambda);
      Class<?> failureClass =
          Class.forName(
              "com.amazonaws.services.lambda.runtime.events.SQSBatchResponse$BatchItemFailure",
              true,
              lambda);
      Object failure =
          failureClass
              .getConstructor(String.class)
              .newInstance("19dd0b57-b21e-4ac1-bd88-01bbb068cb78");
      Object response = responseClass.getConstructor(List.class).newInstance(List.of(failure));
      @SuppressWarnings("unchecked")
      PojoSerializer<Object> responses =
          (PojoSerializer<Object>) JacksonFactory.getInstance().getSerializer(responseClass);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      responses.toJson(response, out);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              "{\"batchItemFailures\":[{\"itemIdentifier\":\"19dd0b57-b21e-4ac1-bd88-01bbb068cb78\"}]}");
    }
  }

  /** Lambda's layout: the zip's root and every jar under lib/ on the classpath, nothing else. */
  private static URLClassLoader extract(Path dir) throws Exception {
    List<URL> classpath = new ArrayList<>();
    try (ZipFile zip = new ZipFile(ZIP.toFile())) {
      for (ZipEntry entry : zip.stream().filter(e -> !e.isDirectory()).toList()) {
        Path target = dir.resolve(entry.getName());
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, target);
        }
        if (entry.getName().startsWith("lib/")) {
          classpath.add(target.toUri().toURL());
        }
      }
    }
    classpath.add(0, dir.toUri().toURL());
    return new URLClassLoader(classpath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void isAtMostTwentyMegabytes() throws Exception {
    assertThat(Files.size(ZIP)).isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void holdsTheHandlerAtTheRootAndItsLibrariesUnderLib() {
    assertThat(entries)
        .contains(
            "dev/partitionbuilder/lambda/Handler.class",
            "dev/partitionbuilder/core/PartitionBuilder.class",
            "ddl/cloudtrail_monthly_ctas.sql",
            "META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
    assertThat(entries)
        .anyMatch(e -> e.matches("lib/athena-2\\..*\\.jar"))
        .anyMatch(e -> e.matches("lib/aws-embedded-metrics-.*\\.jar"))
        .anyMatch(e -> e.matches("lib/url-connection-client-.*\\.jar"))
        .anyMatch(e -> e.matches("lib/aws-lambda-java-core-.*\\.jar"));
  }

  @Test
  void logsJsonOnlyWithoutSlf4jSimpleOrItsSettings() {
    assertThat(entries)
        .noneMatch(e -> e.matches("lib/slf4j-simple-.*"))
        .doesNotContain("simplelogger.properties");
  }

  @Test
  void leavesOutTheEnginesTheCliAndTheOtherHttpClients() {
    assertThat(entries)
        .noneMatch(e -> e.contains("duckdb"))
        .noneMatch(e -> e.contains("trino"))
        .noneMatch(e -> e.startsWith("io/trino/"))
        .noneMatch(e -> e.contains("picocli"))
        .noneMatch(e -> e.startsWith("dev/partitionbuilder/cli/"))
        .noneMatch(e -> e.startsWith("dev/partitionbuilder/local/"))
        .noneMatch(e -> e.startsWith("dev/partitionbuilder/sample/"))
        // The CLI sends the trigger messages; the Lambda only receives them, through its event
        // source.
        .noneMatch(e -> e.contains("SqsMonthSender"))
        .noneMatch(e -> e.matches("lib/sqs-.*"))
        .noneMatch(
            e ->
                e.matches(
                    "lib/(netty|apache-client|apache5-client|httpclient5|jackson-datatype-jsr310).*"));
  }

  /**
   * The zip runs on template.yml's runtime, java21: none of its own classes is newer than Java 17.
   */
  @Test
  void holdsOnlyJava17ClassesOfItsOwn() throws Exception {
    try (ZipFile zip = new ZipFile(ZIP.toFile())) {
      List<String> newer = new ArrayList<>();
      for (String name : entries) {
        if (name.startsWith("dev/partitionbuilder/") && name.endsWith(".class")) {
          try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            byte[] header = in.readNBytes(8);
            int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            if (major > 61) {
              newer.add(name + " (class file " + major + ")");
            }
          }
        }
      }
      assertThat(entries).anyMatch(e -> e.equals("dev/partitionbuilder/lambda/Handler.class"));
      assertThat(newer).isEmpty();
    }
  }
}
