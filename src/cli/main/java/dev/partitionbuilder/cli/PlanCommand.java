package dev.partitionbuilder.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.InvalidTriggerException;
import dev.partitionbuilder.core.OneLine;
import dev.partitionbuilder.core.PartitionPlan;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Dry run of the Lambda over an SQS event file: what each record would do. Calls no AWS service. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Reads a Lambda SQS event (as `sam local generate-event sqs receive-message` writes it) and",
        "prints, per record: <messageId> <YYYY-MM> <what would be done>, or <messageId> error: <reason>.",
        "Calls no AWS service and needs no credentials."})
final class PlanCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(names = "--event", required = true, paramLabel = "FILE", description = "the SQS event JSON file")
  Path event;

  @Option(names = "--destination-ddl", paramLabel = "FILE", description = "the long-lived table's DDL, which says "
      + "where each month lives (default: " + LocalEngineOptions.DST_TABLE_DDL + " from --config, else the bundled "
      + "ddl/cloudtrail_monthly.sql); the Lambda reads the table from Glue instead")
  Path destinationDdl;

  @Override
  public Integer call() {
    Config cfg = config.load();
    TableLayout layout = cfg.layout(LocalBackend.destinationDefinition(
        LocalEngineOptions.readableDestinationDdl(destinationDdl, config.values()), cfg.database(), cfg.destinationTable(),
        cfg.bucket(), cfg.prefix()));
    TriggerParser parser = new TriggerParser(cfg.scheduleTimeZone(), Clock.systemUTC());
    JsonNode records = readRecords();
    PrintWriter out = spec.commandLine().getOut();
    boolean rejected = false;
    for (JsonNode record : records) {
      // Escaped: an event file can hold anything, and this line goes to a terminal.
      String id = OneLine.escape(record.path("messageId").asText("<no messageId>"));
      JsonNode body = record.get("body");
      try {
        if (body == null || !body.isTextual()) {
          throw new InvalidTriggerException("record has no string \"body\"");
        }
        Trigger trigger = parser.parse(body.asText());
        out.println(id + " " + trigger.month() + " " + PartitionPlan.of(layout, trigger.month()).describe());
      } catch (InvalidTriggerException | ConfigException e) {
        out.println(id + " error: " + e.getMessage());
        rejected = true;
      }
    }
    return rejected ? Main.REJECTED : 0;
  }

  private JsonNode readRecords() {
    String text;
    try {
      text = Files.readString(event, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("Cannot read the SQS event --event " + event + ": " + FileProblem.why(event, e), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("Cannot read the SQS event --event " + event + ": it is not JSON: " + jsonProblem(e), e);
    }
    JsonNode records = root == null ? null : root.get("Records");
    if (records == null || !records.isArray()) {
      throw new ConfigException("SQS event " + event + " has no \"Records\" array");
    }
    return records;
  }

  /** Jackson's reason and where, as "line 3, column 7", without its "[Source: REDACTED ...]" noise. */
  static String jsonProblem(JsonProcessingException e) {
    String reason = OneLine.of(e.getOriginalMessage())
        .replaceAll("\\[Source: [^;\\]]*(?:\\([^)]*\\))?[^;\\]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2");
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0 ? reason : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
