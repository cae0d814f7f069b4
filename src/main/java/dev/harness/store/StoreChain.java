package dev.harness.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One migration chain of the store: its name (the key in {@code schema_versions}) and its scripts in order, resources
 * {@code <dir>/NNN__*.sql} next to {@code anchor}'s package. The shared chain is {@link StoreSchema#SHARED_CHAIN}; a
 * study declares its own chain in its package ({@code study.kv.KvSchema}), with its scripts beside it.
 */
public record StoreChain(String name, Class<?> anchor, String dir, List<String> scripts) {
  public StoreChain {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a store chain needs a name");
    scripts = List.copyOf(scripts);
  }

  /** The version the chain reaches once every script ran. */
  public int latest() { return scripts.size(); }

  /** The resource path of script {@code index} (0-based; it brings the chain to version index + 1). */
  public String resource(int index) { return dir + "/" + scripts.get(index); }

  /** The text of script {@code index}. */
  String script(int index) {
    String name = resource(index);
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing migration resource " + name + " next to " + anchor.getName());
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
