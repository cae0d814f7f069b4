package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.tokenizer.ChatTemplate;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.PromptRenderer;
import dev.harness.engine.local.tokenizer.SpecialTokens;
import dev.harness.engine.local.weights.CheckpointException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  static final SpecialTokens LLAMA = new SpecialTokens("<s>", 1, "</s>", 2);
  static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
  static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
  static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

  @Test
  void vocabularyPiecesEqualPieceByPieceAndAreRemembered() {
    try (HfTokenizer t = HfTokenizer.open(Golden.model("tiny-random-llama"))) {
      int colon = t.encodeIds(":", false)[t.encodeIds(":", false).length - 1];
      String[] all = t.pieces(colon, 32000);
      assertEquals(32000, all.length);
      for (int id = 0; id < all.length; id += 1) assertEquals(t.piece(colon, id), all[id], "id " + id);
      assertSame(all, t.pieces(colon, 32000), "the same previous token reuses the decoded vocabulary");
      String[] noPrev = t.pieces(-1, 300);
      for (int id = 0; id < noPrev.length; id++) assertEquals(t.piece(-1, id), noPrev[id]);
    }
  }

  @Test
  void llamaTokenizerEncodesKnownIdsWithExplicitBos() {
    try (HfTokenizer t = HfTokenizer.open(Golden.model("tiny-random-llama"))) {
      // Llama-2 vocabulary: "▁Hello" = 15043, "▁world" = 3186, <s> = 1
      assertEquals(List.of(1, 15043, 3186), t.encode("Hello world", true));
      assertEquals(List.of(15043, 3186), t.encode("Hello world", false));
      assertEquals("Hello world", t.decode(List.of(15043, 3186)));
      assertEquals(1, t.specialTokens().bosId());
      assertEquals(2, t.specialTokens().eosId());
      assertEquals(" world", t.piece(15043, 3186), "SentencePiece's leading space is kept after a previous token");
      assertEquals(2, t.count("Hello world"));
    }
  }

  @Test
  void truncationIsOff() {
    try (HfTokenizer t = HfTokenizer.open(Golden.model("tiny-random-llama"))) {
      String text = "hello ".repeat(2000);
      assertTrue(t.count(text) >= 2000, "long text was truncated to " + t.count(text) + " tokens");
    }
  }

  @Test
  void gpt2TokenizerRoundTripsAndHasNoBos() {
    try (HfTokenizer t = HfTokenizer.open(Golden.model("tiny-llama-gqa"))) {
      String s = "The quick brown fox";
      List<Integer> ids = t.encode(s, true);
      assertEquals(ids, t.encode(s, false), "byte-level BPE adds no special tokens");
      assertEquals(s, t.decode(ids));
      assertEquals(0, t.specialTokens().eosId());
      assertEquals(null, t.chatTemplate());
    }
  }

  @Test
  void chatTemplateRendersLikeTransformers() {
    ChatTemplate t = new ChatTemplate(LLAMA2, null, LLAMA);
    String out = t.render(List.of(Message.system("Be brief."), Message.user("Hi"), Message.assistant("Hello"), Message.user("Bye")), true);
    assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello </s><s>[INST] Bye [/INST]", out);
    CheckpointException e = assertThrows(CheckpointException.class, () -> t.render(List.of(Message.user("a"), Message.user("b")), true));
    assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
  }

  @Test
  void prefillLeavesTheTurnOpen() {
    List<Message> msgs = List.of(Message.user("Pick a colour"));
    ChatTemplate chatml = new ChatTemplate(CHATML, null, LLAMA);
    assertEquals("<|im_start|>user\nPick a colour<|im_end|>\n<|im_start|>assistant\nMy answer is ",
        chatml.renderWithPrefill(msgs, "My answer is "));
    ChatTemplate llama2 = new ChatTemplate(LLAMA2, null, LLAMA);
    String l2 = llama2.renderWithPrefill(msgs, "My answer is");
    assertEquals("<s>[INST] Pick a colour [/INST] My answer is", l2);
    assertFalse(l2.contains("</s>"));
    ChatTemplate llama3 = new ChatTemplate(LLAMA3, null, LLAMA);
    assertEquals(llama3.render(msgs, true) + "My answer is", llama3.renderWithPrefill(msgs, "My answer is"));
  }

  @Test
  void promptRendererFallsBackToPlainFormat() {
    PromptRenderer r = new PromptRenderer(null);
    Prompt p = Prompt.chat(List.of(Message.system("S"), Message.user("U"))).withPrefill("P");
    assertEquals("System: S\n\nUser: U\n\nAssistant: P", r.render(p).text());
    assertTrue(r.render(p).addSpecialTokens());
    assertEquals("abc def", r.render(Prompt.text("abc ").withPrefill("def")).text());
    PromptRenderer chat = new PromptRenderer(new ChatTemplate(CHATML, null, LLAMA));
    assertFalse(chat.render(Prompt.chat(List.of(Message.user("U")))).addSpecialTokens());
  }
}
