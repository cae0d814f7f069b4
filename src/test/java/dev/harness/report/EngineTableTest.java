package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTableTest {
  static final String ENV = "{\"java_version\":\"17\",\"cpus\":2}";
  static final EngineTable.Run LOCAL = new EngineTable.Run("base", "local", "m",
      "{\"kind\":\"local\",\"dtype\":\"float16\",\"details\":{\"architecture\":\"LlamaForCausalLM\",\"device\":\"gpu(0)\","
          + "\"libtorch\":\"2.5.1 cu124\"}}", ENV);
  static final EngineTable.Run HTTP = new EngineTable.Run("served", "openai", "srv",
      "{\"kind\":\"openai\",\"dtype\":null,\"details\":{\"hosts\":\"127.0.0.1:9\"}}", ENV);

  @Test
  void oneLocalRunKeepsItsDetailsInPlaceAndGainsDtype() {
    Markdown md = new Markdown();
    EngineTable.write(md, List.of(LOCAL));
    assertEquals("""
        ## Engine and environment

        | field | value |
        | --- | --- |
        | engine | local |
        | model | m |
        | dtype | float16 |
        | architecture | LlamaForCausalLM |
        | device | gpu(0) |
        | libtorch | 2.5.1 cu124 |
        | java_version | 17 |
        | cpus | 2 |
        """, md.toString());
  }

  @Test
  void anHttpEngineSaysWhatItCannotKnow() {
    assertEquals(List.of(
        List.of("engine", "openai"), List.of("model", "srv"),
        List.of("device", "not reported (HTTP server)"), List.of("dtype", "not reported (HTTP server)"),
        List.of("libtorch", "none in process (HTTP server)"), List.of("hosts", "127.0.0.1:9"),
        List.of("java_version", "17"), List.of("cpus", "2")), EngineTable.rows(List.of(HTTP)));
  }

  @Test
  void severalRunsGetAColumnEachAndADashWhereAFieldIsMissing() {
    Markdown md = new Markdown();
    EngineTable.write(md, List.of(LOCAL, HTTP));
    assertEquals("""
        ## Engine and environment

        | field | base | served |
        | --- | --- | --- |
        | engine | local | openai |
        | model | m | srv |
        | dtype | float16 | not reported (HTTP server) |
        | architecture | LlamaForCausalLM | — |
        | device | gpu(0) | not reported (HTTP server) |
        | libtorch | 2.5.1 cu124 | none in process (HTTP server) |
        | hosts | — | 127.0.0.1:9 |
        | java_version | 17 | 17 |
        | cpus | 2 | 2 |
        """, md.toString());
  }

  @Test
  void noRunIsAHeadingOnly() {
    Markdown md = new Markdown();
    EngineTable.write(md, List.of());
    assertEquals("## Engine and environment\n", md.toString());
  }
}
