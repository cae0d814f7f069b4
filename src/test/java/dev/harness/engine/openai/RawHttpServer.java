package dev.harness.engine.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A loopback-only HTTP server on a raw {@link ServerSocket}, for connection-level faults MockWebServer cannot show:
 * <ul>
 *   <li>{@link Mode#CLOSE_AFTER_RESPONSE}: like Python's {@code http.server} (HTTP/1.0): answers one request per
 *       connection, then closes; a request the client writes on that connection afterwards is never read.
 *   <li>{@link Mode#KEEP_ALIVE}: HTTP/1.1 keep-alive with an idle close after {@code idleCloseMs} (uvicorn closes idle
 *       connections after 5 s).
 *   <li>{@link Mode#DROP_REUSED}: answers the first request on a connection; the second one is read in full (and its
 *       arrival recorded), then the connection is closed without an answer, like a server that dies mid-request.
 *       The client sees a dead pooled connection, yet the server did see the request.
 * </ul>
 * {@code respond.apply(n)} gives the raw response (status line, headers, body) of the n-th request (0-based) read in
 * full. Arrival times (System.nanoTime at the end of each request) are recorded.
 */
final class RawHttpServer implements AutoCloseable {
  enum Mode { CLOSE_AFTER_RESPONSE, KEEP_ALIVE, DROP_REUSED }

  private final ServerSocket socket;
  private final Mode mode;
  private final int idleCloseMs;
  private final IntFunction<String> respond;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  RawHttpServer(Mode mode, int idleCloseMs, IntFunction<String> respond) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.mode = mode;
    this.idleCloseMs = idleCloseMs;
    this.respond = respond;
    this.acceptor = new Thread(this::acceptLoop, "raw-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String baseUrl() { return "http://127.0.0.1:" + socket.getLocalPort() + "/v1"; }

  static String json(int status, String reason, String extraHeaders, String body, String version) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return version + " " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n"
        + extraHeaders + "\r\n" + body;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "raw-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int served = 0; served < 10_000 && !closed; served++) {
        if (mode != Mode.CLOSE_AFTER_RESPONSE && served > 0) s.setSoTimeout(idleCloseMs);
        String head;
        try {
          head = readHead(in);
        } catch (SocketTimeoutException idle) {
          return; // idle close
        }
        if (head == null) return;
        if (mode == Mode.CLOSE_AFTER_RESPONSE && served > 0) return; // already decided to close: never read
        s.setSoTimeout(5000);
        int len = contentLength(head);
        in.readNBytes(len);
        int n = requests.getAndIncrement();
        arrivals.add(System.nanoTime());
        if (mode == Mode.DROP_REUSED && served > 0) return; // read, never answered
        out.write(respond.apply(n).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException ignored) {
      // client went away
    }
  }

  /** The request line and headers, or null at end of stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    for (int i = 0; i < 65_536; i++) {
      int c = in.read();
      if (c < 0) return null;
      buf.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) return buf.toString(StandardCharsets.ISO_8859_1);
    }
    throw new IOException("request head too long");
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).strip());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    for (Socket s : open) s.close();
  }
}
