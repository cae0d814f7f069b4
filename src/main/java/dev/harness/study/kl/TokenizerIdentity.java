package dev.harness.study.kl;

import dev.harness.study.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.EngineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fingerprint of a variant's vocabulary, for refusing token-level estimators across tokenizers: the SHA-256 of the
 * {@code model} (type, vocab, merges) and {@code added_tokens} sections of the engine's {@code tokenizer.json} (so
 * two copies of one tokenizer match whatever their other settings). Null when unknown (an HTTP engine: then the
 * dumps' token-text overlap is checked instead).
 */
final class TokenizerIdentity {
  private TokenizerIdentity() {}

  static String of(EngineInfo info) {
    if (info.tokenizer() == null) return null;
    Path p = Path.of(info.tokenizer());
    if (!Files.isRegularFile(p)) return null;
    try {
      JsonNode t = KlResponses.JSON.readTree(p.toFile());
      return Json.sha256(t.path("model").toString() + "\u0000" + t.path("added_tokens").toString())
          .substring(0, 16);
    } catch (IOException e) {
      return null;
    }
  }
}
