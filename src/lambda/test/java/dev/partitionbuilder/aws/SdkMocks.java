package dev.partitionbuilder.aws;

import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import software.amazon.awssdk.core.SdkClient;

/**
 * Mocks of SDK v2 clients that run the interface's default methods.
 *
 * <p>The adapters call the {@code Consumer<Builder>} overloads and the paginators; in the SDK those
 * are default methods that build the request and call the request-object overload, which by default
 * throws {@link UnsupportedOperationException}. So a test stubs only the request-object overload,
 * captures the request actually built, and any call it did not expect fails loudly. Because the
 * real default methods run, stub with {@code doReturn(..).when(client).op(..)}, never with {@code
 * when(client.op(..))}.
 */
final class SdkMocks {
  private SdkMocks() {}

  static <T extends SdkClient> T sdkMock(Class<T> type) {
    return mock(type, withSettings().defaultAnswer(CALLS_REAL_METHODS));
  }
}
