package dev.harness.study;

import dev.harness.HarnessVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine and software a run used, stored with every run row (no secrets, no environment variables). */
public final class RunEnvironment {
  private RunEnvironment() {}

  public static Map<String, Object> capture() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("harness_version", HarnessVersion.VERSION);
    m.put("java_version", System.getProperty("java.version"));
    m.put("java_vendor", System.getProperty("java.vendor"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("arch", System.getProperty("os.arch"));
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    return m;
  }
}
