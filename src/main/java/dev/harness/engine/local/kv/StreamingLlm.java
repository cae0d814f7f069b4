package dev.harness.engine.local.kv;

/** StreamingLLM: the first {@code nSink} positions (attention sinks) and the most recent ones. */
public record StreamingLlm(int nSink) implements KvPolicy {

  @Override
  public String name() { return "streaming_llm"; }

  /** Sinks score above everything (earlier sinks first), then recency. */
  @Override
  public float[][] score(LayerState s) {
    int len = s.length();
    float[][] out = new float[s.kvHeads()][len];
    for (float[] row : out) {
      for (int j = 0; j < len; j++) row[j] = j < nSink ? 2f * len - j : j;
    }
    return out;
  }
}
