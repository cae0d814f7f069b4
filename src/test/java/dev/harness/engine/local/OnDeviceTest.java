package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Device threading at run time (DeviceThreadingTest checks the sources). The brief asked for the engine to run under a
 * device name that is not DJL's default, so that an array on the default device shows; DJL 0.35.1 has no such name on a
 * CPU: {@code Device.of("cpu", n)} returns the CPU constant and {@code Device.equals} treats every cpu id as one
 * (theCpuHasOneDeviceNameInDjl pins that). So the check is on where arrays live instead: every array alive after the
 * load (weights, NF4 codes) and at every generated token (the KV cache, compression scores) that was not there before
 * the engine opened must descend from the engine's root manager, the one made on DeviceChoice's device. An array made
 * on a manager of its own, which is how code ends up on DJL's default device ({@code NDManager.newBaseManager()}), is
 * reported with its shape and manager. Arrays made and closed within one forward pass are not seen.
 */
class OnDeviceTest {
  static NDManager top(NDManager m) {
    NDManager t = m;
    while (t.getParentManager() != null && t.getParentManager() != t) t = t.getParentManager();
    return t;
  }

  static Set<String> live(NDManager top) {
    Set<String> out = new HashSet<>();
    for (NDArray a : top.getManagedArrays()) out.add(a.getUid());
    return out;
  }

  static boolean under(NDManager m, NDManager root) {
    for (NDManager t = m; t != null; t = t.getParentManager() == t ? null : t.getParentManager()) {
      if (t == root) return true;
    }
    return false;
  }

  /** Arrays alive in DJL, not in {@code before}, that do not descend from {@code root}. */
  static List<String> strays(NDManager top, Set<String> before, NDManager root) {
    List<String> out = new ArrayList<>();
    for (NDArray a : top.getManagedArrays()) {
      if (before.contains(a.getUid()) || under(a.getManager(), root)) continue;
      out.add(a.getShape() + " " + a.getDataType() + " on " + a.getManager().getDevice() + " (manager " + a.getManager().getName() + ")");
    }
    return out;
  }

  @Test
  void theCpuHasOneDeviceNameInDjl() {
    assertEquals(Device.cpu(), Device.of("cpu", 0));
    assertEquals(Device.cpu(), Device.of("cpu", 1));
    assertEquals(Engine.getInstance().defaultDevice(), Device.cpu(), "a CPU-only libtorch in the tests");
  }

  @Test
  void everyArrayOfLoadAndGenerationDescendsFromTheEnginesRoot() {
    for (String[] c : new String[][] {{"tiny-random-llama", "float32", "none"}, {"tiny-random-gpt2", "float16", "none"},
        {"tiny-random-llama", "float32", "nf4"}}) {
      NDManager top;
      try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
        top = top(probe);
      }
      Set<String> before = live(top);
      try (LocalEngine e = LocalEngine.open(Golden.model(c[0]), new LocalOptions(c[1], "cpu", null, c[2]))) {
        String what = String.join(" ", c);
        NDManager root = e.manager();
        assertTrue(root.getManagedArrays().size() > 0, what + ": the weights are arrays of the engine's root");
        assertEquals(List.of(), strays(top, before, root), what + " after load");
        List<String> seen = new ArrayList<>();
        int[] tokens = {0};
        KvSpec snap = new KvSpec("snapkv", 0.5, Map.of("window", 2), false, null);
        for (CompletionRequest r : List.of(CompletionRequest.greedy(Prompt.text(""), 4).withLogprobs(3),
            CompletionRequest.greedy(Prompt.text(""), 4).withKv(snap))) {
          e.complete(new int[] {1, 5, 9, 2, 7, 11, 3}, r, (text, tok) -> {
            tokens[0]++;
            seen.addAll(strays(top, before, root));
          });
        }
        assertTrue(tokens[0] >= 2, what + ": generated " + tokens[0] + " tokens");
        assertEquals(List.of(), seen, what + " during generation");
      }
    }
  }

  @Test
  void theCheckSeesAnArrayOnAManagerOfItsOwn() {
    try (NDManager engineRoot = NDManager.newBaseManager(Device.cpu())) {
      NDManager top = top(engineRoot);
      Set<String> before = live(top);
      try (NDManager seq = engineRoot.newSubManager()) {
        seq.zeros(new ai.djl.ndarray.types.Shape(2));
        try (NDManager wrong = NDManager.newBaseManager()) { // DJL's default device: what DeviceThreadingTest forbids
          wrong.zeros(new ai.djl.ndarray.types.Shape(3));
          List<String> s = strays(top, before, engineRoot);
          assertEquals(1, s.size(), String.join("\n", s));
          assertTrue(s.get(0).startsWith("(3) float32 on cpu()"), s.get(0));
        }
      }
    }
  }
}
