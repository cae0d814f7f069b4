package dev.harness.engine.local.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tokenizer's BOS and EOS tokens as tokenizer_config.json names them (string or AddedToken object) and their
 * ids; any of them may be null.
 */
public record SpecialTokens(String bosToken, Integer bosId, String eosToken, Integer eosId) {

  static String tokenText(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) return n.asText();
    JsonNode c = n.get("content");
    return c == null || c.isNull() ? null : c.asText();
  }
}
