package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Backfills a range of months by sending one trigger message per month to the Lambda's queue, so
 * the Lambda rebuilds them exactly as it rebuilds the scheduled month. See {@link SqsMonthSender}
 * for batching, retries and the FIFO group and deduplication ids.
 *
 * <p>The client is built as the Lambda's are (url-connection HTTP client, the default credentials
 * chain), with {@code AWS_REGION}, {@code AWS_PROFILE} and {@code AWS_ENDPOINT_URL} from {@code
 * --config} or the environment (see {@link AwsSetup}); with no region named anywhere, the queue
 * URL's. The hidden {@code --endpoint-url} names an endpoint on the command line instead: tests use
 * it.
 */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    header = "Sends one message per month to the Lambda's queue (a backfill).",
    description =
        "Sends one message {\"month\": M, \"year\": YYYY} per month of a range to the Lambda's "
            + "SQS queue, so that the Lambda rebuilds each month; prints <YYYY-MM> <messageId> per month sent. "
            + "On a FIFO queue each month is a message group of its own. Uses the AWS SDK's usual region, "
            + "credentials and AWS_ENDPOINT_URL (or those of --config); the region, if none is set, from the queue URL. "
            + "Exits 1 when any month was not sent.")
final class EnqueueCommand implements Callable<Integer> {
  private final Function<Optional<URI>, SqsClient> clients;

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "YYYY-MM",
      description = "first month, such as 2023-01")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "YYYY-MM",
      description = "last month, included")
  String to;

  @Option(
      names = "--queue-url",
      paramLabel = "URL",
      description =
          "the trigger queue, such as "
              + "https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder (needed unless --dry-run)")
  String queueUrl;

  @Option(names = "--dry-run", description = "print the message bodies; send nothing")
  boolean dryRun;

  @Option(
      names = "--yes",
      description = "send a range of more than " + MonthRange.MAX_MONTHS + " months")
  boolean yes;

  @Option(
      names = "--endpoint-url",
      hidden = true,
      paramLabel = "URL",
      description =
          "SQS endpoint, for tests and stand-ins (otherwise the SDK's, or AWS_ENDPOINT_URL)")
  URI endpointUrl;

  EnqueueCommand() {
    // Read when the command runs: by then --config and --queue-url are known.
    this.clients =
        endpoint ->
            new AwsSetup(config.values(), "Cannot send to " + queueUrl)
                .sqs(endpoint, regionOf(queueUrl));
  }

  /** With the SQS client a test gives, made from the {@code --endpoint-url} if one was given. */
  EnqueueCommand(Function<Optional<URI>, SqsClient> clients) {
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<YearMonth> months = MonthRange.of(from, to, yes, "send a message for each");
    if (queueUrl != null) {
      requireQueueUrl(queueUrl);
    }
    if (dryRun) {
      for (YearMonth month : months) {
        out.println(month + " " + SqsMonthSender.body(month));
      }
      out.println(
          "dry run: "
              + months.size()
              + " message(s) not sent"
              + (queueUrl == null ? " (no --queue-url given)" : " to " + queueUrl));
      return 0;
    }
    if (queueUrl == null) {
      throw new ConfigException(
          "Cannot send "
              + months.size()
              + " message(s): no --queue-url was given: pass the "
              + "trigger queue's URL, such as https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder "
              + "(or --dry-run to print the messages only)");
    }
    boolean console = System.console() != null;
    SqsMonthSender.Result result;
    try (SqsClient sqs = createClient()) {
      // A new run id per run: a re-run of the same backfill sends new messages (see
      // SqsMonthSender).
      result =
          new SqsMonthSender(sqs)
              .send(
                  queueUrl,
                  months,
                  UUID.randomUUID().toString(),
                  console ? sent -> progress(err, sent, months.size()) : sent -> {});
    }
    if (console) {
      err.print("\r\033[K");
      err.flush();
    }
    for (SqsMonthSender.Sent sent : result.sent()) {
      out.println(sent.month() + " " + sent.messageId());
    }
    out.println("sent " + result.sent().size() + " message(s) to " + queueUrl);
    reportFailures(err, result.failed());
    if (!result.allSent()) {
      err.println(
          "partition-builder: "
              + result.failed().size()
              + " of "
              + months.size()
              + " month(s) not sent");
      return Main.REJECTED;
    }
    return 0;
  }

  /**
   * A line per month not sent, except that consecutive months failing for the same reason (all the
   * months of a failed call, or those never tried after it) share one line, named as a range.
   */
  private static void reportFailures(PrintWriter err, List<SqsMonthSender.Failed> failed) {
    int i = 0;
    while (i < failed.size()) {
      SqsMonthSender.Failed first = failed.get(i);
      int j = i + 1;
      while (j < failed.size()
          && failed.get(j).reason().equals(first.reason())
          && failed.get(j).month().equals(failed.get(j - 1).month().plusMonths(1))) {
        j++;
      }
      String months =
          j - i == 1 ? first.month().toString() : first.month() + ".." + failed.get(j - 1).month();
      err.println("partition-builder: " + months + " not sent: " + first.reason());
      i = j;
    }
  }

  private SqsClient createClient() {
    return clients.apply(Optional.ofNullable(endpointUrl));
  }

  /** sqs.REGION.amazonaws.com (or .com.cn), or the legacy REGION.queue.amazonaws.com. */
  private static final Pattern AWS_QUEUE_HOST =
      Pattern.compile(
          "(?:sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?|([a-z0-9-]+)\\.queue\\.amazonaws\\.com)");

  /**
   * The region an AWS queue URL names, such as us-east-1 in
   * https://sqs.us-east-1.amazonaws.com/123456789012/q.
   */
  static Optional<Region> regionOf(String queueUrl) {
    String host = URI.create(queueUrl).getHost();
    Matcher m = AWS_QUEUE_HOST.matcher(host == null ? "" : host);
    return m.matches()
        ? Optional.of(Region.of(m.group(1) != null ? m.group(1) : m.group(2)))
        : Optional.empty();
  }

  private static void requireQueueUrl(String url) {
    String example =
        ": expected a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "--queue-url \"" + url + "\" is not a URL (" + e.getReason() + ")" + example, e);
    }
    boolean http =
        "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
    if (!http || uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new ConfigException("--queue-url \"" + url + "\"" + example);
    }
  }

  /** "sent 30/120 months" after each call, on the terminal only, so CI logs stay clean. */
  private static void progress(PrintWriter err, int sent, int total) {
    err.printf("\rsent %d/%d months ", sent, total);
    err.flush();
  }
}
