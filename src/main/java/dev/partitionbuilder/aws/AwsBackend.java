package dev.partitionbuilder.aws;

import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.CtasTemplate;
import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.Sleeper;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Wires the pipeline to S3, Glue and Athena. */
public final class AwsBackend {
  private AwsBackend() {}

  public static PartitionBuilder partitionBuilder(Config config, AwsClients clients, Clock clock, Sleeper sleeper) {
    CtasTemplate template = CtasTemplate.load(config.ctasTemplate(), uri -> readTemplate(clients.s3(), uri));
    return new PartitionBuilder(
        config.layout(),
        template,
        new S3ObjectStore(clients.s3(), config.bucket()),
        new GlueCatalog(clients.glue()),
        new AthenaQueryEngine(clients.athena(), config.workgroup(), config.database()),
        config.pollPolicy(),
        clock,
        sleeper);
  }

  /** Reads a UTF-8 object named by an s3://bucket/key URI (a template kept in S3). */
  public static String readTemplate(S3Client s3, String uri) {
    URI parsed = URI.create(uri);
    String bucket = parsed.getHost();
    String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
    if (bucket == null || key.isEmpty()) {
      throw new ConfigException(Config.CTAS_TEMPLATE + "=\"" + uri + "\" is not an s3://bucket/key URI");
    }
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    } catch (NoSuchKeyException e) {
      throw new ConfigException(Config.CTAS_TEMPLATE + "=\"" + uri + "\": no such object", e);
    } catch (SdkException e) {
      throw new ConfigException(Config.CTAS_TEMPLATE + "=\"" + uri + "\": cannot read it: " + e.getMessage(), e);
    }
  }
}
