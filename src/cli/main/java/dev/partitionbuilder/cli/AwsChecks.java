package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.aws.AthenaQueryEngine;
import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.SafeText;
import dev.partitionbuilder.core.TableDefinition;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.local.trino.HiveDdl;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.WorkGroup;
import software.amazon.awssdk.services.athena.model.WorkGroupConfiguration;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The checks of {@code check --aws}, made with the caller's credentials and only with calls that
 * read: Athena's GetWorkGroup, Glue's GetTable, S3's ListObjectsV2 and SQS's GetQueueAttributes.
 * Each call that passes also shows that these credentials may make it; what only a write would show
 * is named in the last line, never tried.
 */
final class AwsChecks {
  static final String CREDENTIALS = "AWS credentials";
  static final String WORKGROUP = "Athena workgroup";
  static final String GLUE_SOURCE = "Glue source table";
  static final String GLUE_DESTINATION = "Glue destination";
  static final String S3_DESTINATION = "S3 destination";
  static final String S3_SOURCE = "S3 source";
  static final String QUEUE = "SQS queue";

  /**
   * template.yml's floor for QueueVisibilityTimeout: 6 x 900 s, the largest function Timeout it
   * allows.
   */
  static final long MIN_VISIBILITY_TIMEOUT_SECONDS = 5_400;

  static final String PERMISSIONS = "write permissions";
  static final List<String> ALL =
      List.of(
          CREDENTIALS,
          WORKGROUP,
          GLUE_SOURCE,
          GLUE_DESTINATION,
          S3_DESTINATION,
          S3_SOURCE,
          QUEUE,
          PERMISSIONS);

  private static final Pattern S3_LOCATION = Pattern.compile("s3a?n?://([^/]+)/?(.*)");

  /** The four clients, for one region, set up as every command's ({@link AwsSetup}). */
  record Clients(S3Client s3, GlueClient glue, AthenaClient athena, SqsClient sqs, Region region)
      implements AutoCloseable {
    /**
     * @throws ConfigException when no region or no credentials are found
     */
    static Clients create(Map<String, String> values) {
      AwsSetup setup = setup(values);
      AwsClients aws = setup.clients();
      return new Clients(
          aws.s3(),
          aws.glue(),
          aws.athena(),
          setup.sqs(Optional.empty(), Optional.empty()),
          setup.region(Optional.empty()));
    }

    @Override
    public void close() {
      s3.close();
      glue.close();
      athena.close();
      sqs.close();
    }
  }

  private static AwsSetup setup(Map<String, String> values) {
    return new AwsSetup(values, "Cannot check the AWS side");
  }

  private final CheckReport report;
  private final Config config;
  private final Clients clients;

  AwsChecks(CheckReport report, Config config, Clients clients) {
    this.report = requireNonNull(report, "report is null");
    this.config = requireNonNull(config, "config is null");
    this.clients = requireNonNull(clients, "clients is null");
  }

  /**
   * Whether the SDK finds credentials and a region, found before any check needs them (a template
   * in S3) and reported with the other AWS checks.
   *
   * @param failure the FAIL line's text, when there are none; {@code cause} is its exception
   */
  record Credentials(Optional<String> region, Optional<String> failure, Throwable cause) {
    static Credentials find(Map<String, String> values) {
      AwsSetup setup = setup(values);
      try {
        Region region = setup.region(Optional.empty());
        setup.credentials();
        return new Credentials(Optional.of(region.id()), Optional.empty(), null);
      } catch (ConfigException e) {
        return new Credentials(Optional.empty(), Optional.of(e.getMessage()), e);
      }
    }

    boolean found() {
      return failure.isEmpty();
    }

    /** The credentials line; when there are none, every other AWS check is skipped. */
    void report(CheckReport report) {
      if (found()) {
        report.ok(
            CREDENTIALS, "found by the AWS SDK's default chain; region " + region.orElseThrow());
        return;
      }
      report.fail(CREDENTIALS, failure.orElseThrow(), cause);
      ALL.subList(1, ALL.size())
          .forEach(check -> report.skip(check, "needs AWS credentials (above)"));
    }
  }

