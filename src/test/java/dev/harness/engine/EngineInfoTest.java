package dev.harness.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineInfoTest {
  @Test
  void detailsKeepTheirOrderAndCannotBeChanged() {
    Map<String, String> d = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add("k" + (19 - i));
      d.put("k" + (19 - i), Integer.toString(i));
    }
    EngineInfo info = new EngineInfo("local", "m", null, "float32", null, Set.of(), d);
    assertEquals(keys, new ArrayList<>(info.details().keySet()), "the report's engine table lists details in this order");
    assertThrows(UnsupportedOperationException.class, () -> info.details().put("x", "y"));
    d.put("late", "1");
    assertEquals(20, info.details().size(), "a copy, not a view");
  }
}
