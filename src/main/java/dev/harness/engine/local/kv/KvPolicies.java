package dev.harness.engine.local.kv;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The registry of {@link KvPolicy} implementations by name, and the parsing of their parameters. */
public final class KvPolicies {
  private KvPolicies() {}

  /** The policy names, as {@code KvSpec.policy} spells them. */
  public static List<String> names() { return List.of("full", "snapkv", "streaming_llm", "h2o", "knorm", "random"); }

  /**
   * The named policy with its parameters from {@code params} (keys {@code window}, {@code kernel}, {@code pooling},
   * {@code n_sink}, {@code seed}; keys a policy does not use are ignored). Throws {@link IllegalArgumentException} for
   * an unknown name or an invalid value.
   */
  public static KvPolicy of(String name, Map<String, Object> params) {
    Map<String, Object> p = params == null ? Map.of() : params;
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "full" -> new KvPolicy.Full();
      case "snapkv" -> new SnapKv(intParam(p, "window", 32, 1), oddKernel(intParam(p, "kernel", 7, 1)), pooling(p));
      case "streaming_llm" -> new StreamingLlm(intParam(p, "n_sink", 4, 0));
      case "h2o" -> new H2o();
      case "knorm" -> new KNorm();
      case "random" -> new RandomPolicy(longParam(p, "seed", 0L));
      default -> throw new IllegalArgumentException("unknown KV policy '" + name + "' (known: " + String.join(", ", names()) + ")");
    };
  }

  static int intParam(Map<String, Object> p, String key, int def, int min) {
    long v = longParam(p, key, def);
    if (v < min || v > Integer.MAX_VALUE) throw new IllegalArgumentException("KV policy param " + key + " must be an integer >= " + min + ", got " + p.get(key));
    return (int) v;
  }

  static long longParam(Map<String, Object> p, String key, long def) {
    Object o = p.get(key);
    if (o == null) return def;
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) return ((Number) o).longValue();
    if (o instanceof Number num) {
      double d = num.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9e15) return (long) d;
    } else if (o instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException("KV policy param " + key + " must be an integer, got " + o);
  }

  static int oddKernel(int k) {
    if (k % 2 == 0) throw new IllegalArgumentException("KV policy param kernel must be odd (padding kernel/2 keeps the length), got " + k);
    return k;
  }

  static SnapKv.Pooling pooling(Map<String, Object> p) {
    Object o = p.get("pooling");
    if (o == null) return SnapKv.Pooling.AVGPOOL;
    return switch (o.toString().trim().toLowerCase(Locale.ROOT)) {
      case "avgpool" -> SnapKv.Pooling.AVGPOOL;
      case "maxpool" -> SnapKv.Pooling.MAXPOOL;
      default -> throw new IllegalArgumentException("KV policy param pooling must be avgpool or maxpool, got " + o);
    };
  }
}
