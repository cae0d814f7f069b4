package dev.harness.study;

import java.io.IOException;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Test fixture shared by the study HTTP tests: a started MockWebServer that answers every request with one function
 * of it, and the two response shapes those tests send (a JSON body, or a bare error body).
 */
public final class TestServer {
  private TestServer() {}

  /** A started server answering every request with {@code answer}; the caller closes it. */
  public static MockWebServer start(Function<RecordedRequest, MockResponse> answer) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
      }
    });
    server.start();
    return server;
  }

  /** The request body as text ("" when it has none). */
  public static String body(RecordedRequest request) {
    return request.getBody() == null ? "" : request.getBody().utf8();
  }

  /** {@code code} with {@code body} and Content-Type application/json. */
  public static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  /** {@code code} with {@code body} and no Content-Type (as a failing proxy answers). */
  public static MockResponse bare(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }
}
