package dev.harness.engine.openai;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;

/**
 * What one HTTP call did with its connection: whether it took one from the pool (no connect of its own). Attached to
 * the request as a tag; {@link #FACTORY} hands each call its own trace. With {@link #stale}, {@link HttpCaller} tells
 * a dead pooled connection (the server closed it while idle: HTTP/1.0 close-after-response, uvicorn's 5 s idle close)
 * from a real failure.
 */
final class ConnectionTrace extends EventListener {
  static final EventListener.Factory FACTORY = call -> {
    ConnectionTrace t = call.request().tag(ConnectionTrace.class);
    return t == null ? EventListener.NONE : t;
  };

  private volatile boolean connected;
  private volatile boolean acquired;

  @Override
  public void connectStart(Call call, InetSocketAddress address, Proxy proxy) { connected = true; }

  @Override
  public void connectionAcquired(Call call, Connection connection) { acquired = true; }

  /** The call ran on a connection taken from the pool, not one it opened. */
  boolean reusedPooled() { return acquired && !connected; }

  /**
   * True when {@code f} is a transport failure (not a timeout) with no response status, on a pooled connection: the
   * request never reached a live server, so re-sending it costs the server nothing.
   */
  boolean stale(HttpFailure f) {
    return f != null && reusedPooled() && f.status() == null && f.cause() instanceof IOException
        && !(f.cause() instanceof InterruptedIOException);
  }
}
