package dev.harness.study.kv;

/** The dataset of a kv_transition study: a local file or {@code hf://THUDM/LongBench}. */
public record DatasetConfig(String name, String task, String source, String split) {
  public DatasetConfig {
    name = name == null ? "longbench" : name;
    task = task == null ? "narrativeqa" : task;
    split = split == null ? "test" : split;
  }

  public String datasetId() { return name + "__" + task; }
}
