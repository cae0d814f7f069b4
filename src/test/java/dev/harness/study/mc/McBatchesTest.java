package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How run groups requests: whole documents (one shared context) per batch when they fit, in order. */
class McBatchesTest {
  static List<McRun.Request> doc(String task, int id, int choices) {
    List<McRun.Request> l = new ArrayList<>();
    for (int c = 0; c < choices; c++) l.add(new McRun.Request(task, id, c, "ctx" + id, " c" + c, "h"));
    return l;
  }

  static List<String> shape(List<List<McRun.Request>> batches) {
    return batches.stream().map(b -> String.join(",", b.stream().map(r -> r.docId() + ":" + r.choice()).toList())).toList();
  }

  @Test
  void documentsStayTogetherWhenTheyFit() {
    List<McRun.Request> all = new ArrayList<>();
    all.addAll(doc("arc_easy", 0, 4));
    all.addAll(doc("arc_easy", 1, 3));
    all.addAll(doc("arc_easy", 2, 4));
    all.addAll(doc("truthfulqa_mc2", 0, 10));
    assertEquals(List.of("0:0,0:1,0:2,0:3,1:0,1:1,1:2", "2:0,2:1,2:2,2:3", "0:0,0:1,0:2,0:3,0:4,0:5,0:6,0:7",
        "0:8,0:9"), shape(McRun.batches(all, 8)));
    assertEquals(all.size(), McRun.batches(all, 1).size());
    assertEquals(List.of("0:0,0:1,0:2,0:3"), shape(McRun.batches(doc("arc_easy", 0, 4), 4)));
  }
}
