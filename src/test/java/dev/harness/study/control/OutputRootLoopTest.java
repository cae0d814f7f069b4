package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.store.StoreSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's output-control research loop, with the repository's own configs, under {@code --set output.root=<tmp>}
 * (issue 12 item 4): {@code prepare -c config/experiments/output_control.yaml} writes the training split under tmp,
 * {@code finetune -c config/finetune/tvd_control.yaml} reads it from there and writes its adapter there, and
 * {@code all} on the study loads that adapter ({@code ${output.root}} references, docs/config.md). Nothing is
 * written in the working directory (every file outside {@code target/} and {@code .git} keeps its size and mtime,
 * and none appears).
 */
class OutputRootLoopTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final String STUDY = "config/experiments/output_control.yaml";
  static final String FINETUNE = "config/finetune/tvd_control.yaml";
  @TempDir Path tmp;

  @Test
  void theLoopWritesOnlyUnderTheOutputRootAndTheStudyLoadsTheAdapterFinetuneWroteThere() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    Path root = tmp.resolve("out");
    Map<String, String> before = snapshot(Path.of(""));
    String rootSet = "output.root=" + root;
    List<String> small = List.of("--set", rootSet, "--set", "grid.ps=[30,70]", "--set", "grid.rs=[20]",
        "--set", "grid.n_pairs=2", "--set", "grid.n_seeds=1", "--set", "grid.variants=[plain]",
        "--set", "grid.train_pairs=2", "--set", "analysis.bootstrap_iters=200");

    StringWriter err = new StringWriter();
    assertEquals(0, cli(err, "prepare", "-c", STUDY, small), err.toString());
    Path split = root.resolve("output_control_v1/control_train.jsonl");
    assertEquals(4, Files.readAllLines(split).size(), "2 training pairs x 2 p x 1 r x 1 variant, under the root");

    assertEquals(0, cli(err, "finetune", "-c", FINETUNE, List.of("--set", rootSet, "--set", "train.max_steps=2",
        "--set", "train.lr=0.01", "--set", "train.eval_split=0.0", "--set", "train.save_every=0")), err.toString());
    Path adapter = root.resolve("adapters/tvd_control");
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")), err.toString());
    try (Store s = Store.open(adapter.resolve("finetune.sqlite"), StoreSchema.FINETUNE)) {
      String cfg = one(s, "SELECT config_json FROM train_runs");
      assertTrue(cfg.contains(split.toString()), "finetune read the split prepare wrote under the root: " + cfg);
    }

    assertEquals(0, cli(err, "all", "-c", STUDY, small), err.toString());
    Path runDir = root.resolve("output_control_v1");
    assertTrue(Files.isRegularFile(runDir.resolve("report.md")));
    try (Store s = Store.open(runDir.resolve("output_control.sqlite"), ControlSchema.CHAIN)) {
      String snapshot = one(s, "SELECT config_json FROM runs WHERE variant = 'tvd_adapter'");
      assertTrue(snapshot.contains("\"adapter\":\"" + adapter + "\""), "the study loads the adapter under the root: " + snapshot);
      Map<String, String> base = new HashMap<>();
      List<ControlTables.ResponseRow> rows = new ControlTables(s).responses();
      for (ControlTables.ResponseRow r : rows) if (r.engineVariant().equals("base")) base.put(r.itemId(), r.distributionJson());
      long differ = rows.stream().filter(r -> r.engineVariant().equals("tvd_adapter"))
          .filter(r -> !r.distributionJson().equals(base.get(r.itemId()))).count();
      assertTrue(differ > 0, "the trained adapter (B != 0 after 2 steps) moves the distributions");
    }
    assertEquals(before, snapshot(Path.of("")), "nothing written in the working directory");
  }

  static int cli(StringWriter err, String command, String flag, String file, List<String> sets) {
    List<String> args = new ArrayList<>(List.of(command, flag, file));
    args.addAll(sets);
    return ControlEndToEndTest.run(new StringWriter(), err, args.toArray(String[]::new));
  }

  static String one(Store s, String sql) throws Exception {
    return s.query(c -> {
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        assertTrue(rs.next(), sql);
        return rs.getString(1);
      }
    });
  }

  /** Every file under dir except target/ and .git: path → size and mtime. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir.toAbsolutePath())) {
      s.filter(p -> {
        Path rel = dir.toAbsolutePath().relativize(p);
        return !rel.startsWith("target") && !rel.startsWith(".git") && Files.isRegularFile(p);
      }).forEach(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          m.put(p.toString(), a.size() + "@" + a.lastModifiedTime());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    return m;
  }
}
