package dev.partitionbuilder.testing;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.server.handler.EagerContentHandler;
import org.gaul.shaded.org.eclipse.jetty.server.handler.EagerContentHandler.RetainedContentLoaderFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An in-JVM S3Proxy speaking the S3 REST API on a free loopback port, over an in-memory blob store,
 * and an SDK client pointed at it. Requests are signed and checked (SigV4, fake keys), so a key the
 * SDK encodes one way and the server decodes another fails here as it would on S3. Start one per
 * test class; tests that need a bucket of their own make one with {@link #createBucket()}. {@link
 * #refuseDeleting} makes the server itself answer a DeleteObjects with a per-key {@code <Error>},
 * which S3Proxy would otherwise never do.
 */
public final class S3Stand implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  public static final Region REGION = Region.US_EAST_1;

  private final S3Proxy proxy;
  private final RefusingBlobStore store;
  private final URI endpoint;
  private final S3Client client;
  private final String bucket;
  private final AtomicInteger buckets = new AtomicInteger();

  private S3Stand(S3Proxy proxy, RefusingBlobStore store, URI endpoint) {
    this.proxy = proxy;
    this.store = store;
    this.endpoint = endpoint;
    this.client = configure(S3Client.builder()).httpClient(ApacheHttpClient.create()).build();
    this.bucket = createBucket();
  }

  public static S3Stand start() {
    quietLogging();
    RefusingBlobStore store = new RefusingBlobStore(new TransientNio2BlobStore());
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            // Port 0: the OS picks a free one, read back once started.
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            // A test stand has nothing to drain: stop at once instead of Jetty's 30 s grace.
            .stopTimeout(0)
            .build();
    try {
      readWholeBodies(proxy);
      proxy.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "S3Proxy did not start within 30 s; state " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start S3Proxy: " + e.getMessage(), e);
    }
    return new S3Stand(proxy, store, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  /**
   * Makes the server read a request's whole body before S3Proxy sees it, as S3 does. S3Proxy stops
   * reading a PutObject's aws-chunked body after x-amz-decoded-content-length bytes of payload,
   * stores the object and answers, with the last chunk and the checksum trailer still unread; Jetty
   * then closes the connection, as it must with a request half read. The url-connection client
   * flushes each piece of the chunked encoding on its own, so the trailer often arrives after that
   * close, and its write fails with "Error writing request body to server" although the object is
   * stored: the SDK retries, and a retried conditional PUT meets its own first try and gets 412. S3
   * reads the trailer before it answers, as it must check the checksum there before it stores the
   * object. S3Proxy keeps its Jetty server to itself, hence the reflection.
   */
  private static void readWholeBodies(S3Proxy proxy) throws ReflectiveOperationException {
    Field field = S3Proxy.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    server.setHandler(
        new EagerContentHandler(server.getHandler(), new RetainedContentLoaderFactory()));
  }

  /**
   * S3Proxy and its shaded Jetty log each start and stop at INFO, over a dozen lines a stand (its
   * logback, excluded in the pom, would log every request at DEBUG). slf4j-simple reads this
   * property when a logger is made, without shadowing the project's simplelogger.properties.
   */
  private static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.log.org.gaul", "warn");
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Points a client builder at the stand: endpoint, path-style addressing (no bucket host names on
   * 127.0.0.1), region and the fake keys. The HTTP client and everything else stay the caller's, so
   * a test can build the client exactly as production does and only aim it here.
   *
   * <p>The SDK's default request checksums stay on: S3Proxy 4.1 accepts the CRC32 that
   * DeleteObjects must carry.
   */
  public S3ClientBuilder configure(S3ClientBuilder builder) {
    return builder
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(REGION)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  /** A client on the stand, over the SDK's Apache HTTP client. */
  public S3Client client() {
    return client;
  }

  /** A bucket made at start, for tests that share one. */
  public String bucket() {
    return bucket;
  }

  /** A new, empty bucket; its name. */
  public String createBucket() {
    String name = "bucket-" + buckets.incrementAndGet();
    client.createBucket(b -> b.bucket(name));
    return name;
  }

  /** Writes an object with a PutObject request. */
  public void put(String bucket, String key, byte[] data) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
  }

  /**
   * Writes an object straight into the server's store, without a request: thousands of keys in well
   * under a second, where PutObject takes 10 ms or more each here. The key is stored exactly as
   * given, so what a test later reads back over the wire owes nothing to how the SDK encoded a PUT.
   */
  public void seed(String bucket, String key, byte[] data) {
    store
        .delegate()
        .putBlob(
            PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentLength((long) data.length)
                .build(),
            new ByteArrayInputStream(data));
  }

  /**
   * From now on the server refuses to delete this key with AccessDenied and keeps the object, as S3
   * does for a key the role may not delete. A DeleteObjects naming it still deletes the others and
   * reports this key in an {@code <Error>} entry of its response.
   */
  public void refuseDeleting(String bucket, String key) {
    store.refused.add(bucket + "/" + key);
  }

  public void stop() {
    client.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * S3Proxy's DeleteObjects deletes key by key through the blob store and turns each S3 exception
   * into an {@code <Error>} entry with that exception's code and message.
   */
  private static final class RefusingBlobStore extends ForwardingBlobStore {
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    RefusingBlobStore(TransientNio2BlobStore delegate) {
      super(delegate);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
      if (refused.contains(request.bucket() + "/" + request.key())) {
        throw S3Exception.builder()
            .statusCode(403)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("AccessDenied")
                    .errorMessage("Access Denied")
                    .build())
            .build();
      }
      return super.removeBlob(request);
    }
  }
}
