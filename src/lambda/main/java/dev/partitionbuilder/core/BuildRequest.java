package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.YearMonth;

/**
 * One rebuild to do.
 *
 * @param requestKey what makes this request itself, the SQS messageId for the Lambda; the query's
 *     idempotency token is derived from it, so a retried start never runs a second query
 * @param redelivered true when this request was tried before (SQS ApproximateReceiveCount &gt; 1)
 * @param deadline past it the build neither waits on its query (a query still running is left
 *     running for the next attempt, {@link QueryStillRunningException}) nor starts a copy into the
 *     partition (the copies made are removed again and the next attempt finishes the replace)
 */
public record BuildRequest(
    YearMonth month, String requestKey, boolean redelivered, Instant deadline) {
  public BuildRequest {
    requireNonNull(month, "month is null");
    requireNonNull(requestKey, "requestKey is null");
    requireNonNull(deadline, "deadline is null");
  }
}
