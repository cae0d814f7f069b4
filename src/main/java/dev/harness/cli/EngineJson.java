package dev.harness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.WeightBytes;

/** The local engine's dtype, device, libtorch (version and flavor), quantization, adapter and weight bytes as a JSON object (generate --json, logprobs --json). */
final class EngineJson {
  private EngineJson() {}

  static ObjectNode local(ObjectMapper m, LocalEngine engine) {
    var d = engine.info().details();
    ObjectNode n = m.createObjectNode();
    n.put("dtype", engine.info().dtype());
    n.put("device", d.get("device"));
    n.put("libtorch", d.get("libtorch"));
    n.put("quantization", d.get("quantization"));
    WeightBytes wb = engine.weightBytes();
    ObjectNode w = n.putObject("linear_weights");
    w.put("count", wb.elements());
    w.put("bytes", wb.linear());
    w.put("bytes_unquantized", wb.unquantized());
    w.put("bytes_float16", wb.float16());
    w.put("bytes_per_weight", wb.bytesPerWeight());
    w.put("ratio_to_float16", wb.ratioToFloat16());
    if (d.containsKey("adapter")) {
      ObjectNode a = n.putObject("adapter");
      a.put("name", d.get("adapter_name"));
      a.put("dir", d.get("adapter"));
      a.put("lora", d.get("lora"));
    } else {
      n.putNull("adapter");
    }
    return n;
  }
}
