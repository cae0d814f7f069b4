package dev.harness.engine.local.tokenizer;

import dev.harness.engine.Message;
import dev.harness.engine.Prompt;

/**
 * Turns a {@link Prompt} into text for the tokenizer.
 * <ul>
 *   <li>Raw text: the text followed by the prefill (if any), tokenized with the tokenizer's default special tokens.</li>
 *   <li>Chat with a template: the template's rendering (generation prompt added, or the prefill left open), tokenized
 *       without adding special tokens since the template writes them.</li>
 *   <li>Chat without a template — the documented plain fallback: each message as {@code "System: …"},
 *       {@code "User: …"} or {@code "Assistant: …"} (role capitalised), separated by a blank line, then
 *       {@code "Assistant:"} and, with a prefill, a space and the prefill; default special tokens added.</li>
 * </ul>
 */
public final class PromptRenderer {
  private final ChatTemplate template;

  public PromptRenderer(ChatTemplate template) { this.template = template; }

  public RenderedPrompt render(Prompt p) {
    if (!p.isChat()) return new RenderedPrompt(p.text() + (p.prefill() == null ? "" : p.prefill()), true);
    if (template != null) {
      String text = p.prefill() == null ? template.render(p.messages(), true) : template.renderWithPrefill(p.messages(), p.prefill());
      return new RenderedPrompt(text, false);
    }
    return new RenderedPrompt(plain(p), true);
  }

  static String plain(Prompt p) {
    StringBuilder sb = new StringBuilder();
    for (Message m : p.messages()) {
      String role = m.role().isEmpty() ? m.role() : Character.toUpperCase(m.role().charAt(0)) + m.role().substring(1);
      sb.append(role).append(": ").append(m.content()).append("\n\n");
    }
    sb.append("Assistant:");
    if (p.prefill() != null) sb.append(' ').append(p.prefill());
    return sb.toString();
  }
}
