package dev.partitionbuilder.testing;

import static dev.partitionbuilder.testing.AwsJsonStand.error;
import static dev.partitionbuilder.testing.AwsJsonStand.ok;

import dev.partitionbuilder.testing.AwsJsonStand.Answer;

/**
 * Glue's DeleteTable and its errors as the API reference gives them
 * (https://docs.aws.amazon.com/glue/latest/webapi/API_DeleteTable.html), for {@link AwsJsonStand}.
 */
public final class GlueAnswers {
  public static final String DELETE_TABLE = "AWSGlue.DeleteTable";

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
