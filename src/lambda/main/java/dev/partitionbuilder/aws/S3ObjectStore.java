package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * The destination bucket on S3. Every method may be called from several threads at once: the SDK's
 * client is thread-safe and the store keeps no state of its own.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

  /** DeleteObjects takes at most 1,000 keys a call; ListObjectsV2 returns at most 1,000 a page. */
  static final int MAX_KEYS = 1000;

  private static final int ERRORS_SHOWN = 3;
  private static final int ERRORS_LOGGED = 20;

  /**
   * The largest object one CopyObject copies, 5 GB (5 GiB): larger ones need a multipart copy.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/copy-object.html
   */
  public static final long MAX_COPY_OBJECT_SIZE = 5L << 30;

  /**
   * S3's limits on a multipart upload's parts: 5 MiB to 5 GiB each (the last may be smaller), at
   * most 10,000. https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
   */
  static final long MIN_PART_SIZE = 5L << 20;

  static final long MAX_PART_SIZE = 5L << 30;
  static final int MAX_PARTS = 10_000;

  /** 512 MiB: a 6 GB object in 12 UploadPartCopy calls, each copied inside S3 in seconds. */
  public static final long DEFAULT_PART_SIZE = 512L << 20;

  private final S3Client s3;
  private final String bucket;
  private final long multipartCopyAbove;
  private final long partSize;

  public S3ObjectStore(S3Client s3, String bucket) {
    this(s3, bucket, MAX_COPY_OBJECT_SIZE, DEFAULT_PART_SIZE);
  }

  /**
   * @param multipartCopyAbove objects larger than this many bytes are copied part by part; at most
   *     {@link #MAX_COPY_OBJECT_SIZE}, which is the default
   * @param partSize bytes per part of such a copy, within S3's 5 MiB to 5 GiB; raised when the
   *     object would need more than 10,000 parts
   */
  public S3ObjectStore(S3Client s3, String bucket, long multipartCopyAbove, long partSize) {
    this.s3 = requireNonNull(s3, "s3 is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
    if (multipartCopyAbove < 0 || multipartCopyAbove > MAX_COPY_OBJECT_SIZE) {
      throw new IllegalArgumentException(
          "Cannot copy part by part above "
              + multipartCopyAbove
              + " bytes: the threshold must be between 0 and "
              + MAX_COPY_OBJECT_SIZE
              + " (CopyObject's limit)");
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "Cannot copy in parts of "
              + partSize
              + " bytes: S3 takes parts of "
              + MIN_PART_SIZE
              + " to "
              + MAX_PART_SIZE
              + " bytes");
    }
    this.multipartCopyAbove = multipartCopyAbove;
    this.partSize = partSize;
  }

  @Override
  public List<StoredObject> list(String prefix) {
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(listRequest(prefix))) {
        for (S3Object object : page.contents()) {
          objects.add(new StoredObject(requireUnder(prefix, object.key()), object.size()));
        }
      }
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot list " + uri(prefix) + ": " + e.getMessage(), e);
    }
    return objects;
  }

  @Override
  public int deleteAll(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    Deletion deletion = new Deletion();
    try {
      // Each listed page is deleted before the next is listed.
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(listRequest(prefix))) {
        List<String> keys = new ArrayList<>(page.contents().size());
        for (S3Object object : page.contents()) {
          keys.add(requireUnder(prefix, object.key()));
        }
        deletion.delete(keys);
      }
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          String.format(
              Locale.ROOT,
              "Cannot delete under %s (%,d object(s) deleted before the failure): %s",
              uri(prefix),
              deletion.deleted,
              e.getMessage()),
          e);
    }
    failOnErrors(uri(prefix), deletion.errors, deletion.requested);
    return deletion.deleted;
  }

  /**
   * Quiet DeleteObjects calls of at most 1,000 keys (S3's limit), counting what was deleted and
   * keeping the per-key errors, so a failure can say how far it got.
   */
  private final class Deletion {
    int deleted;
    int requested;
    final List<S3Error> errors = new ArrayList<>();

    void delete(List<String> keys) {
      for (int from = 0; from < keys.size(); from += MAX_KEYS) {
        List<ObjectIdentifier> batch =
            keys.subList(from, Math.min(keys.size(), from + MAX_KEYS)).stream()
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
        DeleteObjectsResponse response =
            s3.deleteObjects(
                b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
        // Quiet mode: the response lists only the keys that could not be deleted.
        errors.addAll(response.errors());
        deleted += batch.size() - response.errors().size();
        requested += batch.size();
      }
    }
  }

  /**
   * Atomic, as S3 makes every write: the target key shows the old object or the whole copy, never
   * part of one, whether the copy is one CopyObject or a multipart copy (its object appears only
   * when CompleteMultipartUpload succeeds). The source's size and ETag come from a listing of its
   * key (ListObjectsV2 with the key as prefix: the role may list the prefix, and a missing key is
   * an empty listing rather than the 403 a HeadObject without s3:ListBucket gets).
   *
   * <p>Up to the threshold (by default 5 GB, CopyObject's limit) one CopyObject; above it a
   * multipart copy: CreateMultipartUpload, UploadPartCopy of consecutive byte ranges, each only if
   * the source still has the listed ETag, and CompleteMultipartUpload. A failure of any of them
   * aborts the upload (AbortMultipartUpload), so no parts stay billed; the copy's error is thrown,
   * an abort's failure added to it. The multipart copy does not carry the source's metadata
   * (Content-Type and user metadata), which Athena does not read.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
   */
  @Override
  public void copy(String sourceKey, String targetKey) {
    requireNonNull(sourceKey, "sourceKey is null");
    requireNonNull(targetKey, "targetKey is null");
    try {
      S3Object source =
          find(sourceKey)
              .orElseThrow(
                  () ->
                      new PartitionBuilderException(
                          "Cannot copy "
                              + uri(sourceKey)
                              + " to "
                              + uri(targetKey)
                              + ": the source does not exist"));
      if (source.size() > multipartCopyAbove) {
        copyInParts(source, targetKey);
      } else {
        s3.copyObject(
            b ->
                b.sourceBucket(bucket)
                    .sourceKey(sourceKey)
                    .destinationBucket(bucket)
                    .destinationKey(targetKey));
      }
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot copy " + uri(sourceKey) + " to " + uri(targetKey) + ": " + e.getMessage(), e);
    }
  }

  /**
   * One CopyObject, without looking the source up first, when its listed size fits in one; a larger
   * source is copied in parts as {@link #copy(String, String)} does (the parts need its ETag).
   */
  @Override
  public void copy(String sourceKey, String targetKey, long sourceSize) {
    if (sourceSize > multipartCopyAbove) {
      copy(sourceKey, targetKey);
      return;
    }
    try {
      s3.copyObject(
          b ->
              b.sourceBucket(bucket)
                  .sourceKey(sourceKey)
                  .destinationBucket(bucket)
                  .destinationKey(targetKey));
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot copy " + uri(sourceKey) + " to " + uri(targetKey) + ": " + e.getMessage(), e);
    }
  }

  private void copyInParts(S3Object source, String targetKey) {
    long size = source.size();
    long part = partSizeFor(size);
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(targetKey)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long from = 0; from < size; from += part) {
        int number = parts.size() + 1;
        String range = "bytes=" + from + "-" + (Math.min(size, from + part) - 1);
        UploadPartCopyResponse copied =
            s3.uploadPartCopy(
                b ->
                    b.sourceBucket(bucket)
                        .sourceKey(source.key())
                        .copySourceIfMatch(source.eTag())
                        .copySourceRange(range)
                        .destinationBucket(bucket)
                        .destinationKey(targetKey)
                        .uploadId(uploadId)
                        .partNumber(number));
        if (copied.copyPartResult() == null || copied.copyPartResult().eTag() == null) {
          throw new PartitionBuilderException(
              "Cannot copy "
                  + uri(source.key())
                  + " to "
                  + uri(targetKey)
                  + ": part "
                  + number
                  + " ("
                  + range
                  + ") came back without an ETag");
        }
        parts.add(
            CompletedPart.builder()
                .partNumber(number)
                .eTag(copied.copyPartResult().eTag())
                .build());
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(targetKey)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(targetKey).uploadId(uploadId));
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  /**
   * The configured part size, raised (to whole MiB) when the object would need more than 10,000
   * parts.
   */
  long partSizeFor(long size) {
    long fewestBytes = (size + MAX_PARTS - 1) / MAX_PARTS;
    long part = Math.max(partSize, ((fewestBytes + (1L << 20) - 1) >> 20) << 20);
    if (part > MAX_PART_SIZE) {
      throw new PartitionBuilderException(
          "Cannot copy an object of "
              + size
              + " bytes: it would need parts of "
              + part
              + " bytes, more than S3's "
              + MAX_PART_SIZE);
    }
    return part;
  }

  /**
   * Both are listed, with the same size, and the copy is not older than its source (a copy is
   * written after its source, so an object of the same name left by an earlier build is not taken
   * for one). The content is compared through the ETags only when both are single-part ETags (no
   * '-'), the MD5 of the bytes for unencrypted and SSE-S3 objects; a multipart ETag depends on the
   * part sizes, so then the size is all that is compared. Under SSE-KMS equal bytes have different
   * ETags: such a copy reads as not a copy and is copied again, which is safe.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
   */
  @Override
  public boolean isCopyOf(String key, String sourceKey) {
    requireNonNull(key, "key is null");
    requireNonNull(sourceKey, "sourceKey is null");
    try {
      Optional<S3Object> copy = find(key);
      Optional<S3Object> source = copy.isEmpty() ? Optional.empty() : find(sourceKey);
      if (copy.isEmpty() || source.isEmpty()) {
        return false;
      }
      S3Object target = copy.get();
      S3Object original = source.get();
      if (!Objects.equals(target.size(), original.size())) {
        return false;
      }
      if (target.lastModified() != null
          && original.lastModified() != null
          && target.lastModified().isBefore(original.lastModified())) {
        return false;
      }
      if (isSinglePart(target.eTag()) && isSinglePart(original.eTag())) {
        return target.eTag().equals(original.eTag());
      }
      return true;
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          "Cannot compare " + uri(key) + " with " + uri(sourceKey) + ": " + e.getMessage(), e);
    }
  }

  private static boolean isSinglePart(String eTag) {
    return eTag != null && !eTag.isEmpty() && eTag.indexOf('-') < 0;
  }

  /**
   * The object at exactly {@code key}, from a listing with the key as prefix: the key itself sorts
   * before every longer key that starts with it, so it is first when it exists.
   */
  private Optional<S3Object> find(String key) {
    List<S3Object> first =
        s3.listObjectsV2(b -> b.bucket(bucket).prefix(key).maxKeys(1)).contents();
    return first.isEmpty() || !first.get(0).key().equals(key)
        ? Optional.empty()
        : Optional.of(first.get(0));
  }

  /**
   * A PutObject with {@code If-None-Match: *}. S3 answers 412 PreconditionFailed when the key
   * exists, and 409 ConditionalRequestConflict when a concurrent conditional write to it is in
   * progress; either way another writer has it.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
   */
  @Override
  public boolean createIfAbsent(String key, byte[] content) {
    requireNonNull(key, "key is null");
    requireNonNull(content, "content is null");
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw new PartitionBuilderException("Cannot create " + uri(key) + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot create " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(String key, byte[] content) {
    requireNonNull(key, "key is null");
    requireNonNull(content, "content is null");
    try {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot write " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> read(String key) {
    return get(key).map(ResponseBytes::asByteArray);
  }

  /** One GetObject: the bytes and the ETag they came with, so no write can fall between the two. */
  @Override
  public Optional<Versioned> readVersioned(String key) {
    Optional<ResponseBytes<GetObjectResponse>> found = get(key);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ResponseBytes<GetObjectResponse> object = found.get();
    String etag = object.response().eTag();
    if (etag == null || etag.isEmpty()) {
      throw new PartitionBuilderException(
          "Cannot read " + uri(key) + " with its version: the response has no ETag");
    }
    return Optional.of(new Versioned(object.asByteArray(), etag));
  }

  private Optional<ResponseBytes<GetObjectResponse>> get(String key) {
    requireNonNull(key, "key is null");
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot read " + uri(key) + ": " + e.getMessage(), e);
    }
  }

  /**
   * A PutObject with {@code If-Match: <ETag>}. S3 answers 412 PreconditionFailed when the ETag no
   * longer matches, 404 NoSuchKey when the object is gone, and 409 ConditionalRequestConflict when
   * a concurrent write or delete of it won; each time another writer has it.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   */
  @Override
  public boolean replaceIfMatch(String key, byte[] content, String version) {
    requireNonNull(key, "key is null");
    requireNonNull(content, "content is null");
    requireNonNull(version, "version is null");
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).ifMatch(version), RequestBody.fromBytes(content));
      return true;
    } catch (SdkException e) {
      if (lostTheCondition(e)) {
        return false;
      }
      throw new PartitionBuilderException(
          "Cannot replace " + uri(key) + " at ETag " + version + ": " + e.getMessage(), e);
    }
  }

  /**
   * A DeleteObject with {@code If-Match: <ETag>}: 412 when the ETag no longer matches, 404 when the
   * object is gone, 409 when a concurrent write or delete of it won.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
   */
  @Override
  public boolean deleteIfMatch(String key, String version) {
    requireNonNull(key, "key is null");
    requireNonNull(version, "version is null");
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(version));
      return true;
    } catch (SdkException e) {
      if (lostTheCondition(e)) {
        return false;
      }
      throw new PartitionBuilderException(
          "Cannot delete " + uri(key) + " at ETag " + version + ": " + e.getMessage(), e);
    }
  }

  /**
   * 412, 409, or 404 NoSuchKey on an If-Match request: the object changed or went, not an error. A
   * 404 of another code (NoSuchBucket) is one.
   */
  private static boolean lostTheCondition(SdkException failure) {
    if (!(failure instanceof S3Exception e)) {
      return false;
    }
    if (e.statusCode() == 404) {
      return e instanceof NoSuchKeyException
          || (e.awsErrorDetails() != null && "NoSuchKey".equals(e.awsErrorDetails().errorCode()));
    }
    return e.statusCode() == 412 || e.statusCode() == 409;
  }

  @Override
  public int deleteKeys(String prefix, List<String> keys) {
    List<String> checked = ObjectStore.requireKeysUnder(prefix, keys);
    Deletion deletion = new Deletion();
    try {
      deletion.delete(checked);
    } catch (SdkException e) {
      throw new PartitionBuilderException(
          String.format(
              Locale.ROOT,
              "Cannot delete %,d key(s) under %s (%,d deleted before the failure): %s",
              checked.size(),
              uri(prefix),
              deletion.deleted,
              e.getMessage()),
          e);
    }
    failOnErrors(uri(prefix), deletion.errors, checked.size());
    return deletion.deleted;
  }

  /**
   * Quiet DeleteObjects lists only the keys it could not delete: log some, throw naming the first.
   */
  private void failOnErrors(String where, List<S3Error> errors, int requested) {
    if (errors.isEmpty()) {
      return;
    }
    for (S3Error error : errors.subList(0, Math.min(ERRORS_LOGGED, errors.size()))) {
      log.warn(
          "Cannot delete s3://{}/{}: {} {}", bucket, error.key(), error.code(), error.message());
    }
    if (errors.size() > ERRORS_LOGGED) {
      log.warn(
          "... and {} more key(s) under {} could not be deleted",
          errors.size() - ERRORS_LOGGED,
          where);
    }
    StringBuilder first = new StringBuilder();
    for (S3Error error : errors.subList(0, Math.min(ERRORS_SHOWN, errors.size()))) {
      first
          .append(first.length() == 0 ? "" : "; ")
          .append(error.code())
          .append(" on ")
          .append(error.key());
      if (error.message() != null) {
        first.append(" (").append(error.message()).append(')');
      }
    }
    // Locale.ROOT: "1,000" in every log, whatever the default locale of the JVM.
    throw new PartitionBuilderException(
        String.format(
            Locale.ROOT,
            "Cannot delete %s: %,d of %,d key(s) failed, first: %s",
            where,
            errors.size(),
            requested,
            first));
  }

  private ListObjectsV2Request listRequest(String prefix) {
    requireNonNull(prefix, "prefix is null");
    return ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(MAX_KEYS).build();
  }

  /**
   * S3 only lists keys under the prefix; checking costs nothing and keeps a bad stand-in from
   * widening a delete.
   */
  private String requireUnder(String prefix, String key) {
    if (!key.startsWith(prefix)) {
      throw new PartitionBuilderException(
          "Listing "
              + uri(prefix)
              + " returned key "
              + key
              + " outside the prefix; refusing to go on");
    }
    return key;
  }

  private String uri(String prefix) {
    return "s3://" + bucket + "/" + prefix;
  }
}