  /**
   * Every check after the credentials.
   *
   * @param source the source table's DDL, or null when it could not be read (its columns are then
   *     not compared)
   * @param destination the long-lived table's DDL, or null likewise
   */
  void run(HiveDdl source, HiveDdl destination, Optional<URI> queueUrl) {
    workgroup();
    Optional<String> sourceLocation = sourceTable(source);
    destinationTable(destination);
    list(
        S3_DESTINATION,
        Config.DST_BUCKET + "/" + Config.DST_PREFIX,
        "s3://" + config.bucket() + "/" + config.prefix());
    if (sourceLocation.isPresent()) {
      list(S3_SOURCE, "the source table's LOCATION", sourceLocation.get());
    } else {
      report.skip(S3_SOURCE, "the source table's LOCATION is known from Glue only (above)");
    }
    queue(queueUrl);
    report.skip(
        PERMISSIONS,
        "not checked, as only making the calls would show them: s3:PutObject, s3:DeleteObject "
            + "(destination prefix), glue:CreateTable, glue:DeleteTable, glue:CreatePartition, glue:UpdatePartition, "
            + "athena:StartQueryExecution; the function's role in template.yml (and policy/policy.json) grants them");
  }

  private void workgroup() {
    String variable = Config.ATHENA_WORKGROUP + "=" + SafeText.quote(config.workgroup());
    WorkGroup found;
    try {
      found = clients.athena().getWorkGroup(b -> b.workGroup(config.workgroup())).workGroup();
    } catch (software.amazon.awssdk.services.athena.model.InvalidRequestException e) {
      report.fail(
          WORKGROUP,
          variable
              + ": there is no such workgroup in "
              + clients.region()
              + " (Athena says: "
              + firstSentence(e)
              + "): create it with a query result location, or name another",
          e);
      return;
    } catch (SdkException e) {
      report.fail(
          WORKGROUP,
          "Cannot read " + variable + " with GetWorkGroup: " + firstSentence(e) + access(e),
          e);
      return;
    }
    try {
      // The Lambda's own cold-start rule, on the answer the stand-in or Athena gave.
      new AthenaQueryEngine(clients.athena(), config.workgroup(), config.database())
          .requireClientSideLocation();
    } catch (ConfigException e) {
      report.fail(WORKGROUP, e.getMessage(), e);
      return;
    }
    WorkGroupConfiguration configuration = found.configuration();
    if (!"ENABLED".equals(found.stateAsString())) {
      report.fail(
          WORKGROUP,
          variable
              + " is "
              + found.stateAsString()
              + ": enable it (aws athena update-work-group "
              + "--work-group "
              + config.workgroup()
              + " --state ENABLED) or name another");
      return;
    }
    String engine =
        configuration == null || configuration.engineVersion() == null
            ? null
            : configuration.engineVersion().effectiveEngineVersion();
    if (engine != null && !engine.contains("3")) {
      report.fail(
          WORKGROUP,
          variable
              + " runs "
              + engine
              + ", but the CTAS template is Athena engine version 3 (Trino) "
              + "SQL: set the workgroup's engine version to 3 (or AUTO)");
      return;
    }
    String results =
        configuration == null || configuration.resultConfiguration() == null
            ? null
            : configuration.resultConfiguration().outputLocation();
    boolean managed =
        configuration != null
            && configuration.managedQueryResultsConfiguration() != null
            && Boolean.TRUE.equals(configuration.managedQueryResultsConfiguration().enabled());
    if (results == null && !managed) {
      report.fail(
          WORKGROUP,
          variable
              + " has no query result location, which Athena needs for every query: set one "
              + "(template.yml's AthenaResultsBucket and AthenaResultsPrefix name it for the role)");
      return;
    }
    report.ok(
        WORKGROUP,
        config.workgroup()
            + ": enabled, "
            + (engine == null ? "engine version not reported" : engine)
            + ", client-side settings allowed, results in "
            + (managed ? "managed storage" : results));
  }

