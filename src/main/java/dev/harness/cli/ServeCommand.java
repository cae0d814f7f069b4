package dev.harness.cli;

import dev.harness.HarnessException;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServerOptions;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
  @Option(names = "--threads", defaultValue = "4", description = "HTTP worker threads.") int threads;
  @Option(names = "--served-model-name", paramLabel = "NAME", description = "Model id clients use (default: --model).")
  String servedName;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) throw new HarnessException("--port: expected 0..65535, got " + port, 2);
    LocalEngine engine = model.open();
    var out = spec.commandLine().getOut();
    OpenAiServer server = new OpenAiServer(new LocalServedEngine(engine), servedName != null ? servedName : model.model, engine.tokenizer(),
        new ServerOptions(host, port, threads), spec.commandLine().getErr());
    try {
      server.start();
    } catch (IOException e) {
      engine.close();
      throw new HarnessException("serve: cannot listen on " + host + ":" + port + ": " + e.getMessage(), 1, e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      engine.close();
      stopped.countDown();
    }));
    out.println("serving " + server.modelId() + " at " + server.baseUrl() + " (Ctrl-C to stop)");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
