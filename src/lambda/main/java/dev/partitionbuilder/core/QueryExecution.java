package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One look at a query execution.
 *
 * @param stateChangeReason Athena's reason for the state, or empty
 * @param errorCategory Athena's AthenaError.ErrorCategory (1 system, 2 user, 3 other), or null
 * @param errorType Athena's AthenaError.ErrorType code, or null
 */
public record QueryExecution(
    String id,
    State state,
    Instant submittedAt,
    Optional<String> stateChangeReason,
    Integer errorCategory,
    Integer errorType,
    boolean retryable,
    long bytesScanned,
    long engineMillis) {

  public QueryExecution {
    requireNonNull(id, "id is null");
    requireNonNull(state, "state is null");
    requireNonNull(submittedAt, "submittedAt is null");
    requireNonNull(stateChangeReason, "stateChangeReason is null");
  }

  public enum State {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isDone() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /** "FAILED (error category 2 USER, type 1001, not retryable): reason". */
  public String describe() {
    StringBuilder text = new StringBuilder(state.name());
    if (errorCategory != null || errorType != null) {
      text.append(" (error category ").append(errorCategory == null ? "?" : errorCategory);
      text.append(' ').append(categoryName(errorCategory));
      text.append(", type ").append(errorType == null ? "?" : errorType);
      text.append(retryable ? ", retryable" : ", not retryable").append(')');
    }
    stateChangeReason.ifPresent(reason -> text.append(": ").append(reason));
    return text.toString();
  }

  private static String categoryName(Integer category) {
    // https://docs.aws.amazon.com/athena/latest/APIReference/API_AthenaError.html
    if (category == null) {
      return "UNKNOWN";
    }
    return switch (category) {
      case 1 -> "SYSTEM";
      case 2 -> "USER";
      case 3 -> "OTHER";
      default -> "UNKNOWN";
    };
  }
}
