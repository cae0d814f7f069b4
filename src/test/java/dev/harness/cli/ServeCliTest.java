package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** serve's vLLM flags: bad values exit 2 with one line naming the flag, before (or instead of) serving. */
class ServeCliTest {
  static final Path LLAMA = Path.of("../shared/models/tiny-random-llama");

  @Test
  void badChatTemplateAndMaxModelLenExit2() {
    CliTest.Result t = CliTest.run("serve", "--model", LLAMA.toString(), "--chat-template", "/no/such/template.jinja", "--port", "0");
    assertEquals(2, t.code(), t.err());
    assertTrue(t.err().contains("--chat-template"), t.err());
    CliTest.Result z = CliTest.run("serve", "--model", LLAMA.toString(), "--max-model-len", "0", "--port", "0");
    assertEquals(2, z.code(), z.err());
    assertTrue(z.err().contains("--max-model-len"), z.err());
  }

  @Test
  void maxModelLenAboveTheCheckpointsExit2() {
    Assumptions.assumeTrue(Files.isDirectory(LLAMA), "SKIPPED: " + LLAMA.toAbsolutePath() + " is absent");
    CliTest.Result r = CliTest.run("serve", "--model", LLAMA.toString(), "--max-model-len", "999999", "--port", "0", "--device", "cpu");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("greater than the derived max_model_len"), r.err());
  }

  @Test
  void serveBenchRefusesOneClientCount() {
    CliTest.Result r = CliTest.run("serve-bench", "--model", LLAMA.toString(), "--clients", "8");
    assertEquals(2, r.code(), r.err());
  }
}
