package dev.harness.engine.local.lora;

import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.SafetensorsWriter;
import dev.harness.engine.local.weights.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter directory: {@code adapter_config.json} plus {@code adapter_model.safetensors} with keys
 * {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code .lora_B.weight} [out, r] (an adapter name
 * between, as in {@code .lora_A.default.weight}, is accepted). {@code pairs} maps the module path (e.g.
 * {@code model.layers.0.self_attn.q_proj}) to its matrices, in file order.
 */
public record PeftAdapter(Path dir, LoraConfig config, Map<String, LoraPair> pairs) {
  public static final String WEIGHTS = "adapter_model.safetensors";
  static final String PREFIX = "base_model.model.";
  private static final Pattern KEY = Pattern.compile("base_model\\.model\\.(.+)\\.lora_([AB])(?:\\.([^.]+))?\\.weight");

  public PeftAdapter {
    pairs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pairs));
  }

  /** PEFT's key of a module's A or B matrix. */
  public static String key(String module, char which) { return PREFIX + module + ".lora_" + which + ".weight"; }

  public Path weightsFile() { return dir.resolve(WEIGHTS); }

  public static PeftAdapter load(Path dir) {
    LoraConfig cfg = LoraConfig.read(dir);
    Path file = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(file)) {
      String old = Files.isRegularFile(dir.resolve("adapter_model.bin")) ? " (adapter_model.bin is not read: save the adapter with safe_serialization)" : "";
      throw new LoraException(file + ": not found" + old);
    }
    Map<String, float[]> as = new LinkedHashMap<>();
    Map<String, long[]> aShapes = new LinkedHashMap<>();
    Map<String, float[]> bs = new LinkedHashMap<>();
    Map<String, long[]> bShapes = new LinkedHashMap<>();
    String adapterName = null;
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      for (TensorEntry e : st.entries().values()) {
        Matcher m = KEY.matcher(e.name());
        if (!m.matches()) {
          throw new LoraException(file + ": tensor '" + e.name() + "': not a LoRA A/B weight (only base_model.model.<module>.lora_A/lora_B.weight are supported; no modules_to_save, biases or embeddings)");
        }
        String name = m.group(3);
        if (adapterName == null) adapterName = name == null ? "" : name;
        else if (!adapterName.equals(name == null ? "" : name)) {
          throw new LoraException(file + ": tensor '" + e.name() + "': mixes adapter names ('" + adapterName + "' and '" + name + "')");
        }
        if (e.shape().length != 2) throw new LoraException(file + ": tensor '" + e.name() + "': shape " + e.shapeString() + " is not 2-D");
        boolean isA = m.group(2).equals("A");
        (isA ? as : bs).put(m.group(1), st.floats(e));
        (isA ? aShapes : bShapes).put(m.group(1), e.shape());
      }
    }
    if (as.isEmpty()) throw new LoraException(file + ": no lora_A / lora_B tensors");
    Map<String, LoraPair> pairs = new LinkedHashMap<>();
    for (String module : as.keySet()) {
      long[] sa = aShapes.get(module);
      long[] sb = bShapes.get(module);
      if (sb == null) throw new LoraException(file + ": module " + module + ": has lora_A but no lora_B");
      if (sa[0] != sb[1]) {
        throw new LoraException(file + ": module " + module + ": lora_A " + java.util.Arrays.toString(sa) + " and lora_B " + java.util.Arrays.toString(sb) + " disagree on the rank");
      }
      int expected = cfg.rank(module);
      if (sa[0] != expected) {
        throw new LoraException(file + ": module " + module + ": rank " + sa[0] + " but " + LoraConfig.FILE + " gives r = " + expected);
      }
      pairs.put(module, new LoraPair(as.get(module), (int) sa[0], (int) sa[1], bs.get(module), (int) sb[0]));
    }
    for (String module : bs.keySet()) {
      if (!as.containsKey(module)) throw new LoraException(file + ": module " + module + ": has lora_B but no lora_A");
    }
    return new PeftAdapter(dir, cfg, pairs);
  }

  /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32, PEFT's key names and shapes). */
  public static void save(Path dir, LoraConfig cfg, Map<String, LoraPair> pairs) throws IOException {
    Files.createDirectories(dir);
    cfg.write(dir);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, LoraPair> e : pairs.entrySet()) {
      LoraPair p = e.getValue();
      w.add(key(e.getKey(), 'A'), new long[] {p.r(), p.in()}, p.a());
      w.add(key(e.getKey(), 'B'), new long[] {p.out(), p.r()}, p.b());
    }
    w.write(dir.resolve(WEIGHTS));
  }
}
