package dev.partitionbuilder.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static java.util.Objects.requireNonNull;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import java.net.URI;
import java.time.Duration;

/**
 * A WireMock server on a free loopback port that passes every request on to {@code target} and
 * holds each answer for a fixed time before sending it: a stand-in's requests made as slow as a
 * remote service's. The Host header is passed on unchanged, so a request signed for the proxy
 * (SigV4 signs the host) still verifies at an S3 stand-in behind it.
 */
public final class LatencyProxy implements AutoCloseable {
  /**
   * Jetty threads: each request holds one while it is passed on; the delay itself runs on the
   * asynchronous response threads, so 64 requests in flight need neither pool to queue.
   */
  private static final int THREADS = 200;

  private final WireMockServer server;

  private LatencyProxy(WireMockServer server) {
    this.server = server;
  }

  public static LatencyProxy start(URI target, Duration latency) {
    requireNonNull(target, "target is null");
    requireNonNull(latency, "latency is null");
    WireMockServer server =
        new WireMockServer(
            wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .preserveHostHeader(true)
                .containerThreads(THREADS)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(THREADS)
                // Every request would otherwise be kept in memory for verification nobody asks for.
                .disableRequestJournal()
                .notifier(new Slf4jNotifier(false)));
    server.start();
    server.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .proxiedFrom(target.toString())
                    .withFixedDelay(Math.toIntExact(latency.toMillis()))));
    return new LatencyProxy(server);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Override
  public void close() {
    server.stop();
  }
}
