package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A MockWebServer per test, a recording sleeper, and helpers for JSON bodies. */
abstract class EngineTestBase {
  static final String KEY = "sk-test-SECRET-0123456789";
  static final ObjectMapper M = new ObjectMapper();

  MockWebServer server;
  final List<MockWebServer> extra = new ArrayList<>();
  final List<OpenAiEngine> engines = new ArrayList<>();
  RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void startServer() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stopAll() {
    engines.forEach(OpenAiEngine::close);
    server.close();
    extra.forEach(MockWebServer::close);
  }

  MockWebServer another() throws Exception {
    MockWebServer s = new MockWebServer();
    s.start();
    extra.add(s);
    return s;
  }

  String base(MockWebServer s) { return s.url("/v1/").toString(); }

  OpenAiSettings settings() { return OpenAiSettings.of(base(server), "test-model", KEY).withMaxRetries(2); }

  OpenAiEngine engine(OpenAiSettings s) {
    OpenAiEngine e = new OpenAiEngine(s, sleeper, Clock.systemUTC(), System::nanoTime, null);
    engines.add(e);
    return e;
  }

  static String q(String s) { return s.replace('\'', '"'); }

  static MockResponse ok(String json) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(q(json)).build();
  }

  static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(q(body)).build();
  }

  static String chatText(String text, String finish) {
    return "{'id':'r1','choices':[{'index':0,'message':{'role':'assistant','content':'" + text + "'},'finish_reason':'" + finish
        + "'}],'usage':{'prompt_tokens':5,'completion_tokens':1}}";
  }

  static JsonNode body(RecordedRequest r) throws Exception { return M.readTree(r.getBody().utf8()); }
}
