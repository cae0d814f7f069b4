package dev.harness.engine.local;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a compressed prefill did: the KV telemetry. */
final class KvOutcome {
  long fullBytes;
  long keptBytes;
  final Map<String, Object> extra = new LinkedHashMap<>();
}
