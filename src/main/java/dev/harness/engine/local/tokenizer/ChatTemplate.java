package dev.harness.engine.local.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.harness.engine.Message;
import dev.harness.engine.local.weights.CheckpointException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (tokenizer_config.json {@code chat_template}) rendered with jinjava the way
 * transformers renders it: trim_blocks and lstrip_blocks, variables {@code messages}, {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}, and the helpers {@code raise_exception} and {@code strftime_now}. The rendered
 * text already holds the special tokens the template wants, so it is tokenized without adding more.
 */
public final class ChatTemplate {
  /** Private-use code points: cannot come from a tokenizer's normal text and survive any sane template. */
  static final String SENTINEL = "\uE000harness-prefill-end\uE001";

  private final String source;
  private final Path file;
  private final SpecialTokens special;
  private final Jinjava jinjava;

  public ChatTemplate(String source, Path file, SpecialTokens special) {
    this.source = source;
    this.file = file;
    this.special = special;
    JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
        .withNestedInterpretationEnabled(false).build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
  }

  /** The template named in tokenizer_config.json, or null when it has none. A list of templates picks "default". */
  static ChatTemplate fromConfig(JsonNode cfg, Path file, SpecialTokens special) {
    JsonNode t = cfg.get("chat_template");
    if (t == null || t.isNull()) return null;
    if (t.isTextual()) return new ChatTemplate(t.asText(), file, special);
    if (t.isArray()) {
      for (JsonNode named : t) {
        if ("default".equals(named.path("name").asText())) return new ChatTemplate(named.path("template").asText(), file, special);
      }
      if (!t.isEmpty()) return new ChatTemplate(t.get(0).path("template").asText(), file, special);
    }
    return null;
  }

  public static String raiseException(String message) {
    throw new IllegalArgumentException("chat template: " + message);
  }

  public static String strftimeNow(String format) {
    String f = format.replace("%d", "dd").replace("%b", "MMM").replace("%B", "MMMM").replace("%Y", "yyyy")
        .replace("%m", "MM").replace("%y", "yy");
    return LocalDate.now().format(DateTimeFormatter.ofPattern(f));
  }

  public String source() { return source; }

  /** The template applied to {@code messages}, with the assistant header appended when {@code addGenerationPrompt}. */
  public String render(List<Message> messages, boolean addGenerationPrompt) {
    Map<String, Object> ctx = new HashMap<>();
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("role", m.role());
      mm.put("content", m.content());
      msgs.add(mm);
    }
    ctx.put("messages", msgs);
    ctx.put("add_generation_prompt", addGenerationPrompt);
    ctx.put("bos_token", special.bosToken() == null ? "" : special.bosToken());
    ctx.put("eos_token", special.eosToken() == null ? "" : special.eosToken());
    RenderResult r;
    try {
      r = jinjava.renderForResult(source, ctx);
    } catch (RuntimeException e) {
      throw CheckpointException.of(file, "chat_template failed: " + rootMessage(e));
    }
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        String why = e.getException() != null ? rootMessage(e.getException()) : e.getMessage();
        throw CheckpointException.of(file, "chat_template failed: " + why);
      }
    }
    return r.getOutput();
  }

  /**
   * The conversation followed by the start of the assistant's answer, left open: the template renders the prefill as
   * the final assistant message with a sentinel after it, and the text is cut at the sentinel, so the template's
   * closing of the turn (end-of-turn token, newline) is dropped. When the template alters or drops that message's
   * content, it falls back to the generation prompt followed by the prefill.
   */
  public String renderWithPrefill(List<Message> messages, String prefill) {
    List<Message> all = new ArrayList<>(messages);
    all.add(Message.assistant(prefill + SENTINEL));
    String out;
    try {
      out = render(all, false);
    } catch (CheckpointException e) {
      out = "";
    }
    int at = out.lastIndexOf(SENTINEL);
    if (at >= 0 && out.substring(0, at).endsWith(prefill)) return out.substring(0, at);
    return render(messages, true) + prefill;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return String.valueOf(t.getMessage()).lines().findFirst().orElse("");
  }
}
