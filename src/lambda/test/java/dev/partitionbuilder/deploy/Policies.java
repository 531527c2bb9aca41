package dev.partitionbuilder.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function role's statements and policy/policy.json, resolved with the example values, and the
 * lists of actions each group of statements may grant.
 */
final class Policies {
  /** Statements of what the code calls: Sid prefix Code, actions from {@link SdkCalls}. */
  static final String CODE = "Code";

  /** Statements of what Athena does with the caller's credentials while it runs the CTAS. */
  static final String ATHENA_CTAS = "AthenaCtas";

  /**
   * Statements of what Athena does with the caller's credentials while it counts a month's rows.
   */
  static final String ATHENA_COUNT = "AthenaCount";

  /** Statements of what the Lambda service needs: polling the queue and writing logs. */
  static final String LAMBDA = "Lambda";

  /** The one statement policy/policy.json adds, for whoever sends messages by hand. */
  static final String SEND = "SendToTriggerQueue";

  /**
   * What a CTAS needs besides the code's own calls, per the Athena User Guide: Glue on the source
   * table and the new table (and "default" with its catalog), S3 reads of the source, S3 writes of
   * the new table's location, and the query result location.
   * https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
   * https://docs.aws.amazon.com/athena/latest/ug/querying.html (GetQueryResults reads the result
   * location)
   */
  static final Set<String> ATHENA_CTAS_NEEDS =
      Set.of(
          "glue:GetDatabase",
          "glue:CreateDatabase",
          "glue:GetTable",
          "glue:CreateTable",
          "glue:GetPartitions",
          "glue:BatchGetPartition",
          "s3:GetBucketLocation",
          "s3:ListBucket",
          "s3:ListBucketMultipartUploads",
          "s3:GetObject",
          "s3:PutObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts");

  /**
   * What a SELECT on the long-lived table needs besides the code's own calls: Glue reads of the
   * table (partition projection, so no partitions) and S3 reads of its files; its listing and the
   * query result location are granted already.
   * https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
   */
  static final Set<String> ATHENA_COUNT_NEEDS =
      Set.of("glue:GetDatabase", "glue:GetTable", "s3:GetObject");

  /** The parameter that turns the count (and its statements) on, with a value that does. */
  static final Map<String, String> COUNTS_PREVIOUS_ROWS = Map.of("MinPreviousRowsPercent", "50");

  /** https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html and the log group. */
  static final Set<String> LAMBDA_RUNTIME =
      Set.of(
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "logs:CreateLogStream",
          "logs:PutLogEvents");

  static final Set<String> SENDER = Set.of("sqs:SendMessage");

  static final String FUNCTION_ROLE = "FunctionRole";

  /**
   * The placeholders of policy/policy.json and the template value each one stands for; the command
   * that renders the file knows exactly these names.
   */
  static final Map<String, String> PLACEHOLDER_PARAMETER =
      Map.ofEntries(
          Map.entry("region", "AWS::Region"),
          Map.entry("account_id", "AWS::AccountId"),
          Map.entry("workgroup", "AthenaWorkgroup"),
          Map.entry("results_bucket", "AthenaResultsBucket"),
          Map.entry("results_prefix", "AthenaResultsPrefix"),
          Map.entry("database", "GlueDatabase"),
          Map.entry("source_table", "SourceTable"),
          Map.entry("destination_table", "DestinationTable"),
          Map.entry("source_bucket", "SourceBucket"),
          Map.entry("source_prefix", "SourcePrefix"),
          Map.entry("destination_bucket", "DestinationBucket"),
          Map.entry("destination_prefix", "DestinationPrefix"),
          Map.entry("queue_name", "TriggerQueue.QueueName"));

  private Policies() {}

  /**
   * The function role's statements with samconfig's example values and {@code extra} parameters.
   */
  static List<Statement> functionRole(Map<String, String> extra) {
    SamTemplate template = SamTemplate.load();
    return Statement.all(
        Resolver.withExampleValues(extra).resolve(template.roleStatements(FUNCTION_ROLE)));
  }

  /**
   * Every statement the function role can have: a CTAS template in S3 adds one, the count of the
   * previous rows two.
   */
  static List<Statement> functionRoleWithEveryOption() {
    Map<String, String> options = new java.util.HashMap<>(COUNTS_PREVIOUS_ROWS);
    options.put("CtasTemplateS3Uri", SdkCalls.TEMPLATE_URI);
    return functionRole(options);
  }
}