  /**
   * @return the source table's LOCATION in Glue, when it is there
   */
  private Optional<String> sourceTable(HiveDdl ddl) {
    Optional<Table> table = table(GLUE_SOURCE, config.sourceTable(), "source");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    String location = location(table.get());
    if (compared(GLUE_SOURCE, table.get(), ddl, "the source DDL")) {
      report.ok(
          GLUE_SOURCE,
          config.database()
              + "."
              + config.sourceTable()
              + " at "
              + location
              + (ddl == null ? "" : ", its columns and partition keys as in the source DDL"));
    }
    return location.isEmpty() ? Optional.empty() : Optional.of(location);
  }

  private void destinationTable(HiveDdl ddl) {
    Optional<Table> table = table(GLUE_DESTINATION, config.destinationTable(), "destination");
    if (table.isEmpty()) {
      return;
    }
    Table found = table.get();
    TableLayout layout;
    try {
      layout =
          config.layout(
              new TableDefinition(
                  config.database() + "." + config.destinationTable(),
                  location(found),
                  found.partitionKeys().stream()
                      .map(c -> new TableDefinition.Column(c.name(), c.type()))
                      .toList(),
                  found.parameters()));
    } catch (ConfigException e) {
      report.fail(GLUE_DESTINATION, e.getMessage(), e);
      return;
    }
    if (compared(GLUE_DESTINATION, found, ddl, "the destination DDL")) {
      report.ok(
          GLUE_DESTINATION,
          config.database()
              + "."
              + config.destinationTable()
              + " at "
              + location(found)
              + ", months "
              + (layout.partitioning().projected()
                  ? "by partition projection"
                  : "as Glue partitions")
              + (ddl == null ? "" : ", its columns and partition keys as in the destination DDL"));
    }
  }

  private Optional<Table> table(String check, String name, String which) {
    try {
      return Optional.of(
          clients.glue().getTable(b -> b.databaseName(config.database()).name(name)).table());
    } catch (EntityNotFoundException e) {
      report.fail(
          check,
          "there is no table "
              + config.database()
              + "."
              + name
              + " in Glue ("
              + clients.region()
              + "): create it in the Athena console with the DDL that partition-builder render --ddl "
              + which
              + " prints",
          e);
    } catch (SdkException e) {
      report.fail(
          check,
          "Cannot read "
              + config.database()
              + "."
              + name
              + " with Glue's GetTable: "
              + firstSentence(e)
              + access(e),
          e);
    }
    return Optional.empty();
  }

  /**
   * Reports a FAIL and returns false when Glue's columns or partition keys differ from {@code
   * ddl}'s.
   */
  private boolean compared(String check, Table table, HiveDdl ddl, String ddlName) {
    if (ddl == null) {
      return true;
    }
    List<HiveDdl.Column> columns =
        table.storageDescriptor() == null
            ? List.of()
            : table.storageDescriptor().columns().stream()
                .map(c -> new HiveDdl.Column(c.name(), c.type()))
                .toList();
    List<HiveDdl.Column> keys =
        table.partitionKeys().stream().map(c -> new HiveDdl.Column(c.name(), c.type())).toList();
    String name = config.database() + "." + table.name();
    String columnDifferences =
        ColumnComparison.differences(columns, "Glue", ddl.columns(), ddlName);
    String keyDifferences =
        ColumnComparison.differences(keys, "Glue", ddl.partitionColumns(), ddlName);
    if (columnDifferences.isEmpty() && keyDifferences.isEmpty()) {
      return true;
    }
    report.fail(
        check,
        name
            + " in Glue is not the table "
            + ddlName
            + " describes: "
            + (columnDifferences.isEmpty()
                ? "partition keys: " + keyDifferences
                : "columns: " + columnDifferences)
            + "; recreate the table from the DDL, or change the DDL to match");
    return false;
  }

