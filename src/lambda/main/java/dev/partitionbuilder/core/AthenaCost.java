package dev.partitionbuilder.core;

import java.math.BigDecimal;

/**
 * What Athena bills for one query, estimated from its bytes scanned. Athena's pricing page: 5 USD
 * per TB scanned, "rounded up to the nearest megabyte, with a 10 MB minimum per query"; failed
 * queries are not charged, cancelled ones are charged for what they scanned
 * (https://aws.amazon.com/athena/pricing/).
 *
 * <p>The page does not say whether its MB and TB are decimal or binary. AWS billing counts data in
 * binary units (a GB is 2^30 bytes), so this estimate does too: MB = 2^20 bytes, TB = 2^40 bytes,
 * and one billed MB costs 5 / 2^20 USD. Read decimal, the same query would cost about 10% more.
 */
public final class AthenaCost {
  public static final long BYTES_PER_MB = 1L << 20;
  public static final long MINIMUM_BILLED_MB = 10;
  public static final BigDecimal USD_PER_TB = BigDecimal.valueOf(5);
  private static final long MB_PER_TB = 1L << 20;

  private AthenaCost() {}

  /**
   * Megabytes Athena bills for a query that ended in {@code state} having scanned {@code
   * bytesScanned}: none for a FAILED query, otherwise the bytes rounded up to whole MB and at least
   * 10 MB, also for a query that scanned nothing (the minimum is per query). A CANCELLED query
   * (stopped past MAX_SCAN_BYTES, or at an interrupt) is billed for what it scanned. A query still
   * running at the deadline is left running and counted by the run that sees it end ({@link
   * RunSummary#failed}).
   */
  public static long billedMegabytes(QueryExecution.State state, long bytesScanned) {
    if (bytesScanned < 0) {
      throw new IllegalArgumentException("bytesScanned must be 0 or more, got " + bytesScanned);
    }
    if (state == QueryExecution.State.FAILED) {
      return 0;
    }
    long megabytes = bytesScanned / BYTES_PER_MB + (bytesScanned % BYTES_PER_MB == 0 ? 0 : 1);
    return Math.max(megabytes, MINIMUM_BILLED_MB);
  }

  /** The estimated charge in USD for that many billed megabytes: MB × 5 / 2^20. */
  public static BigDecimal usd(long billedMegabytes) {
    // 5 / 2^20 has a finite decimal expansion (20 digits), so this division is exact.
    return USD_PER_TB
        .multiply(BigDecimal.valueOf(billedMegabytes))
        .divide(BigDecimal.valueOf(MB_PER_TB));
  }
}
