package dev.partitionbuilder.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.partitionbuilder.aws.AwsClientsTestAccess;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;

/**
 * An in-JVM stand-in for AWS services that speak JSON 1.1 (Athena, Glue): a WireMock server on a
 * free loopback port that answers each {@code X-Amz-Target} as a test scripts it, and keeps every
 * request so a test can read back what the SDK sent. Start one per test class and {@link #reset} it
 * before each test.
 *
 * <p>The wire format is the one the SDK reads
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html): every request is a POST to
 * {@code /} naming its operation in {@code X-Amz-Target}; an answer has {@code Content-Type:
 * application/x-amz-json-1.1}; an error has a 4xx/5xx status and its shape name in {@code __type}.
 * Anything not scripted is answered with a non-retryable {@code UnknownOperationException} that
 * names the operation, so a missing script fails the test at once instead of after retries.
 *
 * <p>Answer bodies are Handlebars templates: {@link #echo} puts a field of the request into the
 * answer, as Athena echoes the QueryExecutionId it was asked about.
 */
public final class AwsJsonStand implements AutoCloseable, BeforeEachCallback, AfterAllCallback {
  public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  public static final String ACCESS_KEY = "test";
  public static final String SECRET_KEY = "test";

  private static final String TARGET = "X-Amz-Target";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer: an HTTP status and a JSON body. */
  public record Answer(int status, String body) {
    public Answer {
      requireNonNull(body, "body is null");
    }
  }

  private final WireMockServer server;
  private final URI endpoint;
  private AthenaClient athena;
  private GlueClient glue;
  private int scenarios;

  private AwsJsonStand(WireMockServer server) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + server.port());
  }

  public static AwsJsonStand start() {
    WireMockServer server =
        new WireMockServer(
            wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .gzipDisabled(true)
                .notifier(new QuietNotifier()));
    server.start();
    AwsJsonStand stand = new AwsJsonStand(server);
    stand.answerUnscripted();
    return stand;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** An Athena client built as production builds it (HTTP client, retry strategy), pointed here. */
  public synchronized AthenaClient athena() {
    if (athena == null) {
      athena = pointAt(AwsClientsTestAccess.configure(AthenaClient.builder())).build();
    }
    return athena;
  }

  /** A Glue client built as production builds it (HTTP client, retry strategy), pointed here. */
  public synchronized GlueClient glue() {
    if (glue == null) {
      glue = pointAt(AwsClientsTestAccess.configure(GlueClient.builder())).build();
    }
    return glue;
  }

  /** Points any client builder here: this endpoint, region us-east-1, fake static credentials. */
  public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B pointAt(B builder) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  /**
   * Answers every request to {@code target} with these answers in turn; the last one then answers
   * every later request. A later script for the same requests replaces this one.
   */
  public void answer(String target, Answer... inTurn) {
    script(() -> request(target).atPriority(5), target, inTurn);
  }

  /**
   * Like {@link #answer}, only for the requests whose {@code jsonPath} field matches {@code regex};
   * these scripts take precedence over the ones made with {@link #answer}.
   */
  public void answerWhen(String target, String jsonPath, String regex, Answer... inTurn) {
    script(
        () ->
            request(target)
                .withRequestBody(matchingJsonPath(jsonPath, matching(regex)))
                .atPriority(1),
        target + " " + jsonPath + "~" + regex,
        inTurn);
  }

  /**
   * The JSON bodies of the requests sent to {@code target}, oldest first (an SDK retry is one
   * more).
   */
  public List<JsonNode> requests(String target) {
    List<JsonNode> bodies = new ArrayList<>();
    server
        .findAll(postRequestedFor(urlEqualTo("/")).withHeader(TARGET, equalTo(target)))
        .forEach(request -> bodies.add(parse(request.getBodyAsString())));
    return bodies;
  }

  /** The {@code X-Amz-Target} of every request received, oldest first. */
  public List<String> calls() {
    List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
    // WireMock lists the newest first (timestamps cannot order requests made within a millisecond).
    Collections.reverse(events);
    return events.stream().map(event -> event.getRequest().getHeader(TARGET)).toList();
  }

  /** Forgets every script and every request. */
  public void reset() {
    server.resetAll();
    answerUnscripted();
  }

  /**
   * As a JUnit extension ({@code @RegisterExtension static final AwsJsonStand stand =
   * AwsJsonStand.start();}) every test starts with no answers scripted and no requests recorded.
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  /** As a JUnit extension, the server stops after the test class. */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public synchronized void close() {
    if (athena != null) {
      athena.close();
    }
    if (glue != null) {
      glue.close();
    }
    server.stop();
  }

  public static Answer ok(String json) {
    return new Answer(200, json);
  }

  /**
   * An AWS JSON error: {@code {"__type": type, "Message": message}}, as Athena and Glue send them.
   */
  public static Answer error(int status, String type, String message) {
    ObjectNode body = JSON.createObjectNode().put("__type", type).put("Message", message);
    return new Answer(status, body.toString());
  }

  /** A template that puts the request's {@code jsonPath} field into an answer body. */
  public static String echo(String jsonPath) {
    return "{{jsonPath request.body '" + jsonPath + "'}}";
  }

  /** Seconds since the epoch with milliseconds, the JSON 1.1 protocol's timestamp format. */
  static BigDecimal epochSeconds(Instant instant) {
    return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  private void script(Supplier<MappingBuilder> request, String name, Answer... inTurn) {
    if (inTurn.length == 0) {
      throw new IllegalArgumentException("no answer for " + name);
    }
    if (inTurn.length == 1) {
      server.stubFor(request.get().willReturn(response(inTurn[0])));
      return;
    }
    // A WireMock scenario per script: each answer moves it on to the next, the last one stays.
    String scenario = name + " #" + (++scenarios);
    for (int i = 0; i < inTurn.length; i++) {
      ScenarioMappingBuilder step =
          request
              .get()
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i);
      if (i < inTurn.length - 1) {
        step = step.willSetStateTo("answer " + (i + 1));
      }
      server.stubFor(step.willReturn(response(inTurn[i])));
    }
  }

  private void answerUnscripted() {
    server.stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(
                response(
                    error(
                        400,
                        "UnknownOperationException",
                        "AwsJsonStand has no answer scripted for {{request.headers.X-Amz-Target}}"))));
  }

  private static MappingBuilder request(String target) {
    return post(urlEqualTo("/")).withHeader(TARGET, equalTo(target));
  }

  private static ResponseDefinitionBuilder response(Answer answer) {
    return aResponse()
        .withStatus(answer.status())
        .withHeader("Content-Type", CONTENT_TYPE)
        .withHeader("x-amzn-RequestId", "{{randomValue type='UUID'}}")
        .withBody(answer.body())
        .withTransformers("response-template");
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The SDK sent a body that is not JSON: " + body, e);
    }
  }

  /**
   * WireMock reports what it does; only its errors are worth a line, and they fail the test anyway.
   */
  private static final class QuietNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(AwsJsonStand.class);

    @Override
    public void info(String message) {
      log.debug(message);
    }

    @Override
    public void error(String message) {
      log.warn(message);
    }

    @Override
    public void error(String message, Throwable t) {
      log.warn(message, t);
    }
  }
}
