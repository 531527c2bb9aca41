package dev.partitionbuilder.testing;

import static dev.partitionbuilder.testing.AwsJsonStand.error;
import static dev.partitionbuilder.testing.AwsJsonStand.ok;

import dev.partitionbuilder.testing.AwsJsonStand.Answer;
import software.amazon.awssdk.services.glue.model.Column;

/**
 * Glue's DeleteTable and its errors as the API reference gives them
 * (https://docs.aws.amazon.com/glue/latest/webapi/API_DeleteTable.html), for {@link AwsJsonStand}.
 */
public final class GlueAnswers {
  public static final String DELETE_TABLE = "AWSGlue.DeleteTable";
  public static final String GET_TABLE = "AWSGlue.GetTable";
  public static final String GET_PARTITION = "AWSGlue.GetPartition";
  public static final String CREATE_PARTITION = "AWSGlue.CreatePartition";
  public static final String UPDATE_PARTITION = "AWSGlue.UpdatePartition";

  /**
   * GetPartition of a (year, month) partition at {@code location}, with a SerDe of its own: HTTP
   * 200.
   */
  public static Answer partition(String location, String... values) {
    return ok(
        "{\"Partition\":{\"Values\":[\""
            + String.join("\",\"", values)
            + "\"],\"StorageDescriptor\":{"
            + "\"Location\":\""
            + location
            + "\",\"SerdeInfo\":{\"SerializationLibrary\":"
            + "\"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe\"}},\"Parameters\":{\"note\":\"kept\"}}}");
  }

  /**
   * The bundled destination table's partition projection (ddl/cloudtrail_monthly.sql), as Glue
   * stores it.
   */
  public static java.util.Map<String, String> bundledProjection(String location) {
    return java.util.Map.of(
        "projection.enabled",
        "true",
        "projection.year.type",
        "integer",
        "projection.year.range",
        "2013,2099",
        "projection.year.digits",
        "4",
        "projection.month.type",
        "integer",
        "projection.month.range",
        "1,12",
        "projection.month.digits",
        "2",
        "storage.location.template",
        location + "${year}/${month}/");
  }

  /**
   * The bundled destination table at {@code location} (s3://bucket/prefix/) as the SDK returns it.
   */
  public static software.amazon.awssdk.services.glue.model.Table bundledTable(
      String name, String location) {
    return software.amazon.awssdk.services.glue.model.Table.builder()
        .name(name)
        .storageDescriptor(sd -> sd.location(location))
        .partitionKeys(
            Column.builder().name("year").type("string").build(),
            Column.builder().name("month").type("string").build())
        .parameters(bundledProjection(location))
        .build();
  }

  /** GetTable of the bundled destination table at {@code location}: HTTP 200. */
  public static Answer table(String name, String location) {
    StringBuilder parameters = new StringBuilder();
    bundledProjection(location)
        .forEach(
            (k, v) ->
                parameters
                    .append(parameters.length() == 0 ? "" : ",")
                    .append('"')
                    .append(k)
                    .append("\":\"")
                    .append(v)
                    .append('"'));
    return ok(
        "{\"Table\":{\"Name\":\""
            + name
            + "\",\"StorageDescriptor\":{\"Location\":\""
            + location
            + "\"},"
            + "\"PartitionKeys\":[{\"Name\":\"year\",\"Type\":\"string\"},{\"Name\":\"month\",\"Type\":\"string\"}],"
            + "\"Parameters\":{"
            + parameters
            + "}}}");
  }

  private GlueAnswers() {}

  /** DeleteTable: HTTP 200 and no members. */
  public static Answer deleted() {
    return ok("{}");
  }

  /** No such table (or database): HTTP 400. */
  public static Answer entityNotFound(String table) {
    return error(400, "EntityNotFoundException", "Table " + table + " not found.");
  }

  /** Another writer changed the table at the same moment: HTTP 400. */
  public static Answer concurrentModification(String message) {
    return error(400, "ConcurrentModificationException", message);
  }

  /** Glue's own server error: HTTP 500. */
  public static Answer internalServiceError() {
    return error(500, "InternalServiceException", "An internal service error occurred.");
  }
}
