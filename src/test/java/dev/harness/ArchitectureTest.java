package dev.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The forbidden package edges of docs/architecture.md, checked on the sources: {@code metrics} and {@code stats} are
 * pure (no engine types), so they can be tested and reused without an engine; {@code config} and {@code store} do not
 * see the study packages that build on them. A reference is an import or a fully
 * qualified name in code ({@code dev.harness.engine.X}); comments are skipped.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/harness");
  private static final Pattern ENGINE_REF = Pattern.compile("\\bdev\\.harness\\.engine\\b");
  private static final Pattern STUDY_REF = Pattern.compile("\\bdev\\.harness\\.study\\b");

  @Test
  void metricsAndStatsDoNotReferenceEngine() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String pkg : List.of("metrics", "stats")) {
      offenders.addAll(referencing(MAIN.resolve(pkg), ENGINE_REF));
    }
    assertEquals(List.of(), offenders, "metrics/stats must not depend on dev.harness.engine");
  }

  /**
   * A study's package holds its config section, checks, tables and migrations; {@code config} and {@code store} hold
   * only what every study shares, so they never name a study package (the loader and the store are handed a study's
   * parts through {@code config.StudyBinding} and {@code store.StoreChain}).
   */
  @Test
  void configAndStoreDoNotReferenceTheStudies() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String pkg : List.of("config", "store")) {
      offenders.addAll(referencing(MAIN.resolve(pkg), STUDY_REF));
    }
    assertEquals(List.of(), offenders, "config/store must not depend on dev.harness.study");
  }

  @Test
  void theCheckSeesAReference() {
    // the scanner itself must find an import and a qualified name, and ignore comments
    assertTrue(codeReferences("package x;\nimport dev.harness.engine.ErrorKind;\n", ENGINE_REF));
    assertTrue(codeReferences("class A { Object k = dev.harness.engine.ErrorKind.TIMEOUT; }", ENGINE_REF));
    assertTrue(!codeReferences("/** see {@link dev.harness.engine.ErrorKind} */ class A {}\n// dev.harness.engine\n",
        ENGINE_REF));
    assertTrue(!codeReferences("import dev.harness.engineering.X;", ENGINE_REF));
  }

  static List<String> referencing(Path dir, Pattern p) throws IOException {
    List<String> out = new ArrayList<>();
    assertTrue(Files.isDirectory(dir), dir + " is missing");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
        if (codeReferences(Files.readString(f), p)) out.add(f.toString());
      }
    }
    return out;
  }

  static boolean codeReferences(String source, Pattern p) {
    String code = source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    Matcher m = p.matcher(code);
    return m.find();
  }
}
