package dev.partitionbuilder.aws;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The destination bucket on S3. */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
  /** DeleteObjects takes at most 1,000 keys a call; ListObjectsV2 returns at most 1,000 a page. */
  static final int MAX_KEYS = 1000;
  private static final int ERRORS_SHOWN = 3;
  private static final int ERRORS_LOGGED = 20;

  private final S3Client s3;
  private final String bucket;

  public S3ObjectStore(S3Client s3, String bucket) {
    this.s3 = requireNonNull(s3, "s3 is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
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
      throw new PartitionBuilderException(String.format(Locale.ROOT,
          "Cannot delete under %s (%,d object(s) deleted before the failure): %s", uri(prefix), deletion.deleted,
          e.getMessage()), e);
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
        List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS)).stream()
            .map(key -> ObjectIdentifier.builder().key(key).build())
            .toList();
        DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket)
            .delete(Delete.builder().objects(batch).quiet(true).build()));
        // Quiet mode: the response lists only the keys that could not be deleted.
        errors.addAll(response.errors());
        deleted += batch.size() - response.errors().size();
        requested += batch.size();
      }
    }
  }

  /**
   * One CopyObject call: S3 copies objects up to 5 GB this way, and CTAS output files are far
   * smaller (Athena writes one file per bucket or per writer, each well under 1 GB).
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
   */
  @Override
  public void copy(String sourceKey, String targetKey) {
    requireNonNull(sourceKey, "sourceKey is null");
    requireNonNull(targetKey, "targetKey is null");
    try {
      s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(sourceKey).destinationBucket(bucket).destinationKey(targetKey));
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot copy " + uri(sourceKey) + " to " + uri(targetKey) + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Two HeadObject calls. A CopyObject of a single-part object keeps its ETag (the MD5 of the
   * bytes, for SSE-S3), so equal sizes and ETags mean the same bytes; where either ETag is a
   * multipart one ("-" and a part count) the sizes alone are compared. A CopyObject is atomic, so
   * on S3 a present copy is whole anyway: this guards against another writer's object.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
   */
  @Override
  public boolean isCopyOf(String key, String sourceKey) {
    Optional<HeadObjectResponse> copy = head(key);
    Optional<HeadObjectResponse> source = head(sourceKey);
    if (copy.isEmpty() || source.isEmpty() || !copy.get().contentLength().equals(source.get().contentLength())) {
      return false;
    }
    String copyTag = copy.get().eTag();
    String sourceTag = source.get().eTag();
    return copyTag == null || sourceTag == null || copyTag.contains("-") || sourceTag.contains("-")
        || copyTag.equals(sourceTag);
  }

  private Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new PartitionBuilderException("Cannot read the size of " + uri(key) + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new PartitionBuilderException("Cannot read the size of " + uri(key) + ": " + e.getMessage(), e);
    }
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
      throw new PartitionBuilderException("Cannot read " + uri(key) + " with its version: the response has no ETag");
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
      throw new PartitionBuilderException("Cannot replace " + uri(key) + " at ETag " + version + ": " + e.getMessage(), e);
    }
  }

  /**
   * A DeleteObject with {@code If-Match: <ETag>}: 412 when the ETag no longer matches, 404 when
   * the object is gone, 409 when a concurrent write or delete of it won.
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
      throw new PartitionBuilderException("Cannot delete " + uri(key) + " at ETag " + version + ": " + e.getMessage(), e);
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
      throw new PartitionBuilderException(String.format(Locale.ROOT,
          "Cannot delete %,d key(s) under %s (%,d deleted before the failure): %s", checked.size(), uri(prefix),
          deletion.deleted, e.getMessage()), e);
    }
    failOnErrors(uri(prefix), deletion.errors, checked.size());
    return deletion.deleted;
  }

  /** Quiet DeleteObjects lists only the keys it could not delete: log some, throw naming the first. */
  private void failOnErrors(String where, List<S3Error> errors, int requested) {
    if (errors.isEmpty()) {
      return;
    }
    for (S3Error error : errors.subList(0, Math.min(ERRORS_LOGGED, errors.size()))) {
      log.warn("Cannot delete s3://{}/{}: {} {}", bucket, error.key(), error.code(), error.message());
    }
    if (errors.size() > ERRORS_LOGGED) {
      log.warn("... and {} more key(s) under {} could not be deleted", errors.size() - ERRORS_LOGGED, where);
    }
    StringBuilder first = new StringBuilder();
    for (S3Error error : errors.subList(0, Math.min(ERRORS_SHOWN, errors.size()))) {
      first.append(first.length() == 0 ? "" : "; ").append(error.code()).append(" on ").append(error.key());
      if (error.message() != null) {
        first.append(" (").append(error.message()).append(')');
      }
    }
    // Locale.ROOT: "1,000" in every log, whatever the default locale of the JVM.
    throw new PartitionBuilderException(String.format(Locale.ROOT, "Cannot delete %s: %,d of %,d key(s) failed, first: %s",
        where, errors.size(), requested, first));
  }

  private ListObjectsV2Request listRequest(String prefix) {
    requireNonNull(prefix, "prefix is null");
    return ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(MAX_KEYS).build();
  }

  /** S3 only lists keys under the prefix; checking costs nothing and keeps a bad stand-in from widening a delete. */
  private String requireUnder(String prefix, String key) {
    if (!key.startsWith(prefix)) {
      throw new PartitionBuilderException("Listing " + uri(prefix) + " returned key " + key
          + " outside the prefix; refusing to go on");
    }
    return key;
  }

  private String uri(String prefix) {
    return "s3://" + bucket + "/" + prefix;
  }
}
