package dev.harness.engine.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.Completion;
import dev.harness.engine.TokenLogprob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One Server-Sent Events response ({@code stream: true}) in OpenAI's chunk shapes: a role chunk first (chat), the
 * echoed prompt (completions {@code echo}), content chunks, a chunk with {@code finish_reason} per choice, a usage chunk
 * when {@code stream_options.include_usage}, then {@code data: [DONE]}. Every event is flushed as it is written. The
 * HTTP headers go out with the first event, so a request that fails before producing anything still gets a proper
 * HTTP error.
 *
 * <p>{@link #incremental} streams one choice while it is generated ({@link PromptScorer.TokenListener}): text is sent
 * as soon as no stop string can still cut it (the last {@code max(len(stop)) - 1} characters are held back, and an
 * incomplete UTF-8 sequence's U+FFFD), each token's log-probs with the chunk that releases its text; the finished
 * completion then sends the rest. {@link #whole} streams finished choices.
 */
final class StreamWriter {
  private final ObjectMapper json;
  private final Shapes shapes;
  private final OpenAiServer.Call call;
  private final ServeRequest r;
  private final String id;
  private final String object;
  private final long created;
  private OutputStream out;

  StreamWriter(ObjectMapper json, Shapes shapes, OpenAiServer.Call call, ServeRequest r, String id, long created) {
    this.json = json;
    this.shapes = shapes;
    this.call = call;
    this.r = r;
    this.id = id;
    this.object = r.chat() ? "chat.completion.chunk" : "text_completion";
    this.created = created;
  }

  boolean started() { return out != null; }

  private void open() throws IOException {
    if (out != null) return;
    call.ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    call.ex.getResponseHeaders().set("Cache-Control", "no-cache");
    call.ex.sendResponseHeaders(200, 0);
    call.status = 200;
    call.headersSent = true;
    out = call.ex.getResponseBody();
  }

  /** The opening chunks of choice {@code index}: the role (chat) or the echoed prompt with its tokens (completions). */
  void begin(int index, String echoedPrompt, List<TokenLogprob> promptTokens, int[] promptOffsets) throws IOException {
    if (r.chat()) {
      ObjectNode role = chunk();
      ObjectNode ch = role.withArray("choices").addObject();
      ch.put("index", index);
      ch.putObject("delta").put("role", "assistant").put("content", "");
      ch.putNull("logprobs");
      ch.putNull("finish_reason");
      event(role);
    } else if (echoedPrompt != null && !echoedPrompt.isEmpty()) {
      event(piece(index, echoedPrompt, r.logprobs() ? promptTokens : null, promptOffsets));
    }
  }

  void content(int index, String text, List<TokenLogprob> tokens, int[] offsets) throws IOException {
    event(piece(index, text, r.logprobs() ? tokens : null, offsets));
  }

  void finish(int index, String finishReason) throws IOException {
    ObjectNode last = chunk();
    ObjectNode ch = last.withArray("choices").addObject();
    ch.put("index", index);
    if (r.chat()) ch.putObject("delta"); else ch.put("text", "");
    ch.putNull("logprobs");
    ch.put("finish_reason", finishReason);
    event(last);
  }

  /** The usage chunk (when asked for) and {@code [DONE]}. */
  void end(ObjectNode usage) throws IOException {
    if (r.includeUsage()) {
      ObjectNode u = shapes.head(id, object, created, r.model());
      u.putArray("choices");
      u.set("usage", usage);
      event(u);
    }
    open();
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** vLLM's answer to a failure after the stream started: an error event, then {@code [DONE]}. */
  void fail(ApiError e) throws IOException {
    event(Shapes.error(json, e));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Finished choices, each as begin, its tokens one chunk each when their texts add up to the text (else one chunk), finish. */
  void whole(List<CompletionRunner.Choice> choices, ObjectNode usage) throws IOException {
    for (CompletionRunner.Choice res : choices) {
      int index = res.index();
      int promptN = res.promptTokens().size();
      begin(index, res.echoedPrompt(), res.promptTokens(),
          java.util.Arrays.copyOfRange(res.offsets(), 0, Math.min(promptN, res.offsets().length)));
      List<TokenLogprob> gen = r.logprobs() ? res.tokens().subList(promptN, res.tokens().size()) : List.of();
      String genText = res.echoedPrompt() == null ? res.text() : res.text().substring(res.echoedPrompt().length());
      int base = res.echoedPrompt() == null ? 0 : res.echoedPrompt().codePointCount(0, res.echoedPrompt().length());
      if (!gen.isEmpty() && res.offsets().length > promptN) base = res.offsets()[promptN]; // after a BOS entry: shifted
      if (!gen.isEmpty() && gen.stream().map(TokenLogprob::token).collect(Collectors.joining()).equals(genText)) {
        int[] offs = EchoScoring.runningOffsets(gen, base);
        for (int i = 0; i < gen.size(); i++) content(index, gen.get(i).token(), List.of(gen.get(i)), new int[] {offs[i]});
      } else if (!genText.isEmpty() || !gen.isEmpty()) {
        content(index, genText, gen, EchoScoring.runningOffsets(gen, base));
      }
      finish(index, res.finishReason());
    }
    end(usage);
  }

  /** A listener that streams choice {@code index} as it is generated; {@code base}: code points before it (echo). */
  /** @param lead the length of an echoed BOS entry, which shifts the generated tokens' offsets too ({@link EchoScoring#leadLength}) */
  Incremental incremental(int index, String echoedPrompt, List<TokenLogprob> promptTokens, int[] promptOffsets, int lead) {
    return new Incremental(index, echoedPrompt, promptTokens, promptOffsets, lead);
  }

  final class Incremental implements PromptScorer.TokenListener {
    private final int index;
    private final int holdback;
    private final List<TokenLogprob> pending = new ArrayList<>();
    private final List<Integer> pendingEnds = new ArrayList<>();
    private String sent = "";
    private int sentTokens;
    private int offset;
    private final String echoedPrompt;
    private final List<TokenLogprob> promptTokens;
    private final int[] promptOffsets;
    private boolean begun;

    private Incremental(int index, String echoedPrompt, List<TokenLogprob> promptTokens, int[] promptOffsets, int lead) {
      this.index = index;
      this.echoedPrompt = echoedPrompt;
      this.promptTokens = promptTokens;
      this.promptOffsets = promptOffsets;
      this.offset = echoedPrompt == null ? 0 : echoedPrompt.codePointCount(0, echoedPrompt.length()) + lead;
      int longest = 0;
      for (String s : r.stop()) longest = Math.max(longest, s.length());
      this.holdback = Math.max(0, longest - 1);
    }

    @Override
    public void onToken(String now, TokenLogprob token) {
      if (token != null) {
        pending.add(token);
        pendingEnds.add(now.length());
      }
      int safe = now.length() - holdback;
      for (String s : r.stop()) { // the engine is told of a token before it cuts the text at a stop string
        int at = now.indexOf(s);
        if (at >= 0) safe = Math.min(safe, at);
      }
      while (safe > 0 && now.charAt(safe - 1) == '\uFFFD') safe--;
      if (safe > 0 && Character.isHighSurrogate(now.charAt(safe - 1))) safe--;
      if (safe <= sent.length() || !now.startsWith(sent)) return;
      List<TokenLogprob> toks = new ArrayList<>();
      while (!pending.isEmpty() && pendingEnds.get(0) <= safe) {
        toks.add(pending.remove(0));
        pendingEnds.remove(0);
      }
      send(now.substring(sent.length(), safe), toks);
      sent = now.substring(0, safe);
    }

    /** The rest of the finished completion, then its finish chunk. */
    void done(Completion c) throws IOException {
      String fin = c.text();
      List<TokenLogprob> all = r.logprobs() ? c.tokens() : List.of();
      String delta = fin.startsWith(sent) ? fin.substring(sent.length()) : "";
      List<TokenLogprob> toks = all.subList(Math.min(sentTokens, all.size()), all.size());
      if (!delta.isEmpty() || !toks.isEmpty()) send(delta, toks);
      beginOnce();
      finish(index, CompletionRunner.finish(c));
    }

    private void beginOnce() throws IOException {
      if (begun) return;
      begun = true;
      begin(index, echoedPrompt, promptTokens, promptOffsets);
    }

    private void send(String text, List<TokenLogprob> toks) {
      try {
        beginOnce();
        int[] offs = EchoScoring.runningOffsets(toks, offset); // as the whole answer's: running sums of the token texts
        content(index, text, toks, offs);
        sentTokens += toks.size();
        for (TokenLogprob t : toks) offset += t.token().codePointCount(0, t.token().length());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // the client went away: stops the generation
      }
    }
  }

  private ObjectNode chunk() {
    ObjectNode c = shapes.head(id, object, created, r.model());
    c.putArray("choices");
    if (r.includeUsage()) c.putNull("usage");
    return c;
  }

  /** A content chunk; {@code tokens} null → {@code logprobs: null}. */
  private ObjectNode piece(int index, String text, List<TokenLogprob> tokens, int[] offsets) {
    ObjectNode c = chunk();
    ObjectNode ch = ((ArrayNode) c.get("choices")).addObject();
    ch.put("index", index);
    if (r.chat()) {
      ch.putObject("delta").put("content", text);
      if (tokens == null) ch.putNull("logprobs"); else ch.set("logprobs", shapes.chatLogprobs(tokens));
    } else {
      ch.put("text", text);
      if (tokens == null) ch.putNull("logprobs"); else ch.set("logprobs", shapes.legacyLogprobs(tokens, offsets, r.topLogprobs() > 0));
    }
    ch.putNull("finish_reason");
    return c;
  }

  private void event(ObjectNode chunk) throws IOException {
    open();
    out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
