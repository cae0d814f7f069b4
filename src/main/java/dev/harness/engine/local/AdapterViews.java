package dev.harness.engine.local;

import dev.harness.engine.local.lora.LoraApplier;
import dev.harness.engine.local.lora.LoraException;
import dev.harness.engine.local.lora.PeftAdapter;
import dev.harness.engine.local.model.CausalLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adapter views: the PEFT adapters on one loaded base (unmerged ones by name, or the one merged into the weights) and
 * the count of its open views. Every method runs under the base's lock (the caller takes it).
 */
final class AdapterViews {
  private final CausalLM model;
  private final boolean nf4;
  private final Map<String, LoadedAdapter> unmerged = new LinkedHashMap<>();
  private LoadedAdapter merged;
  private int refs = 1;

  AdapterViews(CausalLM model, boolean nf4) {
    this.model = model;
    this.nf4 = nf4;
  }

  /** See {@link LocalEngine#addAdapter}. */
  String add(String name, Path adapterDir) {
    Path d = adapterDir.toAbsolutePath().normalize();
    LoadedAdapter old = unmerged.get(name);
    if (old != null) {
      if (old.dir().equals(d)) return name;
      throw new IllegalArgumentException("adapter name '" + name + "' is already used for " + old.dir());
    }
    if (merged != null) {
      throw new LoraException(d + ": cannot add an adapter to a base with a merged adapter (" + merged.dir() + ")");
    }
    PeftAdapter a = PeftAdapter.load(d);
    long bytes = LoraApplier.attach(model, name, a);
    unmerged.put(name, new LoadedAdapter(name, d, bytes, false));
    return name;
  }

  /** See {@link LocalEngine#mergeAdapter}. */
  void merge(Path adapterDir) {
    Path d = adapterDir.toAbsolutePath().normalize();
    if (!unmerged.isEmpty() || merged != null) {
      throw new LoraException(d + ": a merged adapter must be the only adapter of its base");
    }
    if (nf4) throw new LoraException(d + ": cannot merge an adapter into NF4 weights; apply it unmerged (as QLoRA does)");
    LoraApplier.merge(model, PeftAdapter.load(d));
    merged = new LoadedAdapter(d.getFileName().toString(), d, 0, true);
  }

  /** Counts one more open view that applies {@code name} (null: no adapter); the name must be loaded. */
  void openView(String name) {
    if (name != null && !unmerged.containsKey(name)) {
      throw new IllegalArgumentException("no adapter '" + name + "' on this base (loaded: " + unmerged.keySet() + ")");
    }
    refs++;
  }

  /** Counts one view closed; true when it was the last (the base is to be released). */
  boolean closeView() { return --refs == 0; }

  /** Whether some view is still open. */
  boolean alive() { return refs > 0; }

  /** The adapters loaded on this base, a merged one included. */
  List<LoadedAdapter> all() {
    List<LoadedAdapter> out = new ArrayList<>(unmerged.values());
    if (merged != null) out.add(merged);
    return out;
  }

  /** What a view applying {@code name} runs: that adapter, or the merged one (null: neither). */
  LoadedAdapter applied(String name) { return name != null ? unmerged.get(name) : merged; }
}
