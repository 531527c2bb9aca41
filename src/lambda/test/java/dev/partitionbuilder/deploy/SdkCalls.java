package dev.partitionbuilder.deploy;

import static org.mockito.Mockito.mock;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.aws.S3ObjectStore;
import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mockito.invocation.InvocationOnMock;
import org.mockito.stubbing.Answer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsRequest;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.GetWorkGroupResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * The AWS API operations the code calls, found by running it: the real {@link AwsBackend} wiring
 * and adapters over SDK clients whose every operation is recorded and answered with a small canned
 * response. The scenario takes every path that reaches AWS: a CTAS template read from S3, the
 * workgroup's settings read at cold start, the saved state of an earlier build whose query, of an
 * older template, is still running (so it is stopped), a successful rerun, the row count, and the
 * count of the rows the partition holds now, the replace: copying the staged file in (over 5 GB, so
 * part by part) and deleting the old one, all between taking the month's lock and releasing it. A
 * second, short scenario copies such a file again with a part that fails, which the store aborts. A
 * third builds a month of a table without projection twice: the first build creates its Glue
 * partition, the second points it elsewhere.
 */
final class SdkCalls {
  /**
   * The IAM action each recorded SDK operation needs. Kept by hand on purpose: an operation the
   * code starts calling fails {@link #iamActions} until someone adds it here, and so reviews the
   * policy.
   * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
   */
  static final Map<String, List<String>> IAM_ACTION =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("S3Client.listObjectsV2", List.of("s3:ListBucket")),
              Map.entry("S3Client.deleteObjects", List.of("s3:DeleteObject")),
              Map.entry("S3Client.getObject", List.of("s3:GetObject")),
              // CopyObject reads the source (a staged file) and writes the target (the partition).
              // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
              Map.entry("S3Client.copyObject", List.of("s3:GetObject", "s3:PutObject")),
              // A staged file over 5 GB is copied part by part: UploadPartCopy reads a range of the
              // source
              // and writes a part of the target; the upload is started and completed as a
              // PutObject, and
              // aborted when a part fails, which is an action of its own.
              // https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
              Map.entry("S3Client.createMultipartUpload", List.of("s3:PutObject")),
              Map.entry("S3Client.uploadPartCopy", List.of("s3:GetObject", "s3:PutObject")),
              Map.entry("S3Client.completeMultipartUpload", List.of("s3:PutObject")),
              Map.entry("S3Client.abortMultipartUpload", List.of("s3:AbortMultipartUpload")),
              // The month's lock: a conditional PutObject (If-None-Match needs no other action).
              // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
              Map.entry("S3Client.putObject", List.of("s3:PutObject")),
              // Releasing the month's lock: a DeleteObject with If-Match (its ETag), which needs
              // both.
              // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
              Map.entry("S3Client.deleteObject", List.of("s3:DeleteObject", "s3:GetObject")),
              Map.entry("GlueClient.deleteTable", List.of("glue:DeleteTable")),
              Map.entry("GlueClient.getTable", List.of("glue:GetTable")),
              Map.entry("GlueClient.getPartition", List.of("glue:GetPartition")),
              Map.entry("GlueClient.createPartition", List.of("glue:CreatePartition")),
              Map.entry("GlueClient.updatePartition", List.of("glue:UpdatePartition")),
              Map.entry("AthenaClient.startQueryExecution", List.of("athena:StartQueryExecution")),
              Map.entry("AthenaClient.getQueryExecution", List.of("athena:GetQueryExecution")),
              Map.entry("AthenaClient.getQueryResults", List.of("athena:GetQueryResults")),
              Map.entry("AthenaClient.stopQueryExecution", List.of("athena:StopQueryExecution")),
              Map.entry("AthenaClient.getWorkGroup", List.of("athena:GetWorkGroup"))));

  static final Instant NOW = Instant.parse("2024-04-01T00:31:00Z");
  static final String TEMPLATE_URI = "s3://example-templates/ctas/cloudtrail_monthly.sql";

  /** The staged file over CopyObject's 5 GB (6 GiB), so its copy goes part by part. */
  private static final String LARGE_STAGED_FILE = "000001_0_new";

  /** Written by the copy pool's threads too: the builder copies files in parallel. */
  private final Set<String> recorded = new java.util.concurrent.ConcurrentSkipListSet<>();

  /** When set, UploadPartCopy fails, as a part whose copy S3 refuses. */
  private boolean failPartCopies;

  private final Deque<QueryExecutionState> states =
      new ArrayDeque<>(
          List.of(
              QueryExecutionState.RUNNING,
              QueryExecutionState.CANCELLED,
              QueryExecutionState.SUCCEEDED,
              QueryExecutionState.SUCCEEDED));
  private final Deque<Instant> submitted =
      new ArrayDeque<>(List.of(Instant.EPOCH, Instant.EPOCH, NOW, NOW));
  private int started;

  /**
   * The lock and build state the scenario wrote, by key, read back when it releases or resumes
   * them.
   */
  private final Map<String, byte[]> written = new java.util.HashMap<>();

  /** A table without projection: its months are Glue partitions. */
  private final boolean registered;

  /** The Glue partition's location, once the registered scenario created it. */
  private String partitionLocation;

  private SdkCalls(boolean registered) {
    this.registered = registered;
    if (registered) {
      return;
    }
    String sql = "SELECT 'an older template'";
    String state =
        "{\"phase\":\"QUERY\",\"owner\":\"message-0\",\"startedAt\":\"2024-04-01T00:00:00Z\","
            + "\"token\":\"t-0\",\"queryExecutionId\":\"query-0\",\"sqlSha256\":\""
            + dev.partitionbuilder.core.Sha256.hex(sql)
            + "\","
            + "\"sql\":\""
            + sql
            + "\",\"staged\":[],\"rows\":null,\"bytesScanned\":0,\"engineMillis\":0}";
    written.put(
        "cloudtrail_monthly/_state/2024/03.json",
        state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Runs the scenario and returns the operations it made, as {@code S3Client.listObjectsV2}. */
  static Set<String> ofTheScenario() {
    SdkCalls calls = new SdkCalls(false);
    BuildResult result = calls.run();
    if (result.rowsWritten().orElse(-1) != 42) {
      throw new AssertionError("The scenario did not run to its end: " + result);
    }
    if (!calls.states.isEmpty()) {
      throw new AssertionError(
          "The scenario did not count the rows the partition holds: " + calls.states + " left");
    }
    calls.copyWithAFailingPart();
    Set<String> all = new TreeSet<>(calls.recorded);
    String location = null;
    for (int build = 1; build <= 2; build++) {
      // A scenario of its own per build: the first's lock and state objects are gone by the second.
      SdkCalls swaps = new SdkCalls(true);
      swaps.partitionLocation = location;
      BuildResult swapped = swaps.run();
      if (swapped.rowsWritten().orElse(-1) != 42
          || swaps.partitionLocation == null
          || swaps.partitionLocation.equals(location)) {
        throw new AssertionError(
            "The swap scenario did not point the partition at a new location: " + swapped);
      }
      location = swaps.partitionLocation;
      all.addAll(swaps.recorded);
    }
    return all;
  }

  /**
   * The IAM actions for {@code operations}; an operation with no entry in {@link #IAM_ACTION}
   * fails.
   */
  static Set<String> iamActions(Set<String> operations) {
    Set<String> unmapped = new TreeSet<>(operations);
    unmapped.removeAll(IAM_ACTION.keySet());
    if (!unmapped.isEmpty()) {
      throw new AssertionError(
          "The code calls "
              + unmapped
              + ", which SdkCalls.IAM_ACTION does not map to an "
              + "IAM action: add the action to the table, then to template.yml and policy/policy.json");
    }
    Set<String> actions = new TreeSet<>();
    operations.forEach(operation -> actions.addAll(IAM_ACTION.get(operation)));
    return actions;
  }

  private BuildResult run() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Config config =
        Config.fromEnvironment(
            Map.of(
                Config.ATHENA_WORKGROUP, "primary",
                Config.GLUE_DATABASE, "cloudtrail",
                Config.SRC_TABLE_NAME, "cloudtrail_daily",
                Config.DST_TABLE_NAME, "cloudtrail_monthly",
                Config.DST_BUCKET, "example-cloudtrail-analytics",
                Config.DST_PREFIX, "cloudtrail_monthly/",
                Config.CTAS_TEMPLATE, TEMPLATE_URI,
                // The count of the rows the partition holds (a second query and its result), and
                // the scan cap.
                Config.MIN_PREVIOUS_ROWS_PERCENT, "50",
                Config.MAX_SCAN_BYTES, "10737418240"));
    AwsClients clients =
        new AwsClients(
            mock(S3Client.class, recording()),
            mock(GlueClient.class, recording()),
            mock(AthenaClient.class, recording()));
    return AwsBackend.partitionBuilder(config, clients, clock, duration -> {})
        .build(
            new BuildRequest(
                YearMonth.of(2024, 3), "message-1", true, NOW.plus(Duration.ofMinutes(14))));
  }

  private static S3Object staged(String key) {
    long size = key.endsWith(LARGE_STAGED_FILE) ? 6L << 30 : 1024L;
    return S3Object.builder().key(key).size(size).eTag("\"etag-staged\"").lastModified(NOW).build();
  }

  /** The store's copy of a staged file over 5 GB whose second step fails: it aborts the upload. */
  private void copyWithAFailingPart() {
    failPartCopies = true;
    S3ObjectStore store =
        new S3ObjectStore(mock(S3Client.class, recording()), "example-cloudtrail-analytics");
    try {
      store.copy(
          "cloudtrail_monthly/_staging/2024/03/" + LARGE_STAGED_FILE,
          "cloudtrail_monthly/2024/03/" + LARGE_STAGED_FILE);
      throw new AssertionError("The copy with a failing part did not fail");
    } catch (PartitionBuilderException expected) {
      // the abort it made is recorded
    }
  }

  /**
   * Records each operation (a method taking the operation's request object) and answers it; the
   * SDK's own default methods (the Consumer overloads, paginators, getObjectAsBytes) run for real
   * and end in such an operation.
   */
  private Answer<Object> recording() {
    return invocation -> {
      Method method = invocation.getMethod();
      Object[] args = invocation.getArguments();
      boolean operation =
          args.length > 0
              && args[0] instanceof SdkRequest
              && (SdkResponse.class.isAssignableFrom(method.getReturnType())
                  || (args.length == 2 && args[1] instanceof ResponseTransformer));
      if (!operation) {
        return invocation.callRealMethod();
      }
      String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
      recorded.add(name);
      return respond(name, invocation);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object respond(String operation, InvocationOnMock invocation) throws Exception {
    Object request = invocation.getArgument(0);
    switch (operation) {
      case "S3Client.listObjectsV2":
        {
          // Two staged files, one over 5 GB, and an old one of another name, so the scenario copies
          // (one CopyObject, one multipart copy) and then deletes.
          String prefix = ((ListObjectsV2Request) request).prefix();
          if (!prefix.endsWith("/")) {
            // One key looked up (the store's copy reads the source's size and ETag so): a staged
            // file is there.
            return ListObjectsV2Response.builder()
                .isTruncated(false)
                .contents(prefix.contains("_staging/") ? List.of(staged(prefix)) : List.of())
                .build();
          }
          List<S3Object> contents =
              prefix.contains("_staging/")
                  ? List.of(staged(prefix + "000000_0_new"), staged(prefix + LARGE_STAGED_FILE))
                  : List.of(S3Object.builder().key(prefix + "000000_0_old").size(1024L).build());
          return ListObjectsV2Response.builder().isTruncated(false).contents(contents).build();
        }
      case "S3Client.createMultipartUpload":
        return CreateMultipartUploadResponse.builder().uploadId("upload-1").build();
      case "S3Client.uploadPartCopy":
        {
          if (failPartCopies) {
            throw S3Exception.builder()
                .statusCode(500)
                .message("We encountered an internal error. Please try again.")
                .build();
          }
          int part = ((UploadPartCopyRequest) request).partNumber();
          return UploadPartCopyResponse.builder()
              .copyPartResult(r -> r.eTag("\"part-" + part + "\""))
              .build();
        }
      case "S3Client.putObject":
        {
          try (InputStream body =
              ((RequestBody) invocation.getArgument(1)).contentStreamProvider().newStream()) {
            written.put(((PutObjectRequest) request).key(), body.readAllBytes());
          }
          return PutObjectResponse.builder().build();
        }
      case "S3Client.getObject":
        {
          ResponseTransformer transformer = invocation.getArgument(1);
          String key = ((GetObjectRequest) request).key();
          byte[] template =
              key.contains("_locks/") || key.contains("_state/")
                  ? written.get(key)
                  : bundledTemplate();
          if (template == null) {
            throw NoSuchKeyException.builder().message("The specified key does not exist.").build();
          }
          return transformer.transform(
              GetObjectResponse.builder()
                  .contentLength((long) template.length)
                  .eTag("\"" + dev.partitionbuilder.core.Sha256.hex(template) + "\"")
                  .build(),
              AbortableInputStream.create(new ByteArrayInputStream(template)));
        }
      case "GlueClient.getTable":
        {
          software.amazon.awssdk.services.glue.model.Table table =
              dev.partitionbuilder.testing.GlueAnswers.bundledTable(
                  "cloudtrail_monthly", "s3://example-cloudtrail-analytics/cloudtrail_monthly/");
          return software.amazon.awssdk.services.glue.model.GetTableResponse.builder()
              .table(registered ? table.toBuilder().parameters(Map.of()).build() : table)
              .build();
        }
      case "GlueClient.getPartition":
        if (partitionLocation == null) {
          throw software.amazon.awssdk.services.glue.model.EntityNotFoundException.builder()
              .message("Partition not found.")
              .build();
        }
        return software.amazon.awssdk.services.glue.model.GetPartitionResponse.builder()
            .partition(
                p -> p.values("2024", "03").storageDescriptor(sd -> sd.location(partitionLocation)))
            .build();
      case "GlueClient.createPartition":
        partitionLocation =
            ((software.amazon.awssdk.services.glue.model.CreatePartitionRequest) request)
                .partitionInput()
                .storageDescriptor()
                .location();
        return software.amazon.awssdk.services.glue.model.CreatePartitionResponse.builder().build();
      case "GlueClient.updatePartition":
        partitionLocation =
            ((software.amazon.awssdk.services.glue.model.UpdatePartitionRequest) request)
                .partitionInput()
                .storageDescriptor()
                .location();
        return software.amazon.awssdk.services.glue.model.UpdatePartitionResponse.builder().build();
      case "AthenaClient.startQueryExecution":
        return StartQueryExecutionResponse.builder().queryExecutionId("query-" + ++started).build();
      case "AthenaClient.getQueryExecution":
        return GetQueryExecutionResponse.builder()
            .queryExecution(
                q ->
                    q.queryExecutionId("query-" + started)
                        // The swap scenario's queries have succeeded whenever they are asked about.
                        .status(
                            s ->
                                s.state(registered ? QueryExecutionState.SUCCEEDED : states.pop())
                                    .submissionDateTime(registered ? NOW : submitted.pop())))
            .build();
      case "AthenaClient.getQueryResults":
        {
          if (((GetQueryResultsRequest) request).queryExecutionId().equals("query-2")) {
            // The count of the rows the partition holds: a header row, then the count, fewer than
            // twice 42.
            return GetQueryResultsResponse.builder()
                .resultSet(
                    r ->
                        r.rows(
                            Row.builder()
                                .data(Datum.builder().varCharValue("_col0").build())
                                .build(),
                            Row.builder().data(Datum.builder().varCharValue("80").build()).build()))
                .build();
          }
          return GetQueryResultsResponse.builder().updateCount(42L).build();
        }
      case "AthenaClient.getWorkGroup":
        // A workgroup that lets the CTAS choose its location, so wiring goes on to the build.
        return GetWorkGroupResponse.builder()
            .workGroup(
                w -> w.name("primary").configuration(c -> c.enforceWorkGroupConfiguration(false)))
            .build();
      default:
        // An empty response of the operation's own type: deleteObjects, deleteObject, deleteTable,
        // stopQueryExecution, completeMultipartUpload, abortMultipartUpload.
        Object builder = invocation.getMethod().getReturnType().getMethod("builder").invoke(null);
        return ((SdkBuilder<?, ?>) builder).build();
    }
  }

  private static byte[] bundledTemplate() {
    try (InputStream in =
        CtasTemplate.class.getClassLoader().getResourceAsStream(CtasTemplate.BUNDLED)) {
      if (in == null) {
        throw new AssertionError(CtasTemplate.BUNDLED + " is not on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
