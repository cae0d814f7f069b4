package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** Issue 14 item 4: three replicas, one down (a closed port): every unit is answered by the other two, none lost. */
class ReplicaDownTest extends EngineTestBase {

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aReplicaThatRefusesConnectionsIsSkippedAndNoUnitIsLost() throws Exception {
    MockWebServer second = another();
    for (int i = 0; i < 30; i++) {
      server.enqueue(ok(chatText("a", "stop")));
      second.enqueue(ok(chatText("b", "stop")));
    }
    String down = "http://127.0.0.1:" + closedPort() + "/v1";
    OpenAiEngine e = engine(settings().withBaseUrls(List.of(down, base(server), base(second))).withMaxRetries(0).withConcurrency(4));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Completion>> fs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      fs.add(pool.submit(() -> e.complete(new CompletionRequest(Prompt.text("q"), 1, 0.0, 1.0, null, List.of(), false, 0, null))));
    }
    Map<String, Integer> perReplica = new HashMap<>();
    int attempts = 0;
    for (Future<Completion> f : fs) {
      Completion c = f.get(); // throws if a unit was lost
      attempts += c.telemetry().attempts();
      perReplica.merge(c.text(), 1, Integer::sum);
    }
    pool.shutdown();
    assertEquals(30, attempts, "one counted attempt per unit: a refused connection is re-sent to another replica");
    assertEquals(30, server.getRequestCount() + second.getRequestCount());
    assertEquals(30, perReplica.get("a") + perReplica.get("b"));
    assertTrue(perReplica.get("a") >= 10 && perReplica.get("b") >= 10, "both live replicas share the load: " + perReplica);
  }

  @Test
  void aDownReplicaComesBackAfterItsCooldown() {
    AtomicLong now = new AtomicLong();
    ReplicaBalancer b = new ReplicaBalancer(List.of("http://a", "http://b"), now::get, Duration.ofSeconds(30));
    try (ReplicaBalancer.Lease l = b.acquire()) {
      assertEquals("http://a", l.url());
      l.markDown();
    }
    assertEquals(1, b.available());
    for (int i = 0; i < 3; i++) {
      try (ReplicaBalancer.Lease l = b.acquire()) {
        assertEquals("http://b", l.url(), "a is cooling down");
      }
    }
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertEquals(2, b.available());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (ReplicaBalancer.Lease l = b.acquire()) {
        seen.add(l.url());
      }
    }
    assertTrue(seen.contains("http://a"), "a back in rotation: " + seen);
  }

  @Test
  void allDownStillPicksOne() {
    AtomicLong now = new AtomicLong();
    ReplicaBalancer b = new ReplicaBalancer(List.of("http://a", "http://b"), now::get, Duration.ofSeconds(30));
    try (ReplicaBalancer.Lease l = b.acquire()) { l.markDown(); }
    now.addAndGet(1);
    try (ReplicaBalancer.Lease l = b.acquire()) { l.markDown(); }
    try (ReplicaBalancer.Lease l = b.acquire()) {
      assertEquals("http://a", l.url(), "the one back soonest");
    }
  }
}
