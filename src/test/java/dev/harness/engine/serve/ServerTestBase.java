package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;

/** Starts {@link OpenAiServer}s over test engines on ephemeral ports and talks raw HTTP to them. */
abstract class ServerTestBase {
  static final ObjectMapper M = new ObjectMapper();
  static final String MODEL = "m";

  final WordTokenizer tok = new WordTokenizer();
  final ReverseEngine engine = new ReverseEngine(tok);
  final StringWriter logText = new StringWriter();
  final List<OpenAiServer> servers = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  record Resp(int status, String body, String contentType) {
    JsonNode json() {
      try {
        return M.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  OpenAiServer start(Engine e, WordTokenizer t) throws Exception {
    OpenAiServer s = new OpenAiServer(e, MODEL, t, ServerOptions.ephemeral(), new PrintWriter(logText)).start();
    servers.add(s);
    return s;
  }

  OpenAiServer start() throws Exception { return start(engine, tok); }

  @AfterEach
  void stopServers() { servers.forEach(OpenAiServer::close); }

  Resp post(OpenAiServer s, String path, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(q(body))).build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Resp(resp.statusCode(), resp.body(), resp.headers().firstValue("Content-Type").orElse(""));
  }

  Resp send(OpenAiServer s, String method, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Resp(resp.statusCode(), resp.body(), resp.headers().firstValue("Content-Type").orElse(""));
  }

  /** Single quotes → double quotes, for readable JSON literals. */
  static String q(String s) { return s.replace('\'', '"'); }

  static Set<String> keys(JsonNode n) {
    Set<String> out = new TreeSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
    return out;
  }

  static void assertKeys(JsonNode n, String... expected) { assertEquals(new TreeSet<>(List.of(expected)), keys(n), n.toString()); }

  /** OpenAI's error shape, the status, the param; no stack trace anywhere. */
  static JsonNode assertError(Resp r, int status, String param) {
    assertEquals(status, r.status(), r.body());
    JsonNode err = r.json().get("error");
    assertKeys(r.json(), "error");
    assertKeys(err, "message", "type", "param", "code");
    assertTrue(err.get("message").isTextual() && !err.get("message").asText().isBlank());
    if (param == null) assertTrue(err.get("param").isNull(), r.body()); else assertEquals(param, err.get("param").asText(), r.body());
    assertFalse(r.body().contains("\tat ") || r.body().contains(".java:"), "stack trace in body: " + r.body());
    return err;
  }
}
