package dev.harness.cli;

import dev.harness.HarnessException;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.local.tokenizer.ChatTemplate;
import dev.harness.engine.serve.ServerOptions;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code harness serve}: the local engine as an OpenAI-compatible server (chat, completions, logprobs, echo, KV
 * policy and budget as the extra request fields {@code kv_policy}, {@code kv_budget}, {@code kv_params},
 * {@code kv_query_aware}). Runs until interrupted (Ctrl-C).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the local engine as an OpenAI-compatible API (/v1/models, /v1/chat/completions, /v1/completions).")
final class ServeCommand implements Callable<Integer> {
  @Mixin LocalModelOptions model;
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}).") String host;
  @Option(names = "--port", defaultValue = "8000", description = "Port (0 = any free port; default ${DEFAULT-VALUE}).") int port;
  @Option(names = "--threads", defaultValue = "32",
      description = "HTTP worker threads = requests in flight at most; concurrent ones are batched through the engine (default ${DEFAULT-VALUE}).")
  int threads;
  @Option(names = "--served-model-name", paramLabel = "NAME", description = "Model id clients use (default: --model).")
  String servedName;
  @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' (else 401), as vLLM's --api-key.")
  String apiKey;
  @Option(names = "--max-logprobs", defaultValue = "20", description = "Largest logprobs / top_logprobs a request may ask (default ${DEFAULT-VALUE}).")
  int maxLogprobs;
  @Option(names = "--chat-template", paramLabel = "FILE",
      description = "Jinja chat template for /v1/chat/completions (a file, or the template itself), as vLLM's --chat-template;"
          + " without it a checkpoint with no chat_template gets vLLM's 400 on chat.")
  String chatTemplate;
  @Option(names = "--max-model-len", paramLabel = "N",
      description = "Context window in tokens (prompt + completion), at most the checkpoint's; longer requests get a 400 (vLLM's flag).")
  Integer maxModelLen;
  @Option(names = "--lora-modules", paramLabel = "NAME=DIR",
      description = "Also serve PEFT adapter DIR as model NAME on the same loaded weights (repeatable; requests pick it with \"model\": NAME).")
  List<String> loraModules = List.of();

  /** NAME=DIR pairs, checked before anything loads. */
  private Map<String, Path> loraModules() {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String spec : loraModules) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) throw HarnessException.usage("--lora-modules: expected NAME=DIR, got '" + spec + "'");
      String name = spec.substring(0, eq);
      if (out.containsKey(name)) throw HarnessException.usage("--lora-modules: name '" + name + "' is used twice");
      out.put(name, dev.harness.study.LocalEngines.adapterDir(spec.substring(eq + 1), "command line", "--lora-modules " + name));
    }
    return out;
  }

  /** --chat-template as vLLM reads it (chat_utils.py load_chat_template): a file's text, or the argument when it is a template. */
  private String chatTemplateSource() {
    if (chatTemplate == null) return null;
    Path p = chatTemplatePath();
    if (Files.isRegularFile(p)) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw HarnessException.usage("--chat-template: cannot read " + p + ": " + e.getMessage());
      }
    }
    if (chatTemplate.contains("{{") || chatTemplate.contains("{%")) return chatTemplate;
    throw HarnessException.usage("--chat-template: " + chatTemplate + " is neither a file nor a Jinja template");
  }

  private Path chatTemplatePath() {
    try {
      return Path.of(chatTemplate);
    } catch (java.nio.file.InvalidPathException e) {
      return Path.of("chat-template");
    }
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) throw HarnessException.usage("--port: expected 0..65535, got " + port);
    Map<String, Path> loras = loraModules();
    String templateSource = chatTemplateSource();
    if (maxModelLen != null && maxModelLen < 1) throw HarnessException.usage("--max-model-len: expected >= 1, got " + maxModelLen);
    LocalEngine engine = model.open();
    String baseId = servedName != null ? servedName : model.model;
    Map<String, LocalEngine> views = new LinkedHashMap<>();
    views.put(baseId, engine);
    try {
      for (Map.Entry<String, Path> l : loras.entrySet()) {
        if (views.containsKey(l.getKey())) throw HarnessException.usage("--lora-modules: name '" + l.getKey() + "' is used twice");
        views.put(l.getKey(), engine.withAdapter(engine.addAdapter(l.getKey(), l.getValue())));
      }
    } catch (dev.harness.engine.local.weights.CheckpointException e) {
      views.values().forEach(LocalEngine::close);
      throw HarnessException.failure(e.getMessage(), e);
    } catch (RuntimeException e) {
      views.values().forEach(LocalEngine::close);
      throw e;
    }
    var out = spec.commandLine().getOut();
    Map<String, dev.harness.engine.Engine> served = new LinkedHashMap<>();
    ChatTemplate template = templateSource == null ? null
        : new ChatTemplate(templateSource, chatTemplatePath(), engine.hfTokenizer().specialTokens());
    views.forEach((id, v) -> served.put(id, new LocalServedEngine(v, template)));
    OpenAiServer server = new OpenAiServer(served, engine.tokenizer(), new ServerOptions(host, port, threads), spec.commandLine().getErr())
        .apiKey(apiKey);
    if (maxLogprobs < 0) throw HarnessException.usage("--max-logprobs: expected >= 0, got " + maxLogprobs);
    server.maxLogprobs(maxLogprobs);
    if (maxModelLen != null) {
      try {
        server.maxModelLen(maxModelLen);
      } catch (IllegalArgumentException e) {
        views.values().forEach(LocalEngine::close);
        throw HarnessException.usage("--max-model-len: " + e.getMessage());
      }
    }
    try {
      server.start();
    } catch (IOException e) {
      views.values().forEach(LocalEngine::close);
      throw HarnessException.failure("serve: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      views.values().forEach(LocalEngine::close);
      stopped.countDown();
    }));
    out.println("serving " + String.join(", ", views.keySet()) + " at " + server.baseUrl() + " (Ctrl-C to stop)");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
