package dev.harness.study.kl;

import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;

/**
 * Test fixture shared by the kl HTTP tests: the prompts file and the study config of two openai variants, a
 * (model-a) and b (model-b), both at {@code server}, writing under {@code dir/runs/<group>}.
 */
final class KlHttpConfig {
  private KlHttpConfig() {}

  /**
   * Writes {@code dir/p.json} with {@code promptsJson} and {@code dir/<file>} with the config; {@code generation} and
   * {@code kl} are the flow maps of those sections.
   */
  static Path write(Path dir, MockWebServer server, String file, String group, int concurrency, String promptsJson,
      String generation, String kl, int bootstrapIters) throws Exception {
    Path prompts = dir.resolve("p.json");
    Files.writeString(prompts, promptsJson);
    Path cfg = dir.resolve(file);
    String url = server.url("/v1").toString();
    Files.writeString(cfg, """
        study: kl
        output: {exp_group_id: %s, root: %s}
        engines:
          - {name: a, kind: openai, model: model-a, base_url: %s, max_retries: 0, concurrency: %d}
          - {name: b, kind: openai, model: model-b, base_url: %s, max_retries: 0, concurrency: %d}
        prompts: {source: %s, field: user}
        generation: %s
        kl: %s
        analysis: {bootstrap_iters: %d}
        """.formatted(group, dir.resolve("runs"), url, concurrency, url, concurrency, prompts, generation, kl,
        bootstrapIters));
    return cfg;
  }
}
