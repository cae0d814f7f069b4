package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rerun after a config change sends exactly the units whose identity changed: a KV policy change re-sends only the
 * compressed budgets (budget 1.0 is the full cache under any policy), a generation parameter re-sends every unit with
 * the new value; nothing changed sends nothing; old rows are kept and the aggregates count only current units.
 */
class KvUnitIdentityTest {
  @TempDir Path dir;

  @Test
  void changedInputsResendExactlyTheAffectedUnits() throws Exception {
    ScriptedOpenAiServer script = new ScriptedOpenAiServer();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(script);
      server.start();
      Path data = ScriptedOpenAiServer.writeKeyDataset(dir, 6);
      Path cfg = dir.resolve("identity.yaml");
      Files.writeString(cfg, """
          study: kv_transition
          output: {exp_group_id: identity, root: %s}
          engine: {kind: openai, model: m, base_url: %s, concurrency: 1, timeout_s: 30, max_retries: 0}
          dataset: {name: identity, task: qa, source: %s}
          bins: {count: 1}
          sampling: {strategy: uniform, n_per_bin: 6}
          kv: {policy: snapkv, budgets: [1.0, 0.5], server_fields: {max_cache_tokens: "{budget_tokens}"}}
          generation: {max_tokens: 16}
          analysis: {bootstrap_iters: 200}
          """.formatted(dir.resolve("runs"), server.url("/v1/"), data));
      Path db = dir.resolve("runs/identity/kv_transition.sqlite");

      all(cfg);
      assertEquals(12, script.total.get(), "6 items x 2 budgets");

      all(cfg);
      assertEquals(12, script.total.get(), "nothing changed: nothing sent");

      all(cfg, "--set", "kv.policy=streaming_llm");
      assertEquals(18, script.total.get(), "a policy change re-sends the 6 compressed units only");
      assertEquals(6, nUnits(db, 0.5));
      assertEquals(6, nUnits(db, 1.0));

      all(cfg, "--set", "kv.policy=streaming_llm", "--set", "kv.protocol=full_prefill");
      assertEquals(24, script.total.get(), "a protocol change re-sends the 6 compressed units only");

      int before = script.total.get();
      all(cfg, "--set", "kv.policy=streaming_llm", "--set", "generation.max_tokens=8");
      assertEquals(before + 12, script.total.get(), "a generation parameter re-sends every unit");
      long with8 = script.hitsByBody.keySet().stream().filter(b -> b.contains("\"max_tokens\":8")).count();
      assertEquals(12, with8, "the re-sent units carry the new value");
      assertEquals(6, nUnits(db, 0.5), "aggregates count only the current configuration's units");
      assertEquals(6, nUnits(db, 1.0));
      try (Store s = Store.open(db, KvSchema.CHAIN)) {
        int responses = s.query(c -> {
          try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM responses")) {
            rs.next();
            return rs.getInt(1);
          }
        });
        assertEquals(36, responses, "old rows are kept, never deleted");
      }
      int forcedFrom = script.total.get();
      all(cfg, "--set", "kv.policy=streaming_llm", "--set", "generation.max_tokens=8", "--force", "run");
      assertEquals(forcedFrom + 12, script.total.get(), "--force run re-sends every unit of the current configuration");
      String report = Files.readString(dir.resolve("runs/identity/report.md"));
      // 36 stored rows (12 first + 6 policy + 6 protocol + 12 max_tokens) less the 12 current ones
      assertTrue(report.contains("12 units of the current configuration (12 with stored rows); 24 stored rows from"
          + " other configurations are kept and not used"), report);
    }
  }

  private static void all(Path cfg, String... sets) {
    String[] args = new String[3 + sets.length];
    args[0] = "all";
    args[1] = "-c";
    args[2] = cfg.toString();
    System.arraycopy(sets, 0, args, 3, sets.length);
    StringWriter err = new StringWriter();
    int rc = KvTransitionEndToEndTest.run(new StringWriter(), err, args);
    assertEquals(0, rc, err.toString());
    assertTrue(!err.toString().isEmpty());
  }

  private static int nUnits(Path db, double budget) throws Exception {
    try (Store s = Store.open(db, KvSchema.CHAIN)) {
      return s.query(c -> {
        try (var ps = c.prepareStatement("SELECT SUM(n_units) FROM bin_stats WHERE budget = ?")) {
          ps.setDouble(1, budget);
          try (var rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        }
      });
    }
  }
}
