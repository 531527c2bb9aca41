package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Everything the builder needs, read once (at Lambda cold start, or when the CLI starts) from
 * environment variables and validated here, so that nothing unchecked ever reaches SQL or an S3
 * delete. Every message names the variable and the value at fault.
 *
 * @param workgroup {@value #ATHENA_WORKGROUP}
 * @param database {@value #GLUE_DATABASE}
 * @param sourceTable {@value #SRC_TABLE_NAME}
 * @param destinationTable {@value #DST_TABLE_NAME}
 * @param bucket {@value #DST_BUCKET}
 * @param prefix {@value #DST_PREFIX}, the table's root; its months lie below it where the table's
 *     partitioning puts them ({@link #layout(TableDefinition)}), {@code prefix + YYYY/MM/} for the
 *     bundled table
 * @param scheduleTimeZone {@value #SCHEDULE_TIME_ZONE}
 * @param ctasTemplate {@value #CTAS_TEMPLATE}: a file path or s3:// URI; empty for the bundled one
 * @param pollInitial {@value #ATHENA_POLL_INITIAL_MS}
 * @param pollMax {@value #ATHENA_POLL_MAX_MS}
 * @param deadlineMargin {@value #DEADLINE_MARGIN_SECONDS}
 * @param minRows {@value #MIN_ROWS}
 * @param queryRetries {@value #ATHENA_QUERY_RETRIES}
 * @param lockLease {@value #LOCK_LEASE_SECONDS}
 * @param partitionGrace {@value #PARTITION_GRACE_SECONDS}
 * @param minPreviousRowsPercent {@value #MIN_PREVIOUS_ROWS_PERCENT}; 0 turns the check off
 * @param maxScanBytes {@value #MAX_SCAN_BYTES}; 0 sets no cap
 */
public record Config(
    String workgroup,
    String database,
    String sourceTable,
    String destinationTable,
    String bucket,
    String prefix,
    ZoneId scheduleTimeZone,
    Optional<String> ctasTemplate,
    Duration pollInitial,
    Duration pollMax,
    Duration deadlineMargin,
    long minRows,
    int queryRetries,
    Duration lockLease,
    Duration partitionGrace,
    int minPreviousRowsPercent,
    long maxScanBytes) {

  /** Athena workgroup the CTAS runs in. Required. */
  public static final String ATHENA_WORKGROUP = "ATHENA_WORKGROUP";

  /** Glue database holding the source, destination and temporary tables. Required. */
  public static final String GLUE_DATABASE = "GLUE_DATABASE";

  /** Source table the template reads. Required. */
  public static final String SRC_TABLE_NAME = "SRC_TABLE_NAME";

  /** The long-lived destination table; the temporary table is named after it. Required. */
  public static final String DST_TABLE_NAME = "DST_TABLE_NAME";

  /** Bucket of the destination table. Required. */
  public static final String DST_BUCKET = "DST_BUCKET";

  /** Key prefix of the destination table, ending in '/'. Required. */
  public static final String DST_PREFIX = "DST_PREFIX";

  /**
   * Time zone in which a schedule's "day before" is taken. Default {@value
   * #DEFAULT_SCHEDULE_TIME_ZONE}.
   */
  public static final String SCHEDULE_TIME_ZONE = "SCHEDULE_TIME_ZONE";

  public static final String DEFAULT_SCHEDULE_TIME_ZONE = "UTC";

  /** CTAS template: a file path or an s3:// URI. Default: the bundled CloudTrail template. */
  public static final String CTAS_TEMPLATE = "CTAS_TEMPLATE";

  /**
   * First wait between two GetQueryExecution calls, in ms; doubles up to the max. Default {@value
   * #DEFAULT_ATHENA_POLL_INITIAL_MS}.
   */
  public static final String ATHENA_POLL_INITIAL_MS = "ATHENA_POLL_INITIAL_MS";

  public static final long DEFAULT_ATHENA_POLL_INITIAL_MS = 500;

  /**
   * Longest wait between two GetQueryExecution calls, in ms. Default {@value
   * #DEFAULT_ATHENA_POLL_MAX_MS}.
   */
  public static final String ATHENA_POLL_MAX_MS = "ATHENA_POLL_MAX_MS";

  public static final long DEFAULT_ATHENA_POLL_MAX_MS = 10_000;

  /**
   * Time kept back from the Lambda's remaining time: past the deadline it leaves, no poll waits and
   * no copy starts, so the copies in flight, their undo and the lock's release fit in it. Default
   * {@value #DEFAULT_DEADLINE_MARGIN_SECONDS}.
   */
  public static final String DEADLINE_MARGIN_SECONDS = "DEADLINE_MARGIN_SECONDS";

  public static final long DEFAULT_DEADLINE_MARGIN_SECONDS = 30;

  /**
   * Fewest rows a successful query must write for its files to replace the partition; fewer leave
   * the previous partition as it was. 0 accepts an empty month. Default {@value #DEFAULT_MIN_ROWS}.
   */
  public static final String MIN_ROWS = "MIN_ROWS";

  public static final long DEFAULT_MIN_ROWS = 1;

  /**
   * How many times a query that ends FAILED and that Athena marks Retryable is started again; a
   * query that fails for any other reason is never retried. 0 never retries. Default {@value
   * #DEFAULT_ATHENA_QUERY_RETRIES}, at most {@value #MAX_ATHENA_QUERY_RETRIES}.
   */
  public static final String ATHENA_QUERY_RETRIES = "ATHENA_QUERY_RETRIES";

  public static final int DEFAULT_ATHENA_QUERY_RETRIES = 2;

  /**
   * How long a build's lock on its month holds if the build never releases it (it crashed or was
   * killed); until then every other build of the month is refused and retried later. Must outlast
   * the longest build. Default {@value #DEFAULT_LOCK_LEASE_SECONDS}: the Lambda's 900 s maximum
   * timeout and a margin.
   */
  public static final String LOCK_LEASE_SECONDS = "LOCK_LEASE_SECONDS";

  public static final long DEFAULT_LOCK_LEASE_SECONDS = 960;

  /**
   * For a table whose months are Glue partitions (no projection): how long the location a month's
   * partition pointed at before a rebuild is kept after the swap, so a query that started before it
   * can still read it; a later build of the month deletes it once this has passed. 0 deletes it at
   * the swap. Default {@value #DEFAULT_PARTITION_GRACE_SECONDS}: longer than Athena's default
   * 30-minute DML query timeout.
   */
  public static final String PARTITION_GRACE_SECONDS = "PARTITION_GRACE_SECONDS";

  public static final long DEFAULT_PARTITION_GRACE_SECONDS = 3_600;

  /** A week: a location kept longer than that is storage paid for nothing. */
  public static final long MAX_PARTITION_GRACE_SECONDS = 604_800;

  /**
   * Least share, in percent, of the rows the month's partition holds now that the query must write
   * for its files to replace it; fewer leave the previous partition as it was, so a broken template
   * or a partial source month never replaces a good month. 0 to 100; 0, the default, turns the
   * check off. A partition that holds no rows yet always passes.
   */
  public static final String MIN_PREVIOUS_ROWS_PERCENT = "MIN_PREVIOUS_ROWS_PERCENT";

  public static final int DEFAULT_MIN_PREVIOUS_ROWS_PERCENT = 0;

  /**
   * Most bytes the query may scan (Athena's DataScannedInBytes, which Athena bills): a query that
   * passes it while it runs is stopped and the build fails, leaving the partition as it was. 0, the
   * default, sets no cap.
   */
  public static final String MAX_SCAN_BYTES = "MAX_SCAN_BYTES";

  public static final long DEFAULT_MAX_SCAN_BYTES = 0;

  // What local mode (forLocal) assumes for the values only AWS needs when they are not set:
  // the bundled CloudTrail tables, and a workgroup and bucket that the local engine never uses.
  public static final String LOCAL_ATHENA_WORKGROUP = "primary";
  public static final String LOCAL_GLUE_DATABASE = "cloudtrail";
  public static final String LOCAL_SRC_TABLE_NAME = "cloudtrail_daily";
  public static final String LOCAL_DST_TABLE_NAME = "cloudtrail_monthly";
  public static final String LOCAL_DST_PREFIX = "cloudtrail_monthly/";

  /** The bucket the local table DDLs are rendered with: the warehouse directory stands for it. */
  public static final String LOCAL_DST_BUCKET = "local-destination";

  /**
   * How long, in minutes, a CLI command waits at most for a month's build unless told otherwise
   * ({@code run --timeout}, and the sample build of {@code check}); the Lambda's deadline is the
   * time it has left.
   */
  public static final long DEFAULT_CLI_TIMEOUT_MINUTES = 30;

  /**
   * How local mode waits for the embedded engine, whatever {@value #ATHENA_POLL_INITIAL_MS} says: a
   * look at a query there is a method call in this process, with no API quota to save, so a month
   * that takes seconds is not left waiting for the next of Athena's longer polls.
   */
  public static final PollPolicy LOCAL_POLL =
      new PollPolicy(Duration.ofMillis(50), Duration.ofMillis(500));

  // Each retry is a whole CTAS again; more than a few cannot fit in a 15-minute Lambda anyway.
  static final int MAX_ATHENA_QUERY_RETRIES = 10;

  /** The Lambda's maximum timeout, 900 s: a larger margin would leave a build no time at all. */
  public static final long MAX_DEADLINE_MARGIN_SECONDS = 900;

  /**
   * One day. A lease is how long a crashed build keeps its month from every other; the longest
   * Lambda build is 900 s, and a CLI run's lease already follows its own deadline.
   */
  public static final long MAX_LOCK_LEASE_SECONDS = 86_400;

  /**
   * 15 minutes, the Lambda's maximum timeout: a longer wait between polls would never poll twice.
   */
  public static final long MAX_ATHENA_POLL_MS = 900_000;

  /**
   * S3's limit on a key's length, in UTF-8 bytes.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
   */
  public static final int S3_MAX_KEY_BYTES = 1_024;

  /**
   * Room kept for the names of the files Athena writes into a partition: Trino's are about 80
   * characters ({@code 20240401_003000_00012_abcde_<uuid>}, or {@code 000000_0_<uuid>_<query id>}
   * when bucketed); 200 leaves room for any engine version's longer ones.
   */
  public static final int FILE_NAME_RESERVE_BYTES = 200;

  /**
   * The longest DST_PREFIX, in UTF-8 bytes: its longest key, {@code
   * <prefix>_staging/YYYY/MM/<file>}, must fit in {@value #S3_MAX_KEY_BYTES} bytes with {@value
   * #FILE_NAME_RESERVE_BYTES} for the file name.
   */
  public static final int MAX_PREFIX_BYTES =
      S3_MAX_KEY_BYTES - FILE_NAME_RESERVE_BYTES - (TableLayout.STAGING + "2024/03/").length();

  // Athena: "lowercase letters, numbers, and the underscore character", at most 255 characters.
  // https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
  private static final Pattern GLUE_NAME = Pattern.compile("[a-z0-9_]{1,255}");
  // https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html
  private static final Pattern WORKGROUP = Pattern.compile("[a-zA-Z0-9._-]{1,128}");
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  // S3's "safe" key characters plus '='; no quote, space or backslash can reach a SQL literal.
  private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9!_.()=-]+");

  /**
   * A segment of a monthly partition, {@code YYYY/MM} or Hive's {@code year=YYYY} and {@code
   * month=MM}.
   */
  private static final Pattern YEAR_SEGMENT = Pattern.compile("\\d{4}");

  private static final Pattern MONTH_SEGMENT = Pattern.compile("\\d{1,2}");
  private static final Pattern HIVE_PARTITION_SEGMENT =
      Pattern.compile("(?i)(year|month|day)=\\d+");

  /** Room kept in a Glue name for the temporary table's "_temp_YYYYMM" suffix. */
  static final int TEMP_SUFFIX_LENGTH = "_temp_202401".length();

  public Config {
    requireGlueName(DST_TABLE_NAME, destinationTable);
    if (destinationTable.length() > 255 - TEMP_SUFFIX_LENGTH) {
      throw invalid(
          DST_TABLE_NAME,
          destinationTable,
          "is longer than "
              + (255 - TEMP_SUFFIX_LENGTH)
              + " characters, leaving no room for the temporary table's suffix _temp_YYYYMM");
    }
    requireGlueName(GLUE_DATABASE, database);
    requireGlueName(SRC_TABLE_NAME, sourceTable);
    requireWorkgroup(ATHENA_WORKGROUP, workgroup);
    requireBucket(DST_BUCKET, bucket);
    requirePrefix(prefix);
    if (scheduleTimeZone == null) {
      throw invalid(SCHEDULE_TIME_ZONE, null, "is not set");
    }
    ctasTemplate = ctasTemplate == null ? Optional.empty() : ctasTemplate.filter(t -> !t.isBlank());
    requireBetween(
        ATHENA_POLL_INITIAL_MS,
        pollInitial,
        Duration::toMillis,
        MAX_ATHENA_POLL_MS,
        "MAX_ATHENA_POLL_MS, the Lambda's maximum timeout");
    requireBetween(
        ATHENA_POLL_MAX_MS,
        pollMax,
        Duration::toMillis,
        MAX_ATHENA_POLL_MS,
        "MAX_ATHENA_POLL_MS, the Lambda's maximum timeout");
    if (pollMax.compareTo(pollInitial) < 0) {
      throw invalid(
          ATHENA_POLL_MAX_MS,
          String.valueOf(pollMax.toMillis()),
          "is smaller than " + ATHENA_POLL_INITIAL_MS + " (" + pollInitial.toMillis() + ")");
    }
    requireBetween(
        DEADLINE_MARGIN_SECONDS,
        deadlineMargin,
        Duration::toSeconds,
        MAX_DEADLINE_MARGIN_SECONDS,
        "MAX_DEADLINE_MARGIN_SECONDS, the Lambda's maximum timeout");
    requireMinRows(minRows);
    requireQueryRetries(queryRetries);
    requireLockLease(lockLease);
    requirePartitionGrace(partitionGrace);
    requirePercent(minPreviousRowsPercent);
    requireScanCap(maxScanBytes);
  }

  /**
   * Reads and validates the configuration from environment variables (or a map standing for them).
   */
  public static Config fromEnvironment(Map<String, String> env) {
    return new Config(
        required(env, ATHENA_WORKGROUP),
        required(env, GLUE_DATABASE),
        required(env, SRC_TABLE_NAME),
        required(env, DST_TABLE_NAME),
        required(env, DST_BUCKET),
        required(env, DST_PREFIX),
        zone(optional(env, SCHEDULE_TIME_ZONE, DEFAULT_SCHEDULE_TIME_ZONE)),
        Optional.ofNullable(env.get(CTAS_TEMPLATE)),
        Duration.ofMillis(number(env, ATHENA_POLL_INITIAL_MS, DEFAULT_ATHENA_POLL_INITIAL_MS)),
        Duration.ofMillis(number(env, ATHENA_POLL_MAX_MS, DEFAULT_ATHENA_POLL_MAX_MS)),
        Duration.ofSeconds(number(env, DEADLINE_MARGIN_SECONDS, DEFAULT_DEADLINE_MARGIN_SECONDS)),
        number(env, MIN_ROWS, DEFAULT_MIN_ROWS),
        retries(env),
        Duration.ofSeconds(number(env, LOCK_LEASE_SECONDS, DEFAULT_LOCK_LEASE_SECONDS)),
        partitionGrace(env),
        minPreviousRowsPercent(env),
        maxScanBytes(env));
  }

  /**
   * {@link #fromEnvironment} with {@code flags} over the environment: each flag's value passes its
   * variable's rules, and an error in it names the flag and the value as the user typed them.
   */
  public static Config fromEnvironment(Map<String, String> env, List<Flag> flags) {
    return withFlags(env, flags, Config::fromEnvironment);
  }

  /**
   * The configuration of local mode: the values set, checked as for the Lambda, and for those only
   * AWS needs that are not set, the bundled CloudTrail tables' names ({@value #LOCAL_GLUE_DATABASE}
   * and its tables), a stand-in workgroup and the bucket {@value #LOCAL_DST_BUCKET}.
   */
  public static Config forLocal(Map<String, String> env) {
    Map<String, String> values =
        new HashMap<>(
            Map.of(
                ATHENA_WORKGROUP, LOCAL_ATHENA_WORKGROUP,
                GLUE_DATABASE, LOCAL_GLUE_DATABASE,
                SRC_TABLE_NAME, LOCAL_SRC_TABLE_NAME,
                DST_TABLE_NAME, LOCAL_DST_TABLE_NAME,
                DST_BUCKET, LOCAL_DST_BUCKET,
                DST_PREFIX, LOCAL_DST_PREFIX));
    env.forEach(
        (name, value) -> {
          if (value != null && !value.isBlank()) {
            values.put(name, value);
          }
        });
    return fromEnvironment(values);
  }

  /**
   * {@link #forLocal} with {@code flags} over the environment, as {@link #fromEnvironment(Map,
   * List)}.
   */
  public static Config forLocal(Map<String, String> env, List<Flag> flags) {
    return withFlags(env, flags, Config::forLocal);
  }

  /**
   * A command-line flag that stands for {@code variable}, such as {@code --min-rows} for {@value
   * #MIN_ROWS}: its value goes through the variable's own rules.
   *
   * @param name the flag as the user typed it
   * @param value the flag's value as the user typed it
   */
  public record Flag(String name, String variable, String value) {
    public Flag {
      requireNonNull(name, "name is null");
      requireNonNull(variable, "variable is null");
      requireNonNull(value, "value is null");
    }
  }

  private static Config withFlags(
      Map<String, String> env, List<Flag> flags, Function<Map<String, String>, Config> read) {
    Map<String, String> values = new HashMap<>(env);
    flags.forEach(flag -> values.put(flag.variable(), flag.value()));
    try {
      return read.apply(values);
    } catch (ConfigException e) {
      for (Flag flag : flags) {
        if (e.setting().filter(flag.variable()::equals).isPresent() && e.reason().isPresent()) {
          throw new ConfigException(flag.name() + " " + flag.value() + " " + e.reason().get(), e);
        }
      }
      throw e;
    }
  }

  /**
   * The table's layout in the storage this configuration names, for what needs no month's prefix
   * (locks); {@link #layout(TableDefinition)} reads the months' from the table.
   */
  public TableLayout layout() {
    return new TableLayout(database, sourceTable, destinationTable, "s3://" + bucket + "/", prefix);
  }

  /**
   * The layout of {@code destination}, the long-lived table as the catalog describes it: its months
   * where its partitioning puts them.
   *
   * @throws ConfigException when the table cannot hold a monthly partition, or lies elsewhere than
   *     {@value #DST_BUCKET} and {@value #DST_PREFIX} say (the only place the function may write)
   */
  public TableLayout layout(TableDefinition destination) {
    MonthPartitioning partitioning = MonthPartitioning.of(destination);
    String expected = "s3://" + bucket + "/" + prefix;
    if (!partitioning.bucket().equals(bucket) || !partitioning.root().equals(prefix)) {
      throw new ConfigException(
          "Cannot build monthly partitions of "
              + destination.name()
              + ": its LOCATION "
              + SafeText.quote(destination.location())
              + " is not "
              + expected
              + ", where "
              + DST_BUCKET
              + " and "
              + DST_PREFIX
              + " let the function write");
    }
    return new TableLayout(
        database, sourceTable, destinationTable, "s3://" + bucket + "/", prefix, partitioning);
  }

  public PollPolicy pollPolicy() {
    return new PollPolicy(pollInitial, pollMax);
  }

  /** How the builder waits, retries, locks and copies, from this configuration. */
  public BuildSettings buildSettings() {
    return BuildSettings.defaults(pollPolicy())
        .withMinRows(minRows)
        .withQueryRetries(queryRetries)
        .withLockLease(lockLease)
        .withPartitionGrace(partitionGrace)
        .withMinPreviousRowsPercent(minPreviousRowsPercent)
        .withMaxScanBytes(maxScanBytes);
  }

  public static void requireGlueName(String variable, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(variable, value, "is not set");
    }
    if (!GLUE_NAME.matcher(value).matches()) {
      String hint =
          value.equals(value.toLowerCase(java.util.Locale.ROOT))
              ? ""
              : " (Glue stores names in lower case: use "
                  + SafeText.quote(value.toLowerCase(java.util.Locale.ROOT))
                  + ")";
      throw invalid(
          variable,
          value,
          "is not a Glue/Athena name: use 1 to 255 lowercase letters, digits and '_'" + hint);
    }
  }

  public static void requireWorkgroup(String variable, String value) {
    if (value == null || !WORKGROUP.matcher(value).matches()) {
      throw invalid(
          variable,
          value,
          "is not an Athena workgroup name: use 1 to 128 letters, digits, '.', '_' and '-'");
    }
  }

  public static void requireBucket(String variable, String value) {
    String why = null;
    if (value == null || !BUCKET.matcher(value).matches()) {
      why =
          "is not an S3 bucket name: use 3 to 63 lowercase letters, digits, '.' and '-', "
              + "starting and ending with a letter or digit";
    } else if (value.contains("..") || value.contains(".-") || value.contains("-.")) {
      why = "is not an S3 bucket name: '.' cannot be next to another '.' or a '-'";
    } else if (IPV4.matcher(value).matches()) {
      why = "is not an S3 bucket name: it is formatted as an IP address";
    } else if (value.startsWith("xn--")
        || value.startsWith("sthree-")
        || value.endsWith("-s3alias")
        || value.endsWith("--ol-s3")
        || value.endsWith(".mrap")
        || value.endsWith("--x-s3")) {
      why = "is not an S3 bucket name: it uses a prefix or suffix S3 reserves";
    }
    if (why != null) {
      throw invalid(variable, value, why);
    }
  }

  /** The destination table's root: {@link #requireDestinationPrefix} named {@value #DST_PREFIX}. */
  public static void requirePrefix(String value) {
    requireDestinationPrefix(DST_PREFIX, value);
  }

  /**
   * A plain prefix (see {@link #requirePrefix(String, String)}) that is also fit to be a table's
   * root: it does not lie inside another table's partition, staging, lock or state area (no segment
   * {@code _staging}, {@code _locks} or {@code _state}, no {@code YYYY/MM} pair of segments, no
   * {@code year=}, {@code month=} or {@code day=} segment), since a rebuild there would clear and
   * replace keys that table reads; and it leaves every key the builder writes within S3's limit.
   */
  public static void requireDestinationPrefix(String variable, String value) {
    requirePrefix(variable, value);
    String[] segments = value.substring(0, value.length() - 1).split("/");
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if ((segment + "/").equals(TableLayout.STAGING)
          || (segment + "/").equals(TableLayout.LOCKS)
          || (segment + "/").equals(TableLayout.STATE)) {
        throw invalid(
            variable,
            value,
            "lies inside another table's "
                + segment
                + " area: give the table a prefix of its own, outside every other table's");
      }
      String partition = partitionAt(segments, i);
      if (partition != null) {
        throw invalid(
            variable,
            value,
            "lies inside another table's partition ("
                + SafeText.quote(partition)
                + "): a rebuild would replace that table's files; give the table a prefix of its own");
      }
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PREFIX_BYTES) {
      throw invalid(
          variable,
          value,
          "is "
              + bytes
              + " bytes long; at most "
              + MAX_PREFIX_BYTES
              + " (MAX_PREFIX_BYTES) keep the longest key, <prefix>_staging/YYYY/MM/<file>, within S3's "
              + S3_MAX_KEY_BYTES
              + " bytes with "
              + FILE_NAME_RESERVE_BYTES
              + " for the file name");
    }
  }

  /**
   * A relative key prefix ending in '/', never empty, with plain segments; {@code variable} names
   * it in errors.
   */
  public static void requirePrefix(String variable, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(
          variable,
          value,
          "is empty: the table needs its own prefix (such as cloudtrail_monthly/), never the bucket root");
    }
    if (value.startsWith("/") || value.startsWith("s3://")) {
      throw invalid(
          variable,
          value,
          "must be a key prefix relative to the bucket, such as cloudtrail_monthly/");
    }
    if (!value.endsWith("/")) {
      throw invalid(variable, value, "must end with '/' (try " + SafeText.quote(value + "/") + ")");
    }
    for (String segment : value.substring(0, value.length() - 1).split("/", -1)) {
      if (segment.isEmpty()
          || segment.equals(".")
          || segment.equals("..")
          || !PREFIX_SEGMENT.matcher(segment).matches()) {
        throw invalid(
            variable,
            value,
            "is not a plain key prefix: segments are letters, digits and !_.()=- , never empty, '.' or '..'");
      }
    }
  }

  /** The segment, or pair of segments, at {@code i} that names a partition; null if none does. */
  private static String partitionAt(String[] segments, int i) {
    if (HIVE_PARTITION_SEGMENT.matcher(segments[i]).matches()) {
      return segments[i];
    }
    boolean yearMonth =
        i + 1 < segments.length
            && YEAR_SEGMENT.matcher(segments[i]).matches()
            && MONTH_SEGMENT.matcher(segments[i + 1]).matches();
    return yearMonth ? segments[i] + "/" + segments[i + 1] : null;
  }

  /**
   * From 1 to {@code max} in the variable's own unit, which {@code inUnit} gives back as the user
   * wrote it. The bound keeps time arithmetic ({@code Instant.plus}) from overflowing.
   */
  private static void requireBetween(
      String variable, Duration value, ToLongFunction<Duration> inUnit, long max, String bound) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(
          variable,
          value == null ? null : String.valueOf(inUnit.applyAsLong(value)),
          "must be a positive number");
    }
    long amount = inUnit.applyAsLong(value);
    if (amount > max) {
      throw invalid(
          variable, String.valueOf(amount), "must be at most " + max + " (" + bound + ")");
    }
  }

  private static String required(Map<String, String> env, String variable) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new ConfigException(variable + " is not set");
    }
    return value;
  }

  /** An unset or blank optional variable takes its default, as for the numeric ones. */
  private static String optional(Map<String, String> env, String variable, String defaultValue) {
    String value = env.get(variable);
    return value == null || value.isBlank() ? defaultValue : value.strip();
  }

  /** The rule of {@value #MIN_ROWS}, for both backends and every builder's settings. */
  static void requireMinRows(long minRows) {
    if (minRows < 0) {
      throw invalid(
          MIN_ROWS, String.valueOf(minRows), "must be 0 or more (0 accepts an empty month)");
    }
  }

  /**
   * The rule of {@value #ATHENA_QUERY_RETRIES}, checked on the number read, before it is narrowed
   * to an int.
   */
  static void requireQueryRetries(long retries) {
    if (retries < 0 || retries > MAX_ATHENA_QUERY_RETRIES) {
      throw invalid(
          ATHENA_QUERY_RETRIES,
          String.valueOf(retries),
          "must be from 0 (never retry) to " + MAX_ATHENA_QUERY_RETRIES);
    }
  }

  private static ZoneId zone(String value) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw invalid(
          SCHEDULE_TIME_ZONE, value, "is not a time zone ID such as UTC or Europe/Berlin", e);
    }
  }

  private static Duration partitionGrace(Map<String, String> env) {
    return Duration.ofSeconds(
        number(env, PARTITION_GRACE_SECONDS, DEFAULT_PARTITION_GRACE_SECONDS));
  }

  /** The rule of {@value #PARTITION_GRACE_SECONDS}. */
  static void requirePartitionGrace(Duration grace) {
    if (grace == null || grace.isNegative() || grace.toSeconds() > MAX_PARTITION_GRACE_SECONDS) {
      throw invalid(
          PARTITION_GRACE_SECONDS,
          grace == null ? null : String.valueOf(grace.toSeconds()),
          "must be from 0 (delete the previous location at the swap) to "
              + MAX_PARTITION_GRACE_SECONDS
              + " (a week)");
    }
  }

  /**
   * {@value #MIN_PREVIOUS_ROWS_PERCENT}, checked before it is narrowed to an int, which could wrap
   * it into range.
   */
  static int minPreviousRowsPercent(Map<String, String> env) {
    long percent = number(env, MIN_PREVIOUS_ROWS_PERCENT, DEFAULT_MIN_PREVIOUS_ROWS_PERCENT);
    requirePercent(percent);
    return (int) percent;
  }

  static long maxScanBytes(Map<String, String> env) {
    return number(env, MAX_SCAN_BYTES, DEFAULT_MAX_SCAN_BYTES);
  }

  /** The rule of {@value #MIN_PREVIOUS_ROWS_PERCENT}. */
  static void requirePercent(long percent) {
    if (percent < 0 || percent > 100) {
      throw invalid(
          MIN_PREVIOUS_ROWS_PERCENT,
          String.valueOf(percent),
          "must be a percent from 0 (no check) to 100");
    }
  }

  /** The rule of {@value #MAX_SCAN_BYTES}. */
  static void requireScanCap(long bytes) {
    if (bytes < 0) {
      throw invalid(MAX_SCAN_BYTES, String.valueOf(bytes), "must be 0 (no cap) or more");
    }
  }

  /** The rule of {@value #LOCK_LEASE_SECONDS}. */
  static void requireLockLease(Duration lease) {
    requireBetween(
        LOCK_LEASE_SECONDS,
        lease,
        Duration::toSeconds,
        MAX_LOCK_LEASE_SECONDS,
        "MAX_LOCK_LEASE_SECONDS, one day");
  }

  private static long number(Map<String, String> env, String variable, long defaultValue) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw invalid(variable, value, "is not a whole number", e);
    }
  }

  private static int retries(Map<String, String> env) {
    long retries = number(env, ATHENA_QUERY_RETRIES, DEFAULT_ATHENA_QUERY_RETRIES);
    requireQueryRetries(retries);
    return (int) retries;
  }

  private static ConfigException invalid(String variable, String value, String why) {
    return invalid(variable, value, why, null);
  }

  private static ConfigException invalid(
      String variable, String value, String why, Throwable cause) {
    return new ConfigException(variable, SafeText.quote(value), why, cause);
  }
}
