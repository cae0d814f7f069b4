package dev.harness.engine.local;

import dev.harness.engine.KvSpec;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.util.Arrays;

/** Where a query-agnostic request's protected suffix (the question) starts in the prompt's token ids. */
final class SuffixSplit {
  private SuffixSplit() {}

  /**
   * Where the protected suffix starts in {@code ids} (ids.length when the request is query-aware or has no suffix).
   * Rule: the suffix is searched (last occurrence; else its stripped form) in the decoded prompt text
   * (special tokens kept, so chat templates decode to their rendered text); the split is the token boundary i whose
   * decoded prefix decode(ids[0:i]) ends closest to the suffix's first character, ties to the earlier boundary so the
   * question stays whole. Throws IllegalArgumentException when the suffix is not in the prompt.
   */
  static int at(HfTokenizer tokenizer, int[] ids, KvSpec kv) {
    String suffix = kv.protectedSuffix();
    if (kv.queryAware() || suffix == null || suffix.isBlank()) return ids.length;
    String text = tokenizer.decode(ids, false);
    int at = text.lastIndexOf(suffix);
    if (at < 0) at = text.lastIndexOf(suffix.strip());
    if (at < 0) {
      throw new IllegalArgumentException("query_aware=false: the protected suffix ("
          + (suffix.length() > 60 ? suffix.substring(0, 60) + "…" : suffix) + ") is not in the prompt");
    }
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (tokenizer.decode(Arrays.copyOf(ids, mid), false).length() >= at) hi = mid;
      else lo = mid + 1;
    }
    if (lo == 0) return 0;
    int after = tokenizer.decode(Arrays.copyOf(ids, lo), false).length() - at;
    int before = at - tokenizer.decode(Arrays.copyOf(ids, lo - 1), false).length();
    return before <= after ? lo - 1 : lo;
  }
}
