package dev.harness.engine.serve;

/**
 * Where and how an {@link OpenAiServer} listens: {@code host} (null or blank → 127.0.0.1), {@code port} (0 = an
 * ephemeral port, see {@link OpenAiServer#port()}), and {@code threads} handling requests: requests in flight at most
 * (started lazily); concurrent requests to one engine are batched ({@link EngineBatcher}), so more threads than
 * concurrent clients lets all of them share a batch.
 */
public record ServerOptions(String host, int port, int threads) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_THREADS = 32;

  public ServerOptions {
    host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
  }

  /** 127.0.0.1 on {@code port}, {@value #DEFAULT_THREADS} threads. */
  public static ServerOptions localhost(int port) { return new ServerOptions(DEFAULT_HOST, port, DEFAULT_THREADS); }

  /** 127.0.0.1 on an ephemeral port (tests). */
  public static ServerOptions ephemeral() { return localhost(0); }
}
