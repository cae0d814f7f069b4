package dev.harness.engine.local;

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
 * Every tensor on the engine's device, checked on the sources (a CPU-only machine has one device, so a tensor put on
 * the wrong one cannot be seen at run time here). DJL puts a tensor where its NDManager lives; so every base manager
 * must be made on a device chosen by {@link DeviceChoice}, sub-managers must inherit it, and nothing may name a device
 * or move an array itself. {@code NDManager.newBaseManager()} with no argument is the default device, which is the GPU
 * on a CUDA machine even under {@code --device cpu}, and a CPU tensor under {@code --device gpu} when hard-coded.
 */
class DeviceThreadingTest {
  static final Path MAIN = Path.of("src/main/java");

  /** What may not appear in main sources outside DeviceChoice, and why. */
  static final List<Rule> RULES = List.of(
      new Rule(Pattern.compile("\\bDevice\\s*\\.\\s*(cpu|gpu|of|fromName)\\s*\\("), "names a device (use DeviceChoice.resolve or the engine's device())"),
      new Rule(Pattern.compile("newBaseManager\\s*\\(\\s*\\)"), "makes a base manager on DJL's default device"),
      new Rule(Pattern.compile("newSubManager\\s*\\(\\s*[^)\\s]"), "makes a sub-manager on another device"),
      new Rule(Pattern.compile("\\.toDevice\\s*\\("), "moves an array between devices"),
      new Rule(Pattern.compile("getDefaultDevice|defaultDevice\\s*\\("), "reads DJL's default device"));

  record Rule(Pattern pattern, String why) {}

  static List<String> violations(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        if (f.getFileName().toString().equals("DeviceChoice.java")) continue;
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) continue;
          for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(line);
            if (m.find()) out.add(root.relativize(f) + ":" + (i + 1) + ": " + r.why() + ": " + line);
          }
        }
      }
    }
    return out;
  }

  @Test
  void noMainSourceNamesADeviceOrUsesTheDefaultOne() throws IOException {
    assertTrue(Files.isDirectory(MAIN), "run from the project root");
    List<String> v = violations(MAIN);
    assertEquals(List.of(), v, String.join("\n", v));
  }

  @Test
  void theRulesCatchWhatTheyAreFor(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("x"));
    Files.writeString(src.resolve("Bad.java"), String.join("\n",
        "class Bad {",
        "  // Device.cpu() in a comment is fine",
        "  void a() { try (var m = NDManager.newBaseManager()) {} }",
        "  void b() { var m = NDManager.newBaseManager(Device.cpu()); }",
        "  void c(NDArray x) { x.toDevice(dev, false); }",
        "  void d(NDManager r) { r.newSubManager(Device.gpu(1)); }",
        "  void ok(NDManager r, ai.djl.Device d) { NDManager.newBaseManager(d); r.newSubManager(); }",
        "}"));
    List<String> v = violations(tmp);
    // line 3: default-device manager; 4: names a device; 5: toDevice; 6: names a device + sub-manager elsewhere
    assertEquals(5, v.size(), String.join("\n", v));
    assertTrue(v.get(0).contains("Bad.java:3: makes a base manager on DJL's default device"), v.get(0));
    assertTrue(v.stream().noneMatch(s -> s.contains(":2:") || s.contains(":7:")), String.join("\n", v));
  }
}
