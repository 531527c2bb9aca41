package dev.partitionbuilder.aws;

import static dev.partitionbuilder.aws.SdkMocks.sdkMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.partitionbuilder.core.ObjectStore.StoredObject;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

class S3ObjectStoreTest {
  private static final String BUCKET = "warehouse";
  private static final String PREFIX = "tables/events/2024/03/";
  private static final String LOCK = "tables/events/_locks/2024/03";
  private static final String URI = "s3://warehouse/tables/events/2024/03/";

  private final S3Client s3 = sdkMock(S3Client.class);
  private final S3ObjectStore store = new S3ObjectStore(s3, BUCKET);

  @Test
  void deleteAllSendsOneQuietDeleteObjectsPerListedPageWithExactlyThatPagesKeys() {
    List<List<String>> pages = List.of(keys(0, 1000), keys(1000, 2000), keys(2000, 2500));
    listing(pages);
    deleteSucceeds();

    int deleted = store.deleteAll(PREFIX);

    assertThat(deleted).isEqualTo(2500);
    List<DeleteObjectsRequest> deletes = deleteRequests(3);
    for (int i = 0; i < 3; i++) {
      DeleteObjectsRequest delete = deletes.get(i);
      assertThat(delete.bucket()).isEqualTo(BUCKET);
      assertThat(delete.delete().quiet()).isTrue();
      assertThat(delete.delete().objects()).hasSizeLessThanOrEqualTo(1000);
      assertThat(keysOf(delete)).containsExactlyElementsOf(pages.get(i));
    }
    List<ListObjectsV2Request> lists = listRequests();
    assertThat(lists)
        .hasSize(3)
        .allSatisfy(
            list -> {
              assertThat(list.bucket()).isEqualTo(BUCKET);
              assertThat(list.prefix()).isEqualTo(PREFIX);
            });
    assertThat(lists)
        .extracting(ListObjectsV2Request::continuationToken)
        .containsExactly(null, "token-1", "token-2");
  }

  @Test
  void deleteAllOnAnEmptyPrefixDeletesNothingAndCanRunTwice() {
    listing(List.of(List.of()));

    assertThat(store.deleteAll(PREFIX)).isZero();
    assertThat(store.deleteAll(PREFIX)).isZero();

    // The Consumer overload ends in this one (see SdkMocks), so this covers both.
    verify(s3, never()).deleteObjects(any(DeleteObjectsRequest.class));
    verify(s3, times(2)).listObjectsV2(any(ListObjectsV2Request.class));
  }

