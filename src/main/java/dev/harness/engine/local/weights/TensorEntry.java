package dev.harness.engine.local.weights;

import java.nio.file.Path;
import java.util.Arrays;

/** One tensor in a safetensors file: its dtype, shape, and absolute byte range in {@code file}. */
public record TensorEntry(String name, DType dtype, long[] shape, long start, long end, Path file) {

  public long elements() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public long byteSize() { return end - start; }

  public String shapeString() { return Arrays.toString(shape); }
}
