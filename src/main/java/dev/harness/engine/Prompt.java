package dev.harness.engine;

import java.util.List;

/**
 * What the model sees: either raw text (completions) or chat messages. {@code prefill}, when not null, is the start of
 * the assistant's answer: the engine continues it (the turn is not closed).
 */
public record Prompt(String text, List<Message> messages, String prefill) {

  public Prompt {
    if ((text == null) == (messages == null)) {
      throw new IllegalArgumentException("a prompt is either text or messages, not both or neither");
    }
    messages = messages == null ? null : List.copyOf(messages);
  }

  public static Prompt text(String text) { return new Prompt(text, null, null); }

  public static Prompt chat(List<Message> messages) { return new Prompt(null, messages, null); }

  public Prompt withPrefill(String prefill) { return new Prompt(text, messages, prefill); }

  public boolean isChat() { return messages != null; }
}
