package dev.harness.study.kv;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A scripted OpenAI-compatible chat server for end-to-end tests: the behaviour for a request is chosen by a tag in
 * the question ("[ok]", "[429]", "[500once]", "[timeout]", "[empty]", "[length]", "[garbage]", "[refuse]").
 */
final class ScriptedOpenAiServer extends Dispatcher {
  final Map<String, AtomicInteger> hitsByTag = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> hitsByBody = new ConcurrentHashMap<>();
  final AtomicInteger total = new AtomicInteger();
  volatile long slowAfter = Long.MAX_VALUE;
  volatile long slowMillis = 0;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    int n = total.incrementAndGet();
    hitsByBody.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
    if (n > slowAfter) {
      try {
        Thread.sleep(slowMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String tag = tag(body);
    int hit = hitsByTag.computeIfAbsent(tag + budget(body), t -> new AtomicInteger()).incrementAndGet();
    return switch (tag) {
      case "[429]" -> new MockResponse.Builder().code(429).addHeader("Retry-After", "0")
          .body("{\"error\":{\"message\":\"Rate limit reached for requests\"}}").build();
      case "[500once]" -> hit == 1
          ? new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"upstream overloaded\"}}").build()
          : answer("Mara", "stop");
      case "[timeout]" -> new MockResponse.Builder().code(200).headersDelay(3, java.util.concurrent.TimeUnit.SECONDS)
          .body(chat("late", "stop")).build();
      case "[empty]" -> answer("   ", "stop");
      case "[length]" -> answer("the key was found by a very long winding", "length");
      case "[garbage]" -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body("{not json").build();
      case "[refuse]" -> answer("I'm sorry, but I cannot help with that.", "stop");
      default -> answer("Mara", "stop");
    };
  }

  private static String tag(String body) {
    for (String t : new String[] {"[429]", "[500once]", "[timeout]", "[empty]", "[length]", "[garbage]", "[refuse]"}) {
      if (body.contains(t)) return t;
    }
    return "[ok]";
  }

  private static String budget(String body) {
    int i = body.indexOf("\"max_cache_tokens\"");
    return i < 0 ? "" : body.substring(i, Math.min(body.length(), i + 30));
  }

  private static MockResponse answer(String text, String finish) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(chat(text, finish)).build();
  }

  static String chat(String text, String finish) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"finish_reason\":\"" + finish + "\"}],"
        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":3,\"total_tokens\":53}}";
  }

  /**
   * Writes {@code dir/d.jsonl}: n QA records r0..r(n-1), "Who found the key number i?", a context of 5 + 3i repeats of
   * "Mara found the key. " (so the lengths differ), answer "Mara".
   */
  static java.nio.file.Path writeKeyDataset(java.nio.file.Path dir, int n) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"_id\":\"r").append(i).append("\",\"input\":\"Who found the key number ").append(i)
          .append("?\",\"context\":\"").append("Mara found the key. ".repeat(5 + 3 * i))
          .append("\",\"answers\":[\"Mara\"]}\n");
    }
    java.nio.file.Path data = dir.resolve("d.jsonl");
    java.nio.file.Files.writeString(data, sb.toString());
    return data;
  }
}
