package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Usage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Streaming is incremental: the first chunk reaches a raw-socket client while the engine is still generating. The
 * engine double emits its first token, then waits until the test has read that token's chunk off the socket (a latch,
 * no timing threshold); a server that buffered the whole completion would leave the engine waiting and the test fails.
 */
class ServeStreamingTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Emits the scripted pieces one by one; after the first, blocks until {@link #firstChunkRead} is counted down. */
  static final class GatedEngine implements Engine, PromptScorer {
    final List<String> pieces;
    final String finalText;
    final CountDownLatch firstChunkRead = new CountDownLatch(1);
    volatile boolean releasedByReader;
    volatile boolean finished;

    GatedEngine(List<String> pieces, String finalText) {
      this.pieces = pieces;
      this.finalText = finalText;
    }

    @Override
    public Completion completeStreaming(int[] ids, CompletionRequest r, TokenListener l) {
      StringBuilder text = new StringBuilder();
      List<TokenLogprob> toks = new ArrayList<>();
      for (int i = 0; i < pieces.size(); i++) {
        text.append(pieces.get(i));
        TokenLogprob t = new TokenLogprob(pieces.get(i), i, -0.5 * (i + 1), null, List.of());
        toks.add(t);
        l.onToken(text.toString(), r.logprobs() ? t : null);
        if (i == 0) {
          try {
            releasedByReader = firstChunkRead.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      finished = true;
      int keep = 0;
      int len = 0;
      while (keep < toks.size() && len < finalText.length()) len += toks.get(keep++).token().length();
      return new Completion(finalText, "stop", r.logprobs() ? toks.subList(0, keep) : List.of(), new Usage(3, keep), null, false);
    }

    @Override public List<TokenScore> promptLogprobs(String p) { throw new UnsupportedOperationException(); }
    @Override public Completion complete(CompletionRequest r) { throw new AssertionError("the stream must use completeStreaming"); }
    @Override public List<TokenScore> score(String c, String x) { throw new UnsupportedOperationException(); }
    @Override public NextToken nextToken(Prompt p, int k) { throw new UnsupportedOperationException(); }
    @Override public EngineInfo info() { return null; }
    @Override public void close() {}
  }

  @Test
  void firstChunkArrivesWhileTheEngineIsStillGenerating() throws Exception {
    GatedEngine engine = new GatedEngine(List.of(" alpha", " beta", " gamma"), " alpha beta gamma");
    try (OpenAiServer server = new OpenAiServer(engine, "m", null, ServerOptions.ephemeral()).start();
        Socket sock = new Socket("127.0.0.1", server.port())) {
      String body = "{\"prompt\": \"x\", \"max_tokens\": 3, \"stream\": true, \"logprobs\": 0}";
      OutputStream out = sock.getOutputStream();
      out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = sock.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      while (!seen.toString(StandardCharsets.UTF_8).contains("\"text\":\" alpha\"")) {
        int n = in.read(buf);
        assertTrue(n > 0, "stream ended before the first token: " + seen);
        seen.write(buf, 0, n);
      }
      assertFalse(engine.finished, "chunk 1 was read while the engine still had tokens to generate");
      engine.firstChunkRead.countDown();
      int n;
      while ((n = in.read(buf)) > 0) seen.write(buf, 0, n);
      assertTrue(engine.releasedByReader, "the engine was released by the reader, not by its timeout");
      List<JsonNode> chunks = events(seen.toString(StandardCharsets.UTF_8));
      StringBuilder text = new StringBuilder();
      for (JsonNode c : chunks) if (c.has("choices") && !c.get("choices").isEmpty()) text.append(c.at("/choices/0/text").asText());
      assertEquals(" alpha beta gamma", text.toString());
      assertEquals("stop", chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText());
      assertTrue(seen.toString(StandardCharsets.UTF_8).contains("data: [DONE]"));
    }
  }

  @Test
  void stopStringsAreHeldBackAndUsageComesLast() throws Exception {
    // the engine is told of " STOP" before it cuts the text there: nothing of it may be streamed
    GatedEngine engine = new GatedEngine(List.of(" x", " y", " ST", "OP", " z"), " x y");
    engine.firstChunkRead.countDown();
    try (OpenAiServer server = new OpenAiServer(engine, "m", null, ServerOptions.ephemeral()).start()) {
      var http = java.net.http.HttpClient.newHttpClient();
      var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/completions"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\": \"x\", \"max_tokens\": 5, \"stream\": true,"
              + " \"stop\": [\" STOP\"], \"logprobs\": 0, \"stream_options\": {\"include_usage\": true}}")).build();
      String body = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      List<JsonNode> chunks = events(body);
      StringBuilder text = new StringBuilder();
      int tokens = 0;
      for (JsonNode c : chunks) {
        if (c.get("choices").isEmpty()) continue;
        text.append(c.at("/choices/0/text").asText());
        if (c.at("/choices/0/logprobs").isObject()) tokens += c.at("/choices/0/logprobs/tokens").size();
      }
      assertEquals(" x y", text.toString());
      assertEquals(2, tokens, "the tokens of the final text, each once");
      JsonNode usage = chunks.get(chunks.size() - 1);
      assertEquals(0, usage.get("choices").size());
      assertEquals(2, usage.at("/usage/completion_tokens").asInt());
    }
  }

  static List<JsonNode> events(String raw) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : raw.split("\n")) {
      int at = line.indexOf("data: {");
      if (at >= 0) out.add(JSON.readTree(line.substring(at + 6).strip()));
    }
    return out;
  }
}
