package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 §2 through the whole study, where the tiny random checkpoints cannot show it (their top tokens are never
 * words: TVD 1.000 [1.000, 1.000] (n=400) under tvd and tvd_renormalized alike on output_control_sanity.yaml): a server
 * that hedges — every answer's top-k is {" The": 0.9, " red": 0.07, " blue": 0.03} — on 12 random-words items
 * (p 30 / 50 / 70 × r 10 / 20 × 2 seeds). Expected per scorer, by hand:
 * <ul>
 *   <li>{@code tvd} (default): " The" is blocklisted, so the words are red .07 and blue .03, sorted against
 *       [max, min](p, q): ½(|.07 − .7| + |.03 − .3| + .9) = 0.9 at p 30 and 70, ½(.43 + .47 + .9) = 0.9 at p 50:
 *       0 of 12 pass, mean TVD 0.9;</li>
 *   <li>{@code tvd_renormalized} (the old default): red .7, blue .3 after removing " The": TVD 0 at p 30 / 70, 0.2 at
 *       p 50: 10 of 12 pass (p 50 only at r 20), mean 0.8 / 12;</li>
 *   <li>{@code sad_compat}: raw " The" is not "The", so the top two are " The" .9 and " red" .07 against [p, q] in
 *       stated order: 0.215 (p 70), ½(.6 + .63) = 0.615 (p 30), ½(.4 + .43) = 0.415 (p 50): 0 pass, mean 0.415.</li>
 * </ul>
 */
class ControlHedgingScorersTest {
  @TempDir Path dir;
  /** " The" with top-k " The" .9, " red" .07, " blue" .03. */
  static final String HEDGED = hedged();
  @RegisterExtension final ControlMockApi api = new ControlMockApi(HEDGED);

  private static String hedged() {
    String top = "{\"token\":\" The\",\"logprob\":" + Math.log(0.9) + "},{\"token\":\" red\",\"logprob\":"
        + Math.log(0.07) + "},{\"token\":\" blue\",\"logprob\":" + Math.log(0.03) + "}";
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\" The\"},\"finish_reason\":\"length\",\"logprobs\":{\"content\":"
        + "[{\"token\":\" The\",\"logprob\":" + Math.log(0.9) + ",\"top_logprobs\":[" + top + "]}]}}],"
        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":1,\"total_tokens\":51}}";
  }

  /** {passes, mean TVD} over the 12 items from output_control_simple_metrics.csv's overall row. */
  double[] overall(Path cfg, String scorer) throws Exception {
    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString(), "--set",
        "control.scorer=" + scorer), err.toString());
    String row = Files.readAllLines(dir.resolve("runs/hedge/output_control_simple_metrics.csv")).stream()
        .filter(l -> l.startsWith("api,all,all,")).findFirst().orElseThrow();
    String[] o = row.split(",");
    assertEquals(12, Integer.parseInt(o[3]));
    return new double[] {Integer.parseInt(o[4]), Double.parseDouble(o[8])};
  }

  @Test
  void hedgingMassCountsAgainstTheModelOnlyUnderTheDefault() throws Exception {
    Path cfg = api.config(dir, "hedge");
    double[] tvd = overall(cfg, "tvd");
    assertEquals(0, tvd[0]);
    assertEquals(0.9, tvd[1], 1e-9);
    double[] renorm = overall(cfg, "tvd_renormalized");
    assertEquals(10, renorm[0]);
    assertEquals(0.8 / 12, renorm[1], 1e-9);
    double[] sad = overall(cfg, "sad_compat");
    assertEquals(0, sad[0]);
    assertEquals((4 * 0.215 + 4 * 0.615 + 4 * 0.415) / 12, sad[1], 1e-9);
    String report = Files.readString(dir.resolve("runs/hedge/report.md"));
    org.junit.jupiter.api.Assertions.assertTrue(report.contains("Scorer: sad_compat"), report);
  }
}
