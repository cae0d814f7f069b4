package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;

/**
 * H2O (heavy hitters, observed attention): the attention each key received during the prefill, summed over the
 * queries that could see it and divided by their number (length − position), averaged over the query heads of a group.
 */
public record H2o() implements KvPolicy {

  @Override
  public String name() { return "h2o"; }

  @Override
  public Needs needs() { return Needs.CUMULATIVE_ATTENTION; }

  @Override
  public float[][] score(LayerState s) {
    NDArray cum = s.cumulativeAttention();
    if (cum == null) throw new IllegalStateException("h2o needs the cumulative prefill attention");
    int len = s.length();
    float[][] perHead = LayerState.rows(cum, s.numHeads(), len);
    for (float[] row : perHead) {
      for (int j = 0; j < len; j++) row[j] /= (len - j);
    }
    return LayerState.groupMean(perHead, s.kvHeads());
  }
}
