package dev.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Studies reach engines through {@code dev.harness.engine} and its capability interfaces ({@code Engine.as}), never
 * through the concrete in-process class: no main source outside {@code engine.local} and {@code cli} names
 * {@code LocalEngine} in code (comments are skipped), except the files of {@link #ALLOWED}, each with its reason. No
 * file anywhere outside those two packages tests or casts to it ({@code instanceof LocalEngine},
 * {@code (LocalEngine)}), allow-listed or not.
 */
class LocalEngineBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/dev/harness");
  private static final Pattern NAME = Pattern.compile("\\bLocalEngine\\b");
  private static final Pattern CAST = Pattern.compile("instanceof\\s+(dev\\.harness\\.engine\\.local\\.)?LocalEngine\\b"
      + "|\\(\\s*(dev\\.harness\\.engine\\.local\\.)?LocalEngine\\s*\\)\\s*[\\w(]");

  /** Main sources (relative to {@link #MAIN}) that may name LocalEngine, and why. */
  static final Map<String, String> ALLOWED = Map.of(
      "study/LocalEngines.java", "builds a LocalEngine from config sections (engines never depend on config, so the "
          + "config → LocalOptions mapping lives in study)",
      "study/SharedLocalBases.java", "loads one base per model and hands variants adapter views of it "
          + "(LocalEngine.withAdapter): engine construction, not use",
      "bench/Bench.java", "harness bench measures the in-process engine itself (prefill, decode, NF4, kv) against "
          + "the machine's limits; an HTTP engine has no such numbers",
      "bench/BenchStage.java", "harness bench: the stage context holds the engine under measurement",
      "bench/EngineProbe.java", "harness bench: prefill and decode speed fed token ids directly",
      "bench/KvBenchStage.java", "harness bench: kv policies' cost on the in-process engine",
      "bench/McBenchStage.java", "harness bench: mc scoring paths' cost on the in-process engine",
      "bench/Nf4BenchStage.java", "harness bench: NF4 load and speed of the in-process engine");

  @Test
  void onlyEngineLocalCliAndTheAllowListNameLocalEngine() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Map.Entry<String, String> f : sources().entrySet()) {
      if (exempt(f.getKey()) || ALLOWED.containsKey(f.getKey())) continue;
      if (NAME.matcher(code(f.getValue())).find()) offenders.add(f.getKey());
    }
    assertEquals(List.of(), offenders, "ask Engine.as(<capability>) instead of naming LocalEngine (or add the file to"
        + " ALLOWED with a reason)");
  }

  @Test
  void nothingOutsideEngineLocalAndCliTestsForOrCastsToLocalEngine() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Map.Entry<String, String> f : sources().entrySet()) {
      if (!exempt(f.getKey()) && CAST.matcher(code(f.getValue())).find()) offenders.add(f.getKey());
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theAllowListHasNoStaleEntries() throws IOException {
    Map<String, String> src = sources();
    for (String f : ALLOWED.keySet()) {
      assertTrue(src.containsKey(f), f + " is allow-listed but missing");
      assertTrue(NAME.matcher(code(src.get(f))).find(), f + " is allow-listed but no longer names LocalEngine");
    }
  }

  @Test
  void theScannerSeesWhatItLooksFor() {
    assertTrue(NAME.matcher(code("import dev.harness.engine.local.LocalEngine;")).find());
    assertFalse(NAME.matcher(code("import dev.harness.study.LocalEngines;")).find());
    assertFalse(NAME.matcher(code("/** {@link LocalEngine#score} */ class A {}\n// LocalEngine\n")).find());
    assertTrue(CAST.matcher("if (engine instanceof LocalEngine local) {").find());
    assertTrue(CAST.matcher("x = ((LocalEngine) engine).promptIds(p);").find());
    assertTrue(CAST.matcher("return (dev.harness.engine.local.LocalEngine) open(e);").find());
    assertFalse(CAST.matcher("static LocalEngine open(EngineConfig e) {").find());
    assertFalse(CAST.matcher("try (LocalEngine engine = model.open()) {").find());
  }

  private static boolean exempt(String rel) { return rel.startsWith("engine/local/") || rel.startsWith("cli/"); }

  private static String code(String source) {
    return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
  }

  private static Map<String, String> sources() throws IOException {
    Map<String, String> out = new TreeMap<>();
    assertTrue(Files.isDirectory(MAIN), MAIN + " is missing");
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
        out.put(MAIN.relativize(f).toString().replace('\\', '/'), Files.readString(f));
      }
    }
    return out;
  }
}
