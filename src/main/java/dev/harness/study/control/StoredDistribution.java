package dev.harness.study.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.NextToken;
import dev.harness.engine.TopLogprob;
import dev.harness.metrics.control.Distribution;
import dev.harness.metrics.control.TokenProb;
import dev.harness.metrics.control.Words;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a next-token distribution kept in the store, from which {@code score} computes everything: the
 * {@code store_top} most probable tokens, plus every other token whose word (see {@link Words}) is one of the item's
 * given words, a word among those top tokens, or a blocklisted word — so merging token variants and dropping the
 * blocklist give the same numbers as on the full distribution — and the rest mass (1 − Σ kept).
 * JSON: {@code {"tokens": [{"t": " red", "id": 1014, "p": 0.31}, ...], "rest": 0.12}}, most probable first.
 */
final class StoredDistribution {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoredDistribution() {}

  static Distribution select(NextToken nt, int storeTop, List<String> extraWords) {
    Set<String> keepWords = new HashSet<>();
    for (String w : extraWords) keepWords.add(Words.normalize(w));
    List<TopLogprob> top = nt.top();
    int n = Math.min(storeTop, top.size());
    for (int i = 0; i < n; i++) {
      String w = Words.normalize(top.get(i).token());
      if (Words.isWord(w)) keepWords.add(w);
    }
    List<TokenProb> kept = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < top.size(); i++) {
      TopLogprob t = top.get(i);
      if (i < n || keepWords.contains(Words.normalize(t.token()))) {
        double p = Math.exp(t.logprob());
        kept.add(new TokenProb(t.token(), t.id(), p));
        sum += p;
      }
    }
    return new Distribution(kept, Math.max(0.0, 1.0 - sum));
  }

  static String toJson(Distribution d) {
    List<Map<String, Object>> toks = new ArrayList<>();
    for (TokenProb t : d.tokens()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("t", t.token());
      m.put("id", t.id());
      m.put("p", t.prob());
      toks.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("tokens", toks);
    root.put("rest", d.restMass());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Distribution fromJson(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      List<TokenProb> toks = new ArrayList<>();
      for (JsonNode t : root.path("tokens")) {
        toks.add(new TokenProb(t.path("t").asText(), t.path("id").asInt(-1), t.path("p").asDouble()));
      }
      return new Distribution(toks, root.path("rest").asDouble());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored distribution is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
