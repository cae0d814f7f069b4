package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Python's json.dumps(indent=2, ensure_ascii=False), str(float) and lm-eval's hash_string, as printed by CPython 3. */
class PyJsonTest {

  @Test
  void floatsPrintAsPythonStr() {
    assertEquals("-12.5", PyJson.str(-12.5));
    assertEquals("1e-05", PyJson.str(1e-5));
    assertEquals("0.0001", PyJson.str(1e-4));
    assertEquals("-3.25e-07", PyJson.str(-3.25e-7));
    assertEquals("1e+16", PyJson.str(1e16));
    assertEquals("123456789.0", PyJson.str(123456789.0));
    assertEquals("0.1", PyJson.str(0.1));
    assertEquals("-0.0", PyJson.str(-0.0));
    assertEquals("-inf", PyJson.str(Double.NEGATIVE_INFINITY));
    assertEquals(-17.123456789012345, Double.parseDouble(PyJson.str(-17.123456789012345)), 0, "round trip");
  }

  @Test
  void dumpsWithIndentTwo() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("question", "Où \"est\"\n?");
    doc.put("choices", Map.of("text", List.of("a", "é")));
    doc.put("empty", List.of());
    doc.put("n", 3);
    // json.dumps(doc, indent=2, ensure_ascii=False)
    assertEquals("{\n  \"question\": \"Où \\\"est\\\"\\n?\",\n  \"choices\": {\n    \"text\": [\n      \"a\",\n"
        + "      \"é\"\n    ]\n  },\n  \"empty\": [],\n  \"n\": 3\n}", PyJson.dumps(doc, 2));
    // hashlib.sha256("0".encode("utf-8")).hexdigest()
    assertEquals("5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9", dev.harness.study.Json.sha256("0"));
  }
}
