package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.SafeText;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The AWS SDK failures a user meets (no credentials, no region, expired or rejected credentials,
 * access denied, an endpoint out of reach), each said in one line with what to do. The SDK's own
 * messages for them run to 1,700 characters (every provider of the chain it tried) or name only an
 * error code. The Lambda keeps the SDK's messages: its logs are read by whoever deployed it.
 */
final class AwsErrors {
  static final String NO_CREDENTIALS =
      "no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
          + "AWS_SECRET_ACCESS_KEY, or run `aws configure`/`aws sso login`)";
  static final String NO_REGION = "no AWS region: set AWS_REGION or pass --config with AWS_REGION";

  // Error codes as the services spell them:
  // https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
  private static final Set<String> EXPIRED =
      Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired");
  private static final Set<String> REJECTED =
      Set.of(
          "InvalidClientTokenId",
          "UnrecognizedClientException",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "InvalidSignatureException",
          "IncompleteSignature",
          "InvalidToken");
  private static final Set<String> DENIED =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnauthorizedOperation",
          "AuthorizationError",
          "NotAuthorized");

  private AwsErrors() {}

  /** A known SDK failure in {@code e}'s chain and its one-line description. */
  record Known(SdkException cause, String text) {}

  /**
   * The first SDK exception in {@code e}'s causes (itself included), if it is of a kind described
   * here.
   */
  static Optional<Known> find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SdkException sdk) {
        return describe(sdk).map(text -> new Known(sdk, text));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code e}'s message with the SDK's message in it replaced by the short one, or that short one
   * alone when {@code e} is the SDK exception itself (then {@code doing} says what could not be
   * done).
   */
  static Optional<String> message(Throwable e, String doing) {
    return find(e)
        .map(
            known -> {
              if (known.cause() == e || e.getMessage() == null) {
                return doing + ": " + known.text();
              }
              String own = SafeText.of(e.getMessage());
              if (own.contains(known.text())) {
                return own;
              }
              String sdk = SafeText.of(known.cause().getMessage());
              return sdk != null && own.contains(sdk)
                  ? own.replace(sdk, known.text())
                  : own + ": " + known.text();
            });
  }

  static Optional<String> describe(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      String code = service.awsErrorDetails().errorCode();
      String said = service.awsErrorDetails().errorMessage();
      if (code == null) {
        return Optional.empty();
      }
      if (EXPIRED.contains(code)) {
        return Optional.of(
            "the AWS credentials have expired ("
                + code
                + "): renew them (such as with "
                + "`aws sso login`) and run again");
      }
      if (REJECTED.contains(code)) {
        return Optional.of(
            "AWS rejected the credentials ("
                + code
                + "): check AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                + "and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)");
      }
      if (DENIED.contains(code)) {
        return Optional.of(
            "access denied ("
                + code
                + (said == null ? "" : ": " + SafeText.of(said))
                + "): give "
                + "these credentials the permissions that `./partition-builder render --policy` lists");
      }
      return Optional.empty();
    }
    if (!(e instanceof SdkClientException)) {
      return Optional.empty();
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.startsWith("Unable to load credentials")) {
      // The chain's message holds each provider's own; an expired SSO session is worth naming.
      return Optional.of(
          message.contains("aws sso login")
              ? "the AWS SSO session has expired or is not valid: run `aws sso login` (with --profile if you use one)"
              : NO_CREDENTIALS);
    }
    if (message.startsWith("Unable to load region")) {
      return Optional.of(NO_REGION);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return Optional.of(
            "cannot reach AWS: unknown host "
                + SafeText.quote(t.getMessage())
                + ": check AWS_REGION, "
                + "AWS_ENDPOINT_URL and the network");
      }
      if (t instanceof ConnectException) {
        return Optional.of(
            "cannot connect to AWS ("
                + SafeText.of(t.getMessage())
                + "): check AWS_ENDPOINT_URL, "
                + "a proxy and the network");
      }
      if (t instanceof SocketTimeoutException) {
        return Optional.of(
            "AWS did not answer in time ("
                + SafeText.of(t.getMessage())
                + "): check the network and "
                + "run again");
      }
    }
    if (e instanceof ApiCallTimeoutException) {
      return Optional.of("AWS did not answer in time: check the network and run again");
    }
    return Optional.empty();
  }
}
