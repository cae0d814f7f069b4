package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.local.DeviceChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--device gpu` without a GPU fails first with one line; generate/logprobs --json name the device and libtorch. */
class DeviceReportingTest {
  static final Path GPT2 = Path.of("../shared/models/tiny-random-gpt2");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static void assumeNoGpu() {
    Assumptions.assumeTrue(DeviceChoice.libtorch().gpus() == 0, "SKIPPED: DJL sees a GPU here");
  }

  @Test
  void deviceGpuWithoutOneExits2BeforeTheModelIsRead() throws Exception {
    assumeNoGpu();
    // a model directory that would fail on its own (exit 1, "config.json"): the device error must come first
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(broken.resolve("config.json"), "{not json");
    for (String cmd : new String[] {"generate", "logprobs"}) {
      CliTest.Result r = cmd.equals("generate")
          ? CliTest.run("generate", "--model", broken.toString(), "--prompt", "hi", "--device", "gpu")
          : CliTest.run("logprobs", "--model", broken.toString(), "--ids", "1,2", "--device", "gpu");
      assertEquals(2, r.code(), cmd + ": " + r.err());
      String first = r.err().lines().findFirst().orElse("");
      assertTrue(first.contains("--device: device gpu asked for, but DJL finds no CUDA GPU (libtorch 2.7.1 cpu); build with mvn -Pcuda"),
          cmd + ": " + r.err());
      assertTrue(!r.err().contains("config.json"), "the model directory was not read: " + r.err());
    }
  }

  @Test
  void generateAndLogprobsJsonNameDeviceAndLibtorch() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GPT2), "SKIPPED: " + GPT2.toAbsolutePath() + " is absent");
    assumeNoGpu();
    CliTest.Result g = CliTest.run("generate", "--model", GPT2.toString(), "--prompt", "Once", "--max-tokens", "2",
        "--device", "auto", "--json");
    assertEquals(0, g.code(), g.err());
    JsonNode ge = JSON.readTree(g.out()).get("engine");
    assertEquals("cpu()", ge.get("device").asText());
    assertEquals("2.7.1 cpu", ge.get("libtorch").asText());
    assertEquals("float32", ge.get("dtype").asText());
    CliTest.Result l = CliTest.run("logprobs", "--model", GPT2.toString(), "--ids", "1,2,3", "--dtype", "float16", "--json");
    assertEquals(0, l.code(), l.err());
    JsonNode doc = JSON.readTree(l.out());
    assertEquals("cpu()", doc.get("engine").get("device").asText());
    assertEquals("2.7.1 cpu", doc.get("engine").get("libtorch").asText());
    assertEquals("float16", doc.get("engine").get("dtype").asText());
    assertEquals(3, doc.get("positions").size(), "DESIGN §9's keys are unchanged");
  }
}
