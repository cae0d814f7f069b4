package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.config.ConfigLoader;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The five phase fingerprints of each shipped sanity config over an empty store, through {@link PhaseRunner}'s own
 * path: a refactor of the studies' phase inputs must leave them byte-identical (a changed fingerprint re-runs every
 * stored phase). Values measured on main at 6560410.
 */
class PhaseFingerprintGoldenTest {
  private static final Env ENV = new Env(Map.of("BASE_URL", "http://127.0.0.1:9/v1/", "MODEL_NAME", "m"), Map.of());

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "sanity.yaml                | b0e4328d49a97d95,c5bfa209c547c433,258f46b2a861f5e1,da18cc613a2cf1af,88f3ff39550866d2",
      "kl_demo.yaml               | eff6148771d68866,b9814b524a7955d4,deab378376a89137,26e54a4ce3679fa0,80f8d942b15a229a",
      "output_control_sanity.yaml | c8e6046fc8fa81b1,0138f5fb78dde76f,54da59b4b568ce5b,2c8c37a8534dc2a4,fb12fe2490c9408b",
      "mc_eval_sanity.yaml        | 603409ea3410aaa8,44d246a6ed82fcc8,bb0384bd5af5de96,c44a812426ad85f4,80c75e102f8b4087"})
  void fingerprintsAreUnchanged(String file, String expected, @TempDir Path dir) {
    Path config = Path.of("config/experiments", file);
    ExperimentConfig cfg = StudyRegistry.loadConfig(config, List.of(), ENV);
    Study study = StudyRegistry.forName(cfg.study(), config.toString());
    PrintWriter sink = new PrintWriter(new StringWriter());
    try (Store store = Store.open(dir.resolve(cfg.study() + ".sqlite"), StudyRegistry.storeChain(cfg.study()))) {
      StudyContext ctx = new StudyContext(cfg, config.toString(), dir, dir.resolve("data"), store,
          new DefaultEngineFactory(ENV), ENV, sink, sink, false);
      assertEquals(expected, String.join(",", PhaseRunner.fingerprints(study, ctx).values()), file);
    }
  }
}
