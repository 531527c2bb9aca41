package dev.partitionbuilder.aws;

import dev.partitionbuilder.core.BuildSettings;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.LockHolders;
import dev.partitionbuilder.core.MonthLocks;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.Sleeper;
import dev.partitionbuilder.core.TableDefinition;
import dev.partitionbuilder.core.TableLayout;
import java.time.Clock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Wires the pipeline to S3, Glue and Athena. */
public final class AwsBackend {
  private static final String S3_SCHEME = "s3://";

  private AwsBackend() {}

  /**
   * The builder on AWS. Reads the long-lived table with Glue's GetTable (where its months live),
   * the CTAS template (from S3 when configured), and checks with Athena's GetWorkGroup that the
   * workgroup lets the CTAS set its external_location.
   *
   * @throws ConfigException when the table, the template or the workgroup cannot be used
   */
  public static PartitionBuilder partitionBuilder(
      Config config, AwsClients clients, Clock clock, Sleeper sleeper) {
    return partitionBuilder(config, config.buildSettings(), clients, clock, sleeper);
  }

  /**
   * As {@link #partitionBuilder(Config, AwsClients, Clock, Sleeper)}, building with {@code
   * settings}.
   */
  public static PartitionBuilder partitionBuilder(
      Config config, BuildSettings settings, AwsClients clients, Clock clock, Sleeper sleeper) {
    GlueCatalog catalog = new GlueCatalog(clients.glue());
    TableDefinition destination =
        catalog
            .table(config.database(), config.destinationTable())
            .orElseThrow(
                () ->
                    new ConfigException(
                        Config.DST_TABLE_NAME
                            + "=\""
                            + config.destinationTable()
                            + "\": there is no such table in "
                            + "the Glue database "
                            + config.database()
                            + " (create it first, e.g. from ddl/cloudtrail_monthly.sql)"));
    TableLayout layout = config.layout(destination);
    CtasTemplate template =
        CtasTemplate.load(config.ctasTemplate(), uri -> readTemplate(clients.s3(), uri));
    AthenaQueryEngine engine =
        new AthenaQueryEngine(clients.athena(), config.workgroup(), config.database());
    // At cold start, so a workgroup that cannot run the CTAS stops the function before any message.
    engine.requireClientSideLocation();
    return new PartitionBuilder(
        layout,
        template,
        new S3ObjectStore(clients.s3(), config.bucket()),
        catalog,
        engine,
        settings,
        clock,
        sleeper);
  }

  /**
   * The destination bucket's month locks, for the CLI's unlock; the Lambda declares no holder gone.
   */
  public static MonthLocks monthLocks(Config config, AwsClients clients, Clock clock) {
    return new MonthLocks(
        config.layout(), new S3ObjectStore(clients.s3(), config.bucket()), clock, LockHolders.NONE);
  }

  /** Reads a UTF-8 object named by an s3://bucket/key URI (a template kept in S3). */
  public static String readTemplate(S3Client s3, String uri) {
    // Not java.net.URI: S3 URIs (console, CLI, Athena LOCATION) are not percent-encoded, so a key
    // may
    // hold a space, '%' or '#', which URI rejects or cuts off.
    String rest = uri.startsWith(S3_SCHEME) ? uri.substring(S3_SCHEME.length()) : "";
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? "" : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty() || key.isEmpty()) {
      throw new ConfigException(
          Config.CTAS_TEMPLATE + "=\"" + uri + "\" is not an s3://bucket/key URI");
    }
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    } catch (NoSuchKeyException e) {
      throw new ConfigException(Config.CTAS_TEMPLATE + "=\"" + uri + "\": no such object", e);
    } catch (SdkException e) {
      throw new ConfigException(
          Config.CTAS_TEMPLATE + "=\"" + uri + "\": cannot read it: " + e.getMessage(), e);
    }
  }
}
