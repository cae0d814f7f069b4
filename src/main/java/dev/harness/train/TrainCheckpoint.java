package dev.harness.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.SafetensorsWriter;
import dev.harness.engine.local.weights.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A resumable training state under {@code <output>/checkpoints/step-NNNNNN/}: {@code lora.safetensors} (the LoRA
 * matrices, PEFT key names), {@code optimizer.safetensors} ({@code <key>.exp_avg}, {@code <key>.exp_avg_sq}) and
 * {@code state.json} (completed steps, run id, config fingerprint, seed). The random state needs no bytes of its
 * own: shuffles derive from (seed, epoch) and dropout masks from (seed, step, micro-batch). Written to a temporary
 * folder and renamed, so a crash never leaves a half checkpoint; only the newest {@link #KEEP} are kept.
 */
public record TrainCheckpoint(Path dir, int step, String runId, String fingerprint) {
  static final int KEEP = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path root(Path output) { return output.resolve("checkpoints"); }

  static void save(Path output, int step, String runId, String fingerprint, long seed, List<LoraModule> lora,
      OptimizerState opt) {
    Path root = root(output);
    Path dir = root.resolve(String.format(Locale.ROOT, "step-%06d", step));
    Path tmp = root.resolve(dir.getFileName() + ".tmp");
    try {
      Files.createDirectories(tmp);
      SafetensorsWriter w = new SafetensorsWriter();
      SafetensorsWriter o = new SafetensorsWriter();
      for (LoraModule m : lora) {
        w.add(m.key('A'), new long[] {m.r(), m.in()}, m.a);
        w.add(m.key('B'), new long[] {m.out(), m.r()}, m.b);
        for (String k : List.of(m.key('A'), m.key('B'))) {
          long[] shape = k.equals(m.key('A')) ? new long[] {m.r(), m.in()} : new long[] {m.out(), m.r()};
          o.add(k + ".exp_avg", shape, opt.m.get(k));
          o.add(k + ".exp_avg_sq", shape, opt.v.get(k));
        }
      }
      w.write(tmp.resolve("lora.safetensors"));
      o.write(tmp.resolve("optimizer.safetensors"));
      ObjectNode st = JSON.createObjectNode();
      st.put("step", step);
      st.put("run_id", runId);
      st.put("fingerprint", fingerprint);
      st.put("seed", seed);
      st.put("rng", "derived: shuffles from (seed, epoch), dropout from (seed, step, micro-batch)");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("state.json").toFile(), st);
      if (Files.exists(dir)) deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      List<Path> all = list(root);
      for (int i = 0; i + KEEP < all.size(); i++) deleteTree(all.get(i));
    } catch (IOException e) {
      throw new HarnessException(dir + ": cannot write checkpoint (" + e.getMessage() + ")", 1, e);
    }
  }

  /** The newest complete checkpoint under {@code output}, if any. */
  static Optional<TrainCheckpoint> latest(Path output) {
    List<Path> all = list(root(output));
    if (all.isEmpty()) return Optional.empty();
    Path dir = all.get(all.size() - 1);
    try {
      var st = JSON.readTree(dir.resolve("state.json").toFile());
      return Optional.of(new TrainCheckpoint(dir, st.get("step").asInt(), st.get("run_id").asText(), st.get("fingerprint").asText()));
    } catch (IOException | RuntimeException e) {
      throw new HarnessException(dir.resolve("state.json") + ": unreadable checkpoint state (" + e.getMessage() + ")", 1, e);
    }
  }

  /** Loads the LoRA matrices into the model and the moments into {@code opt}. */
  void restore(TrainableLlama model, OptimizerState opt) {
    try (SafetensorsFile w = SafetensorsFile.open(dir.resolve("lora.safetensors"));
        SafetensorsFile o = SafetensorsFile.open(dir.resolve("optimizer.safetensors"))) {
      for (LoraModule m : model.lora()) {
        model.setLora(m.path(), floats(w, m.key('A')), floats(w, m.key('B')));
        for (String k : List.of(m.key('A'), m.key('B'))) {
          System.arraycopy(floats(o, k + ".exp_avg"), 0, opt.m.get(k), 0, opt.m.get(k).length);
          System.arraycopy(floats(o, k + ".exp_avg_sq"), 0, opt.v.get(k), 0, opt.v.get(k).length);
        }
      }
    }
  }

  private static float[] floats(SafetensorsFile f, String key) {
    TensorEntry e = f.entries().get(key);
    if (e == null) throw new HarnessException(f.path() + ": checkpoint lacks " + key + " (made with other LoRA settings?)", 1);
    return f.floats(e);
  }

  private static List<Path> list(Path root) {
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> s = Files.list(root)) {
      return new ArrayList<>(s.filter(p -> p.getFileName().toString().matches("step-\\d+") && Files.isRegularFile(p.resolve("state.json")))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList());
    } catch (IOException e) {
      throw new HarnessException(root + ": cannot list checkpoints (" + e.getMessage() + ")", 1, e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
