package dev.partitionbuilder.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM whose classpath is the Lambda zip (and this class): what a cold start does,
 * timed from the moment the parent launched the process. Prints one line: {@code readyMs=<to a
 * constructed Handler> firstMonthMs=<to the first month built> failures=<n>}.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) {
    long launchedAt = Long.parseLong(args[0]);
    Handler handler = new Handler(); // configuration, SDK clients and template, as at a Lambda init
    long ready = System.currentTimeMillis();
    SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
    message.setMessageId("cold-start-1");
    message.setBody("{\"month\": 3, \"year\": 2024}");
    message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
    message.setEventSourceArn(
        "arn:aws:sqs:us-east-1:123456789012:athena-partition-builder-trigger");
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(message));
    SQSBatchResponse response = handler.handleRequest(event, new FifteenMinutes());
    long done = System.currentTimeMillis();
    System.out.println(
        "readyMs="
            + (ready - launchedAt)
            + " firstMonthMs="
            + (done - launchedAt)
            + " failures="
            + response.getBatchItemFailures().size());
  }

  /** The one thing the handler asks of its context: how long it has. */
  private static final class FifteenMinutes implements Context {
    @Override
    public String getAwsRequestId() {
      return "cold-start";
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/athena-partition-builder";
    }

    @Override
    public String getLogStreamName() {
      return "cold-start";
    }

    @Override
    public String getFunctionName() {
      return "athena-partition-builder";
    }

    @Override
    public String getFunctionVersion() {
      return "1";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:athena-partition-builder";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return 900_000;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
