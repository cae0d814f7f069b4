package dev.harness.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The capability interfaces by engine kind, known before any engine is opened, so a config that needs one its engine
 * lacks is refused at validation (exit 2) rather than after a store is written. {@link Engine#as} is the answer at
 * run time; this table is its lower bound for a kind: a server may add {@link TokenIds} (vLLM's {@code /tokenize},
 * probed when asked), never take away what is listed here.
 */
public final class Capabilities {
  private Capabilities() {}

  /** Each capability interface and the job it names, as error messages and docs/engines.md say it. */
  public static final Map<Class<?>, String> JOBS = jobs();

  private static Map<Class<?>, String> jobs() {
    Map<Class<?>, String> m = new LinkedHashMap<>();
    m.put(TokenIds.class, "token ids in and out");
    m.put(BatchGeneration.class, "batched generation");
    m.put(IdGeneration.class, "batched generation from token ids");
    m.put(BatchScoring.class, "batched scoring");
    m.put(IdScoring.class, "teacher forcing on token ids");
    m.put(SharedPrefixScoring.class, "shared-prefix scoring");
    m.put(CompressedLoglik.class, "log-likelihood through a compressed KV cache");
    m.put(FullNextToken.class, "full-vocabulary next-token distributions");
    m.put(InProcess.class, "in-process, one call at a time");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * What an engine of {@code kind} ({@code local} / {@code openai}) on {@code endpoint} ({@code chat} /
   * {@code completions}; null: chat) offers whatever its server.
   */
  public static Set<Class<?>> guaranteed(String kind, String endpoint) {
    if ("local".equals(kind)) return JOBS.keySet();
    if ("completions".equals(endpoint)) return Set.of(BatchScoring.class, BatchGeneration.class);
    return Set.of(BatchScoring.class);
  }

  /** "CompressedLoglik (log-likelihood through a compressed KV cache)". */
  public static String describe(Class<?> capability) {
    String job = JOBS.get(capability);
    return capability.getSimpleName() + (job == null ? "" : " (" + job + ")");
  }
}