  @Test
  void keysS3CouldNotDeleteFailTheCallWithTheUriTheCountTheCodeAndTheFirstKey() {
    List<String> page = keys(0, 1000);
    listing(List.of(page));
    deleteFailsFor(Set.of(page.get(17), page.get(500), page.get(999)));

    assertThatThrownBy(() -> store.deleteAll(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(URI)
        .hasMessageContaining("3 of 1,000")
        .hasMessageContaining("AccessDenied on " + page.get(17))
        .message()
        .doesNotContain("\n", "\r");
  }

  @Test
  void keyErrorsOnEveryPageAreCountedAndLaterPagesAreStillDeleted() {
    List<String> first = keys(0, 1000);
    List<String> second = keys(1000, 1500);
    listing(List.of(first, second));
    deleteFailsFor(Set.of(first.get(3), first.get(4), second.get(7)));

    assertThatThrownBy(() -> store.deleteAll(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("3 of 1,500")
        .hasMessageContaining("AccessDenied on " + first.get(3));
    List<DeleteObjectsRequest> deletes = deleteRequests(2);
    assertThat(keysOf(deletes.get(1))).containsExactlyElementsOf(second);
  }

  @Test
  void theKeyErrorCountReadsTheSameWhateverTheDefaultLocale() {
    List<String> page = keys(0, 1000);
    listing(List.of(page));
    deleteFailsFor(Set.of(page.get(0)));
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      assertThatThrownBy(() -> store.deleteAll(PREFIX)).hasMessageContaining("1 of 1,000");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void aFailedListingNamesTheUriAndKeepsTheCause() {
    S3Exception denied =
        (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied").build();
    doThrow(denied).when(s3).listObjectsV2(any(ListObjectsV2Request.class));

    assertThatThrownBy(() -> store.deleteAll(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(URI)
        .hasCause(denied);
    verify(s3, never()).deleteObjects(any(DeleteObjectsRequest.class));
  }

  @Test
  void aFailedDeleteObjectsCallNamesTheUriAndHowManyWereDeletedBeforeIt() {
    listing(List.of(keys(0, 1000), keys(1000, 1500)));
    S3Exception slowDown =
        (S3Exception) S3Exception.builder().statusCode(503).message("Slow Down").build();
    doAnswer(
            call -> {
              DeleteObjectsRequest request = call.getArgument(0);
              if (keysOf(request).contains(key(1000))) {
                throw slowDown;
              }
              return DeleteObjectsResponse.builder().build();
            })
        .when(s3)
        .deleteObjects(any(DeleteObjectsRequest.class));

    assertThatThrownBy(() -> store.deleteAll(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(URI)
        .hasMessageContaining("1,000 object(s) deleted before the failure")
        .hasCause(slowDown);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "x", "/x/", "tables/events/2024/03"})
  void deleteAllRefusesAPrefixThatIsNotOneRelativeDirectoryWithoutCallingS3(String prefix) {
    assertThatIllegalArgumentException().isThrownBy(() -> store.deleteAll(prefix));

    verifyNoInteractions(s3);
  }

  @Test
  void aListedKeyOutsideThePrefixStopsDeleteAllBeforeAnyKeyIsDeleted() {
    String stray = "tables/events/2024/04/part-0000.parquet";
    List<String> page = new ArrayList<>(keys(0, 10));
    page.add(5, stray);
    listing(List.of(page));

    assertThatThrownBy(() -> store.deleteAll(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(stray)
        .hasMessageContaining(URI);
    verify(s3, never()).deleteObjects(any(DeleteObjectsRequest.class));
  }

  @Test
  void keysWithSpacesUnicodeAndPlusAreDeletedExactlyAsListed() {
    List<String> odd =
        List.of(
            PREFIX + "a file with spaces.parquet",
            PREFIX + "größe-日本-é.parquet",
            PREFIX + "a+b=c&d.parquet",
            PREFIX + "sub dir/%20not-decoded.parquet");
    listing(List.of(odd));
    deleteSucceeds();

    assertThat(store.deleteAll(PREFIX)).isEqualTo(4);

    assertThat(keysOf(deleteRequests(1).get(0))).containsExactlyElementsOf(odd);
  }

  @Test
  void listReturnsTheKeysAndSizesOfEveryPage() {
    stubPages(
        List.of(
            List.of(object(PREFIX + "a.parquet", 10), object(PREFIX + "b.parquet", 0)),
            List.of(object(PREFIX + "c d+é.parquet", 5_000_000_000L))));

    List<StoredObject> objects = store.list(PREFIX);

    assertThat(objects)
        .containsExactly(
            new StoredObject(PREFIX + "a.parquet", 10),
            new StoredObject(PREFIX + "b.parquet", 0),
            new StoredObject(PREFIX + "c d+é.parquet", 5_000_000_000L));
    assertThat(listRequests())
        .extracting(ListObjectsV2Request::bucket, ListObjectsV2Request::prefix)
        .containsOnly(tuple(BUCKET, PREFIX));
  }

  @Test
  void aFailedListNamesTheUriAndKeepsTheCause() {
    S3Exception noBucket =
        (S3Exception) S3Exception.builder().statusCode(404).message("No Such Bucket").build();
    doThrow(noBucket).when(s3).listObjectsV2(any(ListObjectsV2Request.class));

    assertThatThrownBy(() -> store.list(PREFIX))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(URI)
        .hasCause(noBucket);
  }

  // --- the stand-in S3 ---

  @Test
  void deleteKeysSendsTheGivenKeysInQuietBatchesOfAtMostAThousandWithoutListing() {
    deleteSucceeds();
    List<String> keys = keys(0, 2500);

    int deleted = store.deleteKeys(PREFIX, keys);

    assertThat(deleted).isEqualTo(2500);
    List<DeleteObjectsRequest> deletes = deleteRequests(3);
    assertThat(deletes).allSatisfy(d -> assertThat(d.delete().quiet()).isTrue());
    assertThat(deletes).flatExtracting(S3ObjectStoreTest::keysOf).containsExactlyElementsOf(keys);
    verify(s3, never()).listObjectsV2(any(ListObjectsV2Request.class));
  }

  @Test
  void keysDeleteKeysCouldNotDeleteFailTheCallWithTheCountTheCodeAndTheFirstKey() {
    deleteFailsFor(Set.of(key(3)));

    assertThatThrownBy(() -> store.deleteKeys(PREFIX, keys(0, 5)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot delete "
                + URI
                + ": 1 of 5 key(s) failed, first: AccessDenied on "
                + key(3)
                + " (Access Denied)");
  }

  private static final String STAGED = "tables/events/_staging/2024/03/f";
  private static final long MIB = 1L << 20;

  @Test
  void aFailedCopyNamesBothUrisAndKeepsTheCause() {
    objects(object(STAGED, 10, "\"etag\""));
    S3Exception denied =
        (S3Exception) S3Exception.builder().message("Access Denied").statusCode(403).build();
    doThrow(denied).when(s3).copyObject(any(CopyObjectRequest.class));

    assertThatThrownBy(() -> store.copy(STAGED, PREFIX + "f"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot copy s3://warehouse/tables/events/_staging/2024/03/f to "
                + URI
                + "f: Access Denied")
        .hasCause(denied);
  }

  @Test
  void aCopyOfAMissingSourceFailsSayingSoAndCopiesNothing() {
    objects();

    assertThatThrownBy(() -> store.copy(STAGED, PREFIX + "f"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot copy s3://warehouse/" + STAGED + " to " + URI + "f: the source does not exist");
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));
    verify(s3, never()).createMultipartUpload(any(CreateMultipartUploadRequest.class));
  }

  @Test
  void anObjectUpToTheThresholdIsCopiedWithOneCopyObject() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 10 * MIB, "\"etag\""));
    doReturn(CopyObjectResponse.builder().build())
        .when(s3)
        .copyObject(any(CopyObjectRequest.class));

    store.copy(STAGED, PREFIX + "f");

    ArgumentCaptor<CopyObjectRequest> copy = ArgumentCaptor.forClass(CopyObjectRequest.class);
    verify(s3).copyObject(copy.capture());
    assertThat(copy.getValue().sourceKey()).isEqualTo(STAGED);
    assertThat(copy.getValue().destinationKey()).isEqualTo(PREFIX + "f");
    verify(s3, never()).createMultipartUpload(any(CreateMultipartUploadRequest.class));
    ArgumentCaptor<ListObjectsV2Request> list = ArgumentCaptor.forClass(ListObjectsV2Request.class);
    verify(s3).listObjectsV2(list.capture());
    assertThat(list.getValue().prefix()).isEqualTo(STAGED);
    assertThat(list.getValue().maxKeys()).isEqualTo(1);
  }

  /**
   * The replace lists staging once; each copy then spares the lookup of its source (BENCHMARKS.md,
   * replace).
   */
  @Test
  void aSourceOfAKnownSizeUpToTheThresholdIsCopiedWithOneRequestAndNoLookup() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    doReturn(CopyObjectResponse.builder().build())
        .when(s3)
        .copyObject(any(CopyObjectRequest.class));

    store.copy(STAGED, PREFIX + "f", 10 * MIB);

    ArgumentCaptor<CopyObjectRequest> copy = ArgumentCaptor.forClass(CopyObjectRequest.class);
    verify(s3).copyObject(copy.capture());
    assertThat(copy.getValue().sourceKey()).isEqualTo(STAGED);
    assertThat(copy.getValue().destinationKey()).isEqualTo(PREFIX + "f");
    verify(s3, never()).listObjectsV2(any(ListObjectsV2Request.class));
  }

  @Test
  void aSourceOfAKnownSizeAboveTheThresholdIsStillLookedUpForTheETagItsPartsNeed() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 12 * MIB + 1, "\"abc-2\""));
    multipartSucceeds();

    store.copy(STAGED, PREFIX + "f", 12 * MIB + 1);

    verify(s3, times(3)).uploadPartCopy(any(UploadPartCopyRequest.class));
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));
  }

  @Test
  void anObjectAboveTheThresholdIsCopiedInConsecutiveRangesOfItsListedVersionAndCompleted() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 12 * MIB + 1, "\"abc-2\""));
    multipartSucceeds();

    store.copy(STAGED, PREFIX + "f");

    ArgumentCaptor<UploadPartCopyRequest> parts =
        ArgumentCaptor.forClass(UploadPartCopyRequest.class);
    verify(s3, times(3)).uploadPartCopy(parts.capture());
    assertThat(parts.getAllValues())
        .extracting(UploadPartCopyRequest::partNumber, UploadPartCopyRequest::copySourceRange)
        .containsExactly(
            tuple(1, "bytes=0-5242879"),
            tuple(2, "bytes=5242880-10485759"),
            tuple(3, "bytes=10485760-12582912"));
    assertThat(parts.getAllValues())
        .allSatisfy(
            part -> {
              assertThat(part.uploadId()).isEqualTo("upload-1");
              assertThat(part.sourceBucket()).isEqualTo(BUCKET);
              assertThat(part.sourceKey()).isEqualTo(STAGED);
              assertThat(part.copySourceIfMatch()).isEqualTo("\"abc-2\"");
              assertThat(part.destinationBucket()).isEqualTo(BUCKET);
              assertThat(part.destinationKey()).isEqualTo(PREFIX + "f");
            });
    ArgumentCaptor<CompleteMultipartUploadRequest> complete =
        ArgumentCaptor.forClass(CompleteMultipartUploadRequest.class);
    verify(s3).completeMultipartUpload(complete.capture());
    assertThat(complete.getValue().uploadId()).isEqualTo("upload-1");
    assertThat(complete.getValue().key()).isEqualTo(PREFIX + "f");
    assertThat(complete.getValue().multipartUpload().parts())
        .extracting(CompletedPart::partNumber, CompletedPart::eTag)
        .containsExactly(tuple(1, "\"part-1\""), tuple(2, "\"part-2\""), tuple(3, "\"part-3\""));
    verify(s3, never()).copyObject(any(CopyObjectRequest.class));
    verify(s3, never()).abortMultipartUpload(any(AbortMultipartUploadRequest.class));
  }

  @Test
  void aPartCopyThatFailsAbortsTheUploadAndTheCopyFailsWithThatFailure() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 12 * MIB, "\"abc-2\""));
    multipartSucceeds();
    S3Exception failure = refused(500);
    doReturn(partCopied(1))
        .doThrow(failure)
        .when(s3)
        .uploadPartCopy(any(UploadPartCopyRequest.class));

    assertThatThrownBy(() -> store.copy(STAGED, PREFIX + "f"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot copy s3://warehouse/" + STAGED + " to " + URI + "f: InternalError")
        .hasCause(failure);

    verify(s3, never()).completeMultipartUpload(any(CompleteMultipartUploadRequest.class));
    ArgumentCaptor<AbortMultipartUploadRequest> abort =
        ArgumentCaptor.forClass(AbortMultipartUploadRequest.class);
    verify(s3).abortMultipartUpload(abort.capture());
    assertThat(abort.getValue().bucket()).isEqualTo(BUCKET);
    assertThat(abort.getValue().key()).isEqualTo(PREFIX + "f");
    assertThat(abort.getValue().uploadId()).isEqualTo("upload-1");
  }

  @Test
  void aCompleteThatFailsAbortsTheUpload() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 12 * MIB, "\"abc-2\""));
    multipartSucceeds();
    S3Exception failure = refused(403);
    doThrow(failure).when(s3).completeMultipartUpload(any(CompleteMultipartUploadRequest.class));

    assertThatThrownBy(() -> store.copy(STAGED, PREFIX + "f"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasCause(failure);

    verify(s3).abortMultipartUpload(any(AbortMultipartUploadRequest.class));
  }

  @Test
  void anAbortThatFailsTooIsAddedToTheCopysFailureRatherThanReplacingIt() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    objects(object(STAGED, 12 * MIB, "\"abc-2\""));
    multipartSucceeds();
    S3Exception failure = refused(500);
    S3Exception abortFailure = refused(403);
    doThrow(failure).when(s3).uploadPartCopy(any(UploadPartCopyRequest.class));
    doThrow(abortFailure).when(s3).abortMultipartUpload(any(AbortMultipartUploadRequest.class));

    assertThatThrownBy(() -> store.copy(STAGED, PREFIX + "f"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasCause(failure)
        .satisfies(e -> assertThat(e.getCause().getSuppressed()).containsExactly(abortFailure));
  }

  @Test
  void thePartSizeIsRaisedToWholeMebibytesWhenTheObjectWouldNeedMoreThanTenThousandParts() {
    S3ObjectStore store = new S3ObjectStore(s3, BUCKET, 10 * MIB, 5 * MIB);
    long fiveTebibytes = 5L << 40;

    long part = store.partSizeFor(fiveTebibytes);

    assertThat(store.partSizeFor(6L << 30)).isEqualTo(5 * MIB);
    assertThat(part % MIB).isZero();
    assertThat(part * 10_000).isGreaterThanOrEqualTo(fiveTebibytes);
    assertThat((part - MIB) * 10_000).isLessThan(fiveTebibytes);
    assertThat(part).isLessThanOrEqualTo(5L << 30);
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, (5L << 30) + 1})
  void aThresholdOutsideWhatCopyObjectTakesIsRefused(long threshold) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new S3ObjectStore(s3, BUCKET, threshold, 5 * MIB))
        .withMessageContaining(Long.toString(threshold));
  }

  @ParameterizedTest
  @ValueSource(longs = {(5L << 20) - 1, (5L << 30) + 1})
  void aPartSizeOutsideS3sLimitsIsRefused(long partSize) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new S3ObjectStore(s3, BUCKET, 10 * MIB, partSize))
        .withMessageContaining(Long.toString(partSize));
  }

  @Test
  void isCopyOfComparesSinglePartETagsAndOtherwiseTheSize() {
    Instant staged = Instant.parse("2024-04-01T00:10:00Z");
    Instant copied = staged.plusSeconds(60);
    objects(
        object(STAGED, 10, "\"0cc175b9c0f1b6a8\"", staged),
        object(PREFIX + "same", 10, "\"0cc175b9c0f1b6a8\"", copied),
        object(PREFIX + "other-bytes", 10, "\"92eb5ffee6ae2fec\"", copied),
        object(PREFIX + "shorter", 9, "\"0cc175b9c0f1b6a8\"", copied),
        object(PREFIX + "multipart", 10, "\"abc-2\"", copied),
        object(PREFIX + "older", 10, "\"abc-2\"", staged.minusSeconds(3600)));

    assertThat(store.isCopyOf(PREFIX + "same", STAGED)).isTrue();
    assertThat(store.isCopyOf(PREFIX + "other-bytes", STAGED)).isFalse();
    assertThat(store.isCopyOf(PREFIX + "shorter", STAGED)).isFalse();
    assertThat(store.isCopyOf(PREFIX + "multipart", STAGED))
        .as("multipart ETag: the size decides")
        .isTrue();
    assertThat(store.isCopyOf(PREFIX + "older", STAGED))
        .as("older than its source: not a copy of it")
        .isFalse();
    assertThat(store.isCopyOf(PREFIX + "missing", STAGED)).isFalse();
    assertThat(store.isCopyOf(PREFIX + "same", STAGED + "-missing")).isFalse();
  }

  @Test
  void isCopyOfFailsNamingBothUrisWhenTheListingFails() {
    S3Exception denied = refused(403);
    doThrow(denied).when(s3).listObjectsV2(any(ListObjectsV2Request.class));

    assertThatThrownBy(() -> store.isCopyOf(PREFIX + "f", STAGED))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot compare " + URI + "f with s3://warehouse/" + STAGED + ": AccessDenied")
        .hasCause(denied);
  }

  /**
   * A bucket holding exactly these objects, answering listings as S3 does: keys under the prefix,
   * in order.
   */
  private void objects(S3Object... objects) {
    doAnswer(
            call -> {
              ListObjectsV2Request request = call.getArgument(0);
              List<S3Object> found =
                  java.util.Arrays.stream(objects)
                      .filter(o -> o.key().startsWith(request.prefix()))
                      .sorted(java.util.Comparator.comparing(S3Object::key))
                      .limit(request.maxKeys() == null ? 1000 : request.maxKeys())
                      .toList();
              return ListObjectsV2Response.builder()
                  .contents(found)
                  .keyCount(found.size())
                  .isTruncated(false)
                  .build();
            })
        .when(s3)
        .listObjectsV2(any(ListObjectsV2Request.class));
  }

  private static S3Object object(String key, long size, String eTag) {
    return object(key, size, eTag, Instant.parse("2024-04-01T00:00:00Z"));
  }

  private static S3Object object(String key, long size, String eTag, Instant lastModified) {
    return S3Object.builder().key(key).size(size).eTag(eTag).lastModified(lastModified).build();
  }

  private void multipartSucceeds() {
    doReturn(CreateMultipartUploadResponse.builder().uploadId("upload-1").build())
        .when(s3)
        .createMultipartUpload(any(CreateMultipartUploadRequest.class));
    doAnswer(call -> partCopied(((UploadPartCopyRequest) call.getArgument(0)).partNumber()))
        .when(s3)
        .uploadPartCopy(any(UploadPartCopyRequest.class));
    doReturn(CompleteMultipartUploadResponse.builder().build())
        .when(s3)
        .completeMultipartUpload(any(CompleteMultipartUploadRequest.class));
    doReturn(AbortMultipartUploadResponse.builder().build())
        .when(s3)
        .abortMultipartUpload(any(AbortMultipartUploadRequest.class));
  }

  private static UploadPartCopyResponse partCopied(int number) {
    return UploadPartCopyResponse.builder()
        .copyPartResult(r -> r.eTag("\"part-" + number + "\""))
        .build();
  }

  @Test
  void createIfAbsentSendsAPutObjectWithIfNoneMatchStarAndReturnsTrueWhenS3WritesIt() {
    doReturn(PutObjectResponse.builder().build())
        .when(s3)
        .putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThat(store.createIfAbsent(LOCK, new byte[] {1})).isTrue();

    ArgumentCaptor<PutObjectRequest> put = ArgumentCaptor.forClass(PutObjectRequest.class);
    verify(s3).putObject(put.capture(), any(RequestBody.class));
    assertThat(put.getValue().bucket()).isEqualTo(BUCKET);
    assertThat(put.getValue().key()).isEqualTo(LOCK);
    assertThat(put.getValue().ifNoneMatch()).isEqualTo("*");
  }

  @ParameterizedTest
  @ValueSource(ints = {412, 409})
  void createIfAbsentReturnsFalseWhenS3AnswersPreconditionFailedOrConditionalRequestConflict(
      int status) {
    doThrow(
            S3Exception.builder()
                .statusCode(status)
                .message("At least one of the pre-conditions you specified did not hold")
                .build())
        .when(s3)
        .putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThat(store.createIfAbsent(LOCK, new byte[] {1})).isFalse();
  }

  @Test
  void createIfAbsentFailsNamingTheUriWhenS3RefusesForAnotherReason() {
    S3Exception denied =
        (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied").build();
    doThrow(denied).when(s3).putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThatThrownBy(() -> store.createIfAbsent(LOCK, new byte[] {1}))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith("Cannot create s3://warehouse/" + LOCK + ": Access Denied")
        .hasCause(denied);
  }

  @Test
  void readVersionedReturnsTheBytesAndTheETagOfOneGetObject() {
    doReturn(
            ResponseBytes.fromByteArray(
                GetObjectResponse.builder().eTag("\"abc123\"").build(), new byte[] {4, 2}))
        .when(s3)
        .getObjectAsBytes(any(GetObjectRequest.class));

    assertThat(store.readVersioned(LOCK))
        .hasValueSatisfying(
            read -> {
              assertThat(read.content()).containsExactly(4, 2);
              assertThat(read.version()).isEqualTo("\"abc123\"");
            });
    verify(s3, times(1)).getObjectAsBytes(any(GetObjectRequest.class));
  }

  @Test
  void readVersionedOfAMissingKeyIsEmpty() {
    doThrow(
            NoSuchKeyException.builder()
                .statusCode(404)
                .message("The specified key does not exist.")
                .build())
        .when(s3)
        .getObjectAsBytes(any(GetObjectRequest.class));

    assertThat(store.readVersioned(LOCK)).isEmpty();
  }

  @Test
  void readVersionedFailsNamingTheUriWhenTheResponseHasNoETag() {
    doReturn(ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), new byte[] {1}))
        .when(s3)
        .getObjectAsBytes(any(GetObjectRequest.class));

    assertThatThrownBy(() -> store.readVersioned(LOCK))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot read s3://warehouse/" + LOCK + " with its version: the response has no ETag");
  }

  @Test
  void replaceIfMatchSendsAPutObjectWithIfMatchTheVersionAndReturnsTrueWhenS3WritesIt() {
    doReturn(PutObjectResponse.builder().build())
        .when(s3)
        .putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThat(store.replaceIfMatch(LOCK, new byte[] {1}, "\"abc123\"")).isTrue();

    ArgumentCaptor<PutObjectRequest> put = ArgumentCaptor.forClass(PutObjectRequest.class);
    verify(s3).putObject(put.capture(), any(RequestBody.class));
    assertThat(put.getValue().bucket()).isEqualTo(BUCKET);
    assertThat(put.getValue().key()).isEqualTo(LOCK);
    assertThat(put.getValue().ifMatch()).isEqualTo("\"abc123\"");
    assertThat(put.getValue().ifNoneMatch()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {412, 409, 404})
  void replaceIfMatchReturnsFalseWhenS3AnswersPreconditionFailedConflictOrNoSuchKey(int status) {
    doThrow(conditionFailed(status))
        .when(s3)
        .putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThat(store.replaceIfMatch(LOCK, new byte[] {1}, "\"abc123\"")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 404, 500})
  void replaceIfMatchFailsInOneLineNamingTheUriWhenS3RefusesForAnotherReason(int status) {
    S3Exception refused = refused(status);
    doThrow(refused).when(s3).putObject(any(PutObjectRequest.class), any(RequestBody.class));

    assertThatThrownBy(() -> store.replaceIfMatch(LOCK, new byte[] {1}, "\"abc123\""))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith("Cannot replace s3://warehouse/" + LOCK + " at ETag \"abc123\": ")
        .hasMessageNotContaining("\n")
        .hasCause(refused);
  }

  @Test
  void deleteIfMatchSendsADeleteObjectWithIfMatchTheVersionAndReturnsTrueWhenS3DeletesIt() {
    doReturn(DeleteObjectResponse.builder().build())
        .when(s3)
        .deleteObject(any(DeleteObjectRequest.class));

    assertThat(store.deleteIfMatch(LOCK, "\"abc123\"")).isTrue();

    ArgumentCaptor<DeleteObjectRequest> delete = ArgumentCaptor.forClass(DeleteObjectRequest.class);
    verify(s3).deleteObject(delete.capture());
    assertThat(delete.getValue().bucket()).isEqualTo(BUCKET);
    assertThat(delete.getValue().key()).isEqualTo(LOCK);
    assertThat(delete.getValue().ifMatch()).isEqualTo("\"abc123\"");
    verify(s3, never()).deleteObjects(any(DeleteObjectsRequest.class));
  }

  @ParameterizedTest
  @ValueSource(ints = {412, 409, 404})
  void deleteIfMatchReturnsFalseWhenS3AnswersPreconditionFailedConflictOrNoSuchKey(int status) {
    doThrow(conditionFailed(status)).when(s3).deleteObject(any(DeleteObjectRequest.class));

    assertThat(store.deleteIfMatch(LOCK, "\"abc123\"")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 404, 500})
  void deleteIfMatchFailsInOneLineNamingTheUriWhenS3RefusesForAnotherReason(int status) {
    S3Exception refused = refused(status);
    doThrow(refused).when(s3).deleteObject(any(DeleteObjectRequest.class));

    assertThatThrownBy(() -> store.deleteIfMatch(LOCK, "\"abc123\""))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith("Cannot delete s3://warehouse/" + LOCK + " at ETag \"abc123\": ")
        .hasMessageNotContaining("\n")
        .hasCause(refused);
  }

  /**
   * The answers S3 gives an If-Match request whose object changed (412), raced (409) or went (404
   * NoSuchKey).
   */
  private static S3Exception conditionFailed(int status) {
    String code =
        status == 412
            ? "PreconditionFailed"
            : status == 409 ? "ConditionalRequestConflict" : "NoSuchKey";
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build();
  }

  /**
   * Answers that are failures: denied, the bucket gone (a 404 that is not NoSuchKey), a server
   * error.
   */
  private static S3Exception refused(int status) {
    String code = status == 403 ? "AccessDenied" : status == 404 ? "NoSuchBucket" : "InternalError";
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build();
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "%spart-%04d.parquet", PREFIX, i);
  }

  private static List<String> keys(int from, int to) {
    return IntStream.range(from, to).mapToObj(S3ObjectStoreTest::key).toList();
  }

  private static S3Object object(String key, long size) {
    return S3Object.builder().key(key).size(size).build();
  }

  private void listing(List<List<String>> pages) {
    stubPages(
        pages.stream().map(page -> page.stream().map(key -> object(key, 1)).toList()).toList());
  }

  /**
   * Serves the pages in order, chained by continuation tokens as S3 does ("token-1" asks for page
   * 1).
   */
  private void stubPages(List<List<S3Object>> pages) {
    doAnswer(
            call -> {
              ListObjectsV2Request request = call.getArgument(0);
              String token = request.continuationToken();
              int index = token == null ? 0 : Integer.parseInt(token.substring("token-".length()));
              boolean last = index == pages.size() - 1;
              return ListObjectsV2Response.builder()
                  .contents(pages.get(index))
                  .keyCount(pages.get(index).size())
                  .isTruncated(!last)
                  .nextContinuationToken(last ? null : "token-" + (index + 1))
                  .build();
            })
        .when(s3)
        .listObjectsV2(any(ListObjectsV2Request.class));
  }

  private void deleteSucceeds() {
    deleteFailsFor(Set.of());
  }

  /** Quiet mode: the response lists only the keys that could not be deleted. */
  private void deleteFailsFor(Set<String> failing) {
    doAnswer(
            call -> {
              DeleteObjectsRequest request = call.getArgument(0);
              List<S3Error> errors =
                  keysOf(request).stream()
                      .filter(failing::contains)
                      .map(
                          key ->
                              S3Error.builder()
                                  .key(key)
                                  .code("AccessDenied")
                                  .message("Access Denied")
                                  .build())
                      .toList();
              return DeleteObjectsResponse.builder().errors(errors).build();
            })
        .when(s3)
        .deleteObjects(any(DeleteObjectsRequest.class));
  }

  private static List<String> keysOf(DeleteObjectsRequest request) {
    return request.delete().objects().stream().map(ObjectIdentifier::key).toList();
  }

  private List<DeleteObjectsRequest> deleteRequests(int expected) {
    ArgumentCaptor<DeleteObjectsRequest> captor =
        ArgumentCaptor.forClass(DeleteObjectsRequest.class);
    verify(s3, times(expected)).deleteObjects(captor.capture());
    return captor.getAllValues();
  }

  private List<ListObjectsV2Request> listRequests() {
    ArgumentCaptor<ListObjectsV2Request> captor =
        ArgumentCaptor.forClass(ListObjectsV2Request.class);
    verify(s3, atLeastOnce()).listObjectsV2(captor.capture());
    return captor.getAllValues();
  }
}
