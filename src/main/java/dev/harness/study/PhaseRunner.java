package dev.harness.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.harness.HarnessException;
import dev.harness.store.PhaseTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs phases in order. With {@code skipDone}, a phase whose recorded fingerprint (its inputs chained with the
 * upstream fingerprints) is unchanged and whose outputs exist is skipped; {@code force} redoes the named phases.
 * Once a phase runs, every later phase runs too (its input changed).
 */
public final class PhaseRunner {
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .build();

  private PhaseRunner() {}

  public static void run(Study study, List<Phase> phases, boolean skipDone, Set<Phase> force, StudyContext ctx) {
    PhaseTable table = new PhaseTable(ctx.store());
    String upstream = "";
    boolean upstreamRan = false;
    for (Step step : study.steps()) {
      Phase p = step.phase();
      String fp = fingerprint(upstream, step.inputsOf(ctx));
      upstream = fp;
      if (!phases.contains(p)) continue;
      Optional<PhaseTable.PhaseRecord> done = table.get(p.id());
      boolean unchanged = done.isPresent() && done.get().fingerprint().equals(fp);
      if (skipDone && !upstreamRan && !force.contains(p) && unchanged && step.outputsExist(ctx)) {
        ctx.log("[" + p.id() + "] skipped: done at " + done.get().completedAt() + " with the same inputs ("
            + done.get().summary() + ")");
        continue;
      }
      long t0 = System.nanoTime();
      ctx.log("[" + p.id() + "] started");
      // whatever was done downstream is stale from now on
      table.invalidateFrom(Arrays.stream(Phase.values()).filter(q -> q.ordinal() > p.ordinal()).map(Phase::id).toList());
      String summary;
      try {
        summary = step.execute(ctx);
      } catch (HarnessException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new PhaseException(p, ctx.configPath(), e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
      table.markDone(p.id(), fp, summary, canonical(step.inputsOf(ctx)));
      upstreamRan = true;
      ctx.log(String.format("[%s] done in %.1f s: %s", p.id(), (System.nanoTime() - t0) / 1e9, summary));
    }
  }

  /**
   * The five fingerprints in phase order, from the store as it is now (what {@code harness status} compares).
   * {@link #run} computes each one just before its phase, after the upstream phases ran.
   */
  public static Map<Phase, String> fingerprints(Study study, StudyContext ctx) {
    Map<Phase, String> out = new EnumMap<>(Phase.class);
    String upstream = "";
    for (Step step : study.steps()) {
      upstream = fingerprint(upstream, step.inputsOf(ctx));
      out.put(step.phase(), upstream);
    }
    return out;
  }

  /** The inputs as canonical JSON (keys sorted): what the phases table records and {@code harness status} compares. */
  public static String canonical(Object inputs) {
    try {
      return CANONICAL.writeValueAsString(inputs);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise phase inputs", e);
    }
  }

  public static String fingerprint(String upstream, Object inputs) {
    try {
      byte[] json = CANONICAL.writeValueAsBytes(inputs);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(upstream.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(json);
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint phase inputs", e);
    }
  }
}
