package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.aws.SqsClients;
import dev.partitionbuilder.aws.SqsMonthSender;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Backfills a range of months by sending one trigger message per month to the Lambda's queue, so
 * the Lambda rebuilds them exactly as it rebuilds the scheduled month. See {@link SqsMonthSender}
 * for batching, retries and the FIFO group and deduplication ids.
 *
 * <p>The client is built as the Lambda's are (url-connection HTTP client, {@code AWS_REGION} if
 * set, the default credentials chain); the SDK itself honours {@code AWS_ENDPOINT_URL}. The hidden
 * {@code --endpoint-url} names an endpoint on the command line instead: tests use it, because
 * {@link Main#run} hands commands a map, not the process environment the SDK reads.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
    description = "Sends one message {\"month\": M, \"year\": YYYY} per month of a range to the Lambda's "
        + "SQS queue, so that the Lambda rebuilds each month; prints <YYYY-MM> <messageId> per month sent. "
        + "On a FIFO queue each month is a message group of its own. Uses the AWS SDK's usual region, "
        + "credentials and AWS_ENDPOINT_URL. Exits 1 when any month was not sent.")
final class EnqueueCommand implements Callable<Integer> {
  private final Function<Optional<URI>, SqsClient> clients;

  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM", description = "first month, such as 2023-01")
  String from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM", description = "last month, included")
  String to;

  @Option(names = "--queue-url", required = true, paramLabel = "URL",
      description = "the trigger queue, such as https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder")
  String queueUrl;

  @Option(names = "--dry-run", description = "print the message bodies; send nothing")
  boolean dryRun;

  @Option(names = "--endpoint-url", hidden = true, paramLabel = "URL",
      description = "SQS endpoint, for tests and stand-ins (otherwise the SDK's, or AWS_ENDPOINT_URL)")
  URI endpointUrl;

  EnqueueCommand() {
    this(SqsClients::create);
  }

  /** With the SQS client a test gives, made from the {@code --endpoint-url} if one was given. */
  EnqueueCommand(Function<Optional<URI>, SqsClient> clients) {
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<YearMonth> months = months();
    requireQueueUrl(queueUrl);
    if (dryRun) {
      for (YearMonth month : months) {
        out.println(month + " " + SqsMonthSender.body(month));
      }
      out.println("dry run: " + months.size() + " message(s) not sent to " + queueUrl);
      return 0;
    }
    boolean console = System.console() != null;
    SqsMonthSender.Result result;
    try (SqsClient sqs = createClient()) {
      // A new run id per run: a re-run of the same backfill sends new messages (see SqsMonthSender).
      result = new SqsMonthSender(sqs).send(queueUrl, months, UUID.randomUUID().toString(),
          console ? sent -> progress(err, sent, months.size()) : sent -> { });
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
      err.println("partition-builder: " + result.failed().size() + " of " + months.size() + " month(s) not sent");
      return Main.REJECTED;
    }
    return 0;
  }

  /**
   * A line per month not sent, except that consecutive months failing for the same reason (all
   * the months of a failed call, or those never tried after it) share one line, named as a range.
   */
  private static void reportFailures(PrintWriter err, List<SqsMonthSender.Failed> failed) {
    int i = 0;
    while (i < failed.size()) {
      SqsMonthSender.Failed first = failed.get(i);
      int j = i + 1;
      while (j < failed.size() && failed.get(j).reason().equals(first.reason())
          && failed.get(j).month().equals(failed.get(j - 1).month().plusMonths(1))) {
        j++;
      }
      String months = j - i == 1 ? first.month().toString() : first.month() + ".." + failed.get(j - 1).month();
      err.println("partition-builder: " + months + " not sent: " + first.reason());
      i = j;
    }
  }

  private SqsClient createClient() {
    try {
      return clients.apply(Optional.ofNullable(endpointUrl));
    } catch (SdkException e) {
      // Typically no region: neither AWS_REGION nor a profile names one.
      throw new ConfigException("Cannot create the SQS client (is AWS_REGION set to the queue's region?): "
          + e.getMessage(), e);
    }
  }

  private List<YearMonth> months() {
    return MonthRange.of(from, to);
  }


  private static void requireQueueUrl(String url) {
    String example = ": expected a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/partition-builder";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("--queue-url \"" + url + "\" is not a URL (" + e.getReason() + ")" + example, e);
    }
    boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
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
