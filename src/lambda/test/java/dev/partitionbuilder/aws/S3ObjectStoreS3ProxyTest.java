package dev.partitionbuilder.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.ObjectStore.StoredObject;
import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.testing.S3Stand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * S3ObjectStore's failures as an S3 server answers them on the wire (S3Proxy, over the client the
 * Lambda builds): the per-key {@code <Error>} of a DeleteObjects response, and a missing bucket.
 */
class S3ObjectStoreS3ProxyTest {
  private static final String MONTH = "warehouse/events/2024/03/";

  private static S3Stand s3;
  private static S3Client production;

  @BeforeAll
  static void startS3() {
    s3 = S3Stand.start();
    production =
        s3.configure(AwsClients.configure(S3Client.builder(), AwsClients.httpClient())).build();
  }

  @AfterAll
  static void stopS3() {
    production.close();
    s3.stop();
  }

  @Test
  void
      aKeyTheServerRefusesToDeleteFailsDeleteAllWithTheUriTheCountTheCodeAndThatKeyWhileTheOthersGo() {
    String bucket = s3.createBucket();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1_199; i++) {
      keys.add(String.format(Locale.ROOT, "%spart-%05d.parquet", MONTH, i));
    }
    // Sorts into the second page, so the refusal comes back from the second DeleteObjects call.
    String refused = MONTH + "part-01100 größe+=%.parquet";
    keys.add(refused);
    keys.forEach(key -> s3.seed(bucket, key, new byte[1]));
    s3.refuseDeleting(bucket, refused);
    S3ObjectStore store = new S3ObjectStore(production, bucket);

    assertThatThrownBy(() -> store.deleteAll(MONTH))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot delete s3://%s/%s: 1 of 1,200 key(s) failed, first: AccessDenied on %s (Access Denied)",
            bucket, MONTH, refused);
    assertThat(store.list(MONTH)).containsExactly(new StoredObject(refused, 1));
  }

  @Test
  void aMissingBucketFailsListAndDeleteAllWithTheUriAndTheServersAnswerAsCause() {
    S3ObjectStore store = new S3ObjectStore(production, "no-such-bucket");

    assertThatThrownBy(() -> store.list(MONTH))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith("Cannot list s3://no-such-bucket/" + MONTH + ": ")
        .hasCauseInstanceOf(NoSuchBucketException.class);
    assertThatThrownBy(() -> store.deleteAll(MONTH))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot delete under s3://no-such-bucket/"
                + MONTH
                + " (0 object(s) deleted before the failure): ")
        .hasCauseInstanceOf(NoSuchBucketException.class);
  }

  /**
   * The multipart copy on the wire, with the threshold and part size lowered to S3's smallest part
   * (5 MiB, which S3Proxy enforces on every part but the last): 6 MiB in a 5 MiB and a 1 MiB part.
   */
  @Test
  void anObjectAboveTheThresholdIsCopiedPartByPartByteForByte() {
    String bucket = s3.createBucket();
    byte[] data = new byte[6 << 20];
    new Random(11).nextBytes(data);
    String staged = "warehouse/events/_staging/2024/03/000000_0";
    s3.seed(bucket, staged, data);
    s3.seed(bucket, MONTH + "000000_0", new byte[] {1, 2, 3});
    S3ObjectStore store = new S3ObjectStore(s3.client(), bucket, 5L << 20, 5L << 20);

    store.copy(staged, MONTH + "000000_0");

    byte[] copied =
        s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(MONTH + "000000_0")).asByteArray();
    assertThat(copied).isEqualTo(data);
    assertThat(store.isCopyOf(MONTH + "000000_0", staged)).isTrue();
    assertThat(s3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }
}
