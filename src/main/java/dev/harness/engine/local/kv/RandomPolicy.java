package dev.harness.engine.local.kv;

import java.util.Random;

/** Uniformly random scores, reproducible from the seed (one stream per layer: seed and layer index). */
public record RandomPolicy(long seed) implements KvPolicy {

  @Override
  public String name() { return "random"; }

  @Override
  public float[][] score(LayerState s) {
    Random r = new Random(seed * 1_000_003L + s.layer());
    float[][] out = new float[s.kvHeads()][s.length()];
    for (float[] row : out) {
      for (int j = 0; j < row.length; j++) row[j] = r.nextFloat();
    }
    return out;
  }
}
