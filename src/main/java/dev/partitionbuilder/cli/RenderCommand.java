package dev.partitionbuilder.cli;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.aws.AwsClients;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the CTAS exactly as it would be sent to Athena; nothing else goes to stdout. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Prints exactly the CTAS SQL that would be sent to Athena for one month.")
final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "the month, such as 2024-03")
  String month;

  @Override
  public Integer call() {
    Config cfg = config.load();
    YearMonth ym = new TriggerParser(cfg.scheduleTimeZone(), Clock.systemUTC()).parseMonth(month);
    // Only a template kept in S3 needs a client (and credentials).
    CtasTemplate template = CtasTemplate.load(cfg.ctasTemplate(),
        uri -> AwsBackend.readTemplate(AwsClients.create().s3(), uri));
    spec.commandLine().getOut().println(template.render(cfg.layout(), ym));
    return 0;
  }
}
