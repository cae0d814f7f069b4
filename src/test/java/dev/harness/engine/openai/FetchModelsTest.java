package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class FetchModelsTest extends EngineTestBase {

  @Test
  void listsModelIds() throws Exception {
    server.enqueue(ok("{'object':'list','data':[{'id':'Qwen/Qwen2.5-0.5B-Instruct','object':'model'},{'id':'other','object':'model'}]}"));
    assertEquals(List.of("Qwen/Qwen2.5-0.5B-Instruct", "other"), OpenAiEngine.fetchModels(settings()));
    RecordedRequest r = server.takeRequest();
    assertEquals("GET", r.getMethod());
    assertEquals("/v1/models", r.getUrl().encodedPath());
    assertEquals("Bearer " + KEY, r.getHeaders().get("Authorization"));
  }

  @Test
  void errorStatusIsAnEngineException() {
    server.enqueue(status(404, "{'error':{'message':'not found'}}"));
    EngineException e = assertThrows(EngineException.class, () -> OpenAiEngine.fetchModels(settings()));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(404, e.httpStatus());
  }
}
