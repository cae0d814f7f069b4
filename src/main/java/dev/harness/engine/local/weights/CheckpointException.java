package dev.harness.engine.local.weights;

import java.nio.file.Path;

/**
 * A model directory that cannot be loaded: a corrupt or truncated safetensors file, a header that lies about sizes,
 * a missing tensor, a shape that disagrees with config.json, an unknown architecture. The message is one line that
 * names the file (and the tensor when there is one).
 */
public class CheckpointException extends RuntimeException {

  public CheckpointException(String message) { super(message); }

  public CheckpointException(String message, Throwable cause) { super(message, cause); }

  public static CheckpointException of(Path file, String what) { return new CheckpointException(file + ": " + what); }

  public static CheckpointException of(Path file, String tensor, String what) {
    return new CheckpointException(file + ": tensor '" + tensor + "': " + what);
  }
}
