package dev.partitionbuilder.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.InvalidTriggerException;
import dev.partitionbuilder.core.PartitionPlan;
import dev.partitionbuilder.core.SafeText;
import dev.partitionbuilder.core.TableLayout;
import dev.partitionbuilder.core.Trigger;
import dev.partitionbuilder.core.TriggerParser;
import dev.partitionbuilder.local.FileProblem;
import dev.partitionbuilder.local.LocalBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Dry run of a rebuild: the steps for a month, or for each record of an SQS event. Calls no AWS
 * service.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    header = "Prints the steps a rebuild takes, for a month or an SQS event.",
    description = {
      "With --month: the steps a rebuild of that month takes, and where each object it touches lives. "
          + "With --event: the month each record of a Lambda SQS event (as `sam local generate-event sqs "
          + "receive-message` writes it) names and its steps, or why the Lambda would reject the record.",
      "Calls no AWS service and needs no credentials. Exits 1 when a record would be rejected."
    })
final class PlanCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final class What {
    @Option(names = "--month", paramLabel = "YYYY-MM", description = "the month, such as 2024-03")
    String month;

    @Option(names = "--event", paramLabel = "FILE", description = "an SQS event JSON file")
    Path event;
  }

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  @Option(
      names = "--destination-ddl",
      paramLabel = "FILE",
      description =
          "the long-lived table's DDL, which says "
              + "where each month lives (default: "
              + LocalEngineOptions.DST_TABLE_DDL
              + " from --config, else the bundled "
              + "ddl/cloudtrail_monthly.sql); the Lambda reads the table from Glue instead")
  Path destinationDdl;

  @Option(
      names = "--json",
      description =
          "print a JSON array on stdout, one object per month or record: "
              + "messageId (with --event), then month, table, the places and steps, or error")
  boolean json;

  /** What one month or record comes to: its plan, or why there is none. */
  private record Planned(String messageId, YearMonth month, PartitionPlan plan, String error) {}

  @Override
  public Integer call() {
    Config cfg = config.load();
    TableLayout layout =
        cfg.layout(
            LocalBackend.destinationDefinition(
                LocalEngineOptions.readableDestinationDdl(destinationDdl, config.values()),
                cfg.database(),
                cfg.destinationTable(),
                cfg.bucket(),
                cfg.prefix()));
    TriggerParser parser = new TriggerParser(cfg.scheduleTimeZone(), Clock.systemUTC());
    List<Planned> planned = new ArrayList<>();
    if (what.month != null) {
      // A month the table cannot hold is bad usage here, as for render and run.
      YearMonth month = parser.parseMonth(what.month);
      planned.add(new Planned(null, month, PartitionPlan.of(layout, month), null));
    } else {
      for (JsonNode record : readRecords()) {
        planned.add(plan(record, parser, layout));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      printJson(out, planned);
    } else {
      print(out, planned);
    }
    return planned.stream().anyMatch(p -> p.error() != null) ? Main.REJECTED : 0;
  }

  private static Planned plan(JsonNode record, TriggerParser parser, TableLayout layout) {
    // Escaped: an event file can hold anything, and this goes to a terminal.
    String id = SafeText.escape(record.path("messageId").asText("<no messageId>"));
    JsonNode body = record.get("body");
    try {
      if (body == null || !body.isTextual()) {
        throw new InvalidTriggerException("record has no string \"body\"");
      }
      Trigger trigger = parser.parse(body.asText());
      return new Planned(id, trigger.month(), PartitionPlan.of(layout, trigger.month()), null);
    } catch (InvalidTriggerException | ConfigException e) {
      return new Planned(id, null, null, e.getMessage());
    }
  }

  /**
   * A heading per month or record, where the month's objects live, then its numbered steps, which
   * name those places; a month planned already is not spelled out again.
   */
  private static void print(PrintWriter out, List<Planned> planned) {
    Map<YearMonth, String> first = new HashMap<>();
    for (Planned p : planned) {
      String who = p.messageId() == null ? "" : "message " + p.messageId() + ": ";
      if (p.error() != null) {
        out.println(who + "error: " + p.error());
        continue;
      }
      PartitionPlan plan = p.plan();
      String earlier = first.putIfAbsent(p.month(), p.messageId());
      if (earlier != null) {
        out.println(who + p.month() + ", the same steps as message " + earlier);
        continue;
      }
      out.println(
          who
              + p.month()
              + " of "
              + plan.database()
              + "."
              + plan.destinationTable()
              + (plan.projected()
                  ? " (found by partition projection)"
                  : " (its Glue partition " + plan.values() + ")"));
      places(plan)
          .forEach(
              (name, place) -> out.println(String.format(Locale.ROOT, "  %-11s%s", name, place)));
      out.println("  steps:");
      List<String> steps = steps(plan);
      for (int i = 0; i < steps.size(); i++) {
        out.println(String.format(Locale.ROOT, "  %3d. %s", i + 1, steps.get(i)));
      }
    }
  }

  private static void printJson(PrintWriter out, List<Planned> planned) {
    ArrayNode array = JSON.createArrayNode();
    for (Planned p : planned) {
      ObjectNode node = array.addObject();
      if (p.messageId() != null) {
        node.put("messageId", p.messageId());
      }
      if (p.error() != null) {
        node.put("error", p.error());
        continue;
      }
      node.put("month", p.month().toString());
      node.put("table", p.plan().database() + "." + p.plan().destinationTable());
      node.put("projected", p.plan().projected());
      places(p.plan()).forEach((name, place) -> node.put(name.replace(" t", "T"), place));
      ArrayNode steps = node.putArray("steps");
      steps(p.plan()).forEach(steps::add);
    }
    out.println(array.toPrettyString());
  }

  /** The places a rebuild of the month touches, by the names the steps use. */
  static Map<String, String> places(PartitionPlan plan) {
    Map<String, String> places = new LinkedHashMap<>();
    places.put("partition", plan.location());
    if (plan.projected()) {
      places.put("staging", plan.stagingLocation());
    }
    places.put("lock", plan.lockLocation());
    places.put("state", plan.stateLocation());
    places.put("temp table", '"' + plan.database() + "\".\"" + plan.tempTable() + '"');
    return places;
  }

  /**
   * The steps of a rebuild in order, as PartitionBuilder takes them, each naming the {@link
   * #places}.
   */
  static List<String> steps(PartitionPlan plan) {
    List<String> steps = new ArrayList<>();
    steps.add("take the lock");
    steps.add("if the state holds an unfinished build, finish that build; otherwise:");
    steps.add("drop the temp table if it exists");
    if (plan.projected()) {
      steps.add("delete every object under staging");
      steps.add("run the CTAS, which creates the temp table at staging");
      steps.add("drop the temp table (its files stay)");
      steps.add(
          "if the CTAS wrote at least MIN_ROWS row(s), copy its files into the partition; "
              + "else stop, the partition as it was");
      steps.add("delete the partition's objects from before");
      steps.add("clear staging");
    } else {
      steps.add("delete what failed builds and expired retired builds left under the partition");
      steps.add(
          "run the CTAS, which creates the temp table at a new location, the partition's build-<time>-<id>/");
      steps.add("drop the temp table (its files stay)");
      steps.add(
          "if the CTAS wrote at least MIN_ROWS row(s), point the Glue partition "
              + plan.values()
              + " of \""
              + plan.database()
              + "\".\""
              + plan.destinationTable()
              + "\" at it in one catalog call; "
              + "else stop, the partition as it was");
      steps.add(
          "retire the location it pointed at before (a later build deletes it once PARTITION_GRACE_SECONDS "
              + "have passed)");
    }
    steps.add("release the lock");
    return steps;
  }

  private List<JsonNode> readRecords() {
    Path event = what.event;
    String text;
    try {
      text = Files.readString(event, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot read the SQS event --event " + event + ": " + FileProblem.why(event, e), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "Cannot read the SQS event --event " + event + ": it is not JSON: " + jsonProblem(e), e);
    }
    JsonNode records = root == null ? null : root.get("Records");
    if (records == null || !records.isArray()) {
      throw new ConfigException("SQS event " + event + " has no \"Records\" array");
    }
    List<JsonNode> list = new ArrayList<>();
    records.forEach(list::add);
    return list;
  }

  /**
   * Jackson's reason and where, as "line 3, column 7", without its "[Source: REDACTED ...]" noise.
   */
  static String jsonProblem(JsonProcessingException e) {
    String reason =
        SafeText.of(e.getOriginalMessage())
            .replaceAll(
                "\\[Source: [^;\\]]*(?:\\([^)]*\\))?[^;\\]]*; line: (\\d+), column: (\\d+)]",
                "line $1, column $2");
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0
        ? reason
        : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
