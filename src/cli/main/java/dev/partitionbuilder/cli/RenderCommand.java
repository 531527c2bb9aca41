package dev.partitionbuilder.cli;

import dev.partitionbuilder.aws.AwsBackend;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints, with the user's values and nothing else on stdout: the CTAS exactly as it would be sent
 * to Athena, the table DDL to run once in the Athena console, or the IAM policy.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    header = "Prints the CTAS, a table's DDL or the IAM policy, with your values.",
    description =
        "Prints, with your values: the CTAS that would be sent to Athena for a month (--month), "
            + "a table's DDL for the Athena console (--ddl source|destination), or the IAM policy for running "
            + "the job by hand (--policy). Values come from the Lambda's environment variables (or --config), plus "
            + "SRC_BUCKET, SRC_PREFIX, ATHENA_RESULTS_BUCKET, ATHENA_RESULTS_PREFIX, AWS_REGION, AWS_ACCOUNT_ID and "
            + "TRIGGER_QUEUE_NAME where a file needs them.")
final class RenderCommand implements Callable<Integer> {
  enum Ddl {
    source,
    destination
  }

  static final class What {
    @Option(
        names = "--month",
        paramLabel = "YYYY-MM",
        description = "the CTAS for this month, such as 2024-03")
    String month;

    @Option(
        names = "--ddl",
        paramLabel = "TABLE",
        description = "the DDL of the source or destination table")
    Ddl ddl;

    @Option(
        names = "--policy",
        description = "the IAM policy for running the job by hand or from Airflow")
    boolean policy;
  }

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  @Override
  public Integer call() {
    if (what.month == null) {
      DeploymentFile file =
          what.policy
              ? DeploymentFile.POLICY
              : what.ddl == Ddl.source ? DeploymentFile.SOURCE_DDL : DeploymentFile.DESTINATION_DDL;
      spec.commandLine().getOut().print(file.render(config.values()));
      spec.commandLine().getOut().flush();
      return 0;
    }
    String month = what.month;
    Config cfg = config.load();
    YearMonth ym = new TriggerParser(cfg.scheduleTimeZone(), Clock.systemUTC()).parseMonth(month);
    // Only a template kept in S3 needs a client (and credentials).
    CtasTemplate template =
        CtasTemplate.load(
            cfg.ctasTemplate(),
            uri ->
                AwsBackend.readTemplate(
                    new AwsSetup(config.values(), "Cannot read CTAS_TEMPLATE " + uri)
                        .clients()
                        .s3(),
                    uri));
    spec.commandLine().getOut().println(template.render(cfg.layout(), ym));
    return 0;
  }
}
