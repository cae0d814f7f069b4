package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import java.util.Map;

/**
 * Builds request bodies.
 *
 * <ul>
 *   <li>chat ({@code /chat/completions}): {@code messages}; a text prompt becomes one user message. An assistant prefill
 *       is sent as a final assistant message with vLLM's {@code "continue_final_message": true,
 *       "add_generation_prompt": false} so the server continues it instead of closing the turn (servers that do not know
 *       these fields may ignore them and answer in a new turn). Log-probs: {@code logprobs: true, top_logprobs: k}.
 *   <li>completions ({@code /completions}): {@code prompt} = text + prefill. Log-probs: {@code logprobs: k}. A chat
 *       prompt cannot be rendered client-side (no template) and is refused.
 * </ul>
 *
 * Common fields: model, max_tokens, temperature, top_p, seed (when set), stop (when any); when streaming
 * {@code stream: true, stream_options: {include_usage: true}}; extra (server) fields last.
 */
public final class RequestBodies {
  private final ObjectMapper json;
  private final String model;

  public RequestBodies(ObjectMapper json, String model) {
    this.json = json;
    this.model = model;
  }

  public ObjectNode chat(CompletionRequest r, boolean stream, Map<String, Object> extra) {
    ObjectNode b = json.createObjectNode();
    b.put("model", model);
    ArrayNode msgs = b.putArray("messages");
    Prompt p = r.prompt();
    if (p.isChat()) {
      for (Message m : p.messages()) msgs.addObject().put("role", m.role()).put("content", m.content());
    } else {
      msgs.addObject().put("role", "user").put("content", p.text());
    }
    common(b, r, stream);
    if (p.prefill() != null) {
      msgs.addObject().put("role", "assistant").put("content", p.prefill());
      b.put("continue_final_message", true);
      b.put("add_generation_prompt", false);
    }
    if (r.logprobs()) {
      b.put("logprobs", true);
      if (r.topLogprobs() > 0) b.put("top_logprobs", r.topLogprobs());
    }
    return extra(b, extra);
  }

  public ObjectNode completions(CompletionRequest r, boolean stream, Map<String, Object> extra) {
    Prompt p = r.prompt();
    if (p.isChat()) {
      throw new IllegalArgumentException("engine.endpoint is completions but the prompt is chat messages: use endpoint chat"
          + " (the server applies the chat template) or give a text prompt");
    }
    ObjectNode b = json.createObjectNode();
    b.put("model", model);
    b.put("prompt", p.prefill() == null ? p.text() : p.text() + p.prefill());
    common(b, r, stream);
    if (r.logprobs()) b.put("logprobs", Math.max(0, r.topLogprobs()));
    return extra(b, extra);
  }

  /** lm-eval-style loglikelihood: echo the prompt with its log-probs and generate nothing (or one token). */
  public ObjectNode echoScore(String prompt, int maxTokens) {
    ObjectNode b = json.createObjectNode();
    b.put("model", model);
    b.put("prompt", prompt);
    b.put("max_tokens", maxTokens);
    b.put("temperature", 0.0);
    b.put("echo", true);
    b.put("logprobs", 1);
    return b;
  }

  private void common(ObjectNode b, CompletionRequest r, boolean stream) {
    b.put("max_tokens", r.maxTokens());
    b.put("temperature", r.temperature());
    b.put("top_p", r.topP());
    if (r.seed() != null) b.put("seed", r.seed());
    if (!r.stop().isEmpty()) {
      ArrayNode s = b.putArray("stop");
      r.stop().forEach(s::add);
    }
    if (stream) {
      b.put("stream", true);
      b.putObject("stream_options").put("include_usage", true);
    }
  }

  private ObjectNode extra(ObjectNode b, Map<String, Object> extra) {
    extra.forEach((k, v) -> b.set(k, json.valueToTree(v)));
    return b;
  }
}