  private void list(String check, String what, String location) {
    Matcher m = S3_LOCATION.matcher(location);
    if (!m.matches()) {
      report.fail(
          check, what + " " + SafeText.quote(location) + " is not an s3://bucket/prefix/ location");
      return;
    }
    String bucket = m.group(1);
    String prefix = m.group(2);
    try {
      ListObjectsV2Response listed =
          clients.s3().listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1));
      report.ok(
          check,
          location + " can be listed" + (listed.keyCount() == 0 ? ", and holds nothing yet" : ""));
    } catch (NoSuchBucketException e) {
      report.fail(
          check,
          what
              + " "
              + location
              + ": there is no bucket "
              + bucket
              + " (S3 says: "
              + firstSentence(e)
              + "): create it, or name the right one",
          e);
    } catch (SdkException e) {
      report.fail(
          check, "Cannot list " + location + " (" + what + "): " + firstSentence(e) + access(e), e);
    }
  }

  private void queue(Optional<URI> url) {
    if (url.isEmpty()) {
      report.skip(
          QUEUE,
          "no --queue-url: sam deploy creates the queue; once deployed, pass its TriggerQueueUrl output");
      return;
    }
    try {
      Map<QueueAttributeName, String> attributes =
          clients
              .sqs()
              .getQueueAttributes(
                  b ->
                      b.queueUrl(url.get().toString())
                          .attributeNames(
                              QueueAttributeName.VISIBILITY_TIMEOUT,
                              QueueAttributeName.REDRIVE_POLICY))
              .attributes();
      String redrive = attributes.get(QueueAttributeName.REDRIVE_POLICY);
      long visibility =
          Long.parseLong(attributes.getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "0"));
      if (visibility < MIN_VISIBILITY_TIMEOUT_SECONDS) {
        report.fail(
            QUEUE,
            url.get()
                + ": visibility timeout "
                + visibility
                + " s is under "
                + MIN_VISIBILITY_TIMEOUT_SECONDS
                + " s (6 x the largest function Timeout, 900 s, as AWS advises for an SQS"
                + " event source), so a month's message would be handed out again while its build still runs: set it to at"
                + " least "
                + MIN_VISIBILITY_TIMEOUT_SECONDS
                + " (the stack's queue has QueueVisibilityTimeout)");
      } else if (redrive == null || redrive.isBlank()) {
        report.fail(
            QUEUE,
            url.get()
                + ": no dead-letter queue (RedrivePolicy), so a month that fails every time would"
                + " be received again until its message expires: give it one (the stack's queue moves a message to its"
                + " dead-letter queue after MaxReceiveCount receives)");
      } else {
        report.ok(
            QUEUE, url.get() + ": visibility timeout " + visibility + " s, a dead-letter queue");
      }
    } catch (QueueDoesNotExistException e) {
      report.fail(
          QUEUE,
          "--queue-url "
              + url.get()
              + ": there is no such queue (SQS says: "
              + firstSentence(e)
              + "): pass the stack's TriggerQueueUrl output",
          e);
    } catch (SdkException e) {
      report.fail(
          QUEUE,
          "Cannot read the queue "
              + url.get()
              + " with GetQueueAttributes: "
              + firstSentence(e)
              + access(e),
          e);
    }
  }

  private static String location(Table table) {
    return table.storageDescriptor() == null || table.storageDescriptor().location() == null
        ? ""
        : table.storageDescriptor().location();
  }

  /** What to do about a refusal of these credentials. */
  private static String access(SdkException e) {
    boolean denied =
        e instanceof AwsServiceException service
            && (service.statusCode() == 403
                || service.awsErrorDetails() != null
                    && String.valueOf(service.awsErrorDetails().errorCode())
                        .contains("AccessDenied"));
    return denied
        ? ": these credentials may not make this call; check with credentials that may, such as the deploy's"
        : "";
  }

  /**
   * The SDK's message without its request-id tail ("(Service: ..., Status Code: ..., Request ID:
   * ...)").
   */
  static String firstSentence(SdkException e) {
    String message =
        e instanceof AwsServiceException service
                && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null
            ? service.awsErrorDetails().errorMessage()
            : String.valueOf(e.getMessage());
    int tail = message.indexOf(" (Service: ");
    return SafeText.of(tail < 0 ? message : message.substring(0, tail));
  }
}
