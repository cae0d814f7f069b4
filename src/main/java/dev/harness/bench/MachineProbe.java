package dev.harness.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Measures {@link MachineLimits} with DJL: matmul and matrix-vector rates, copy and read bandwidth. */
public final class MachineProbe {
  /** Problem sizes: the bench uses 2048 / 4096 / 256 MiB; tests use small ones. */
  public record Sizes(int matmulN, int matvecN, long streamBytes, int reps) {
    public static Sizes full() { return new Sizes(2048, 4096, 256L << 20, 7); }

    public static Sizes small() { return new Sizes(128, 256, 1L << 20, 3); }
  }

  private final Device device;
  private final DataType type;
  private final Sizes sizes;

  public MachineProbe(Device device, DataType type, Sizes sizes) {
    this.device = device;
    this.type = type;
    this.sizes = sizes;
  }

  public MachineLimits measure() {
    try (NDManager m = NDManager.newBaseManager(device)) {
      int n = sizes.matmulN();
      double mm = matmulSeconds(m, new Shape(n, n), n);
      int v = sizes.matvecN();
      double mv = matmulSeconds(m, new Shape(1, v), v);
      long elems = sizes.streamBytes() / type.getNumOfBytes();
      long bytes = elems * type.getNumOfBytes();
      double copy;
      double read;
      try (NDManager s = m.newSubManager()) {
        NDArray src = s.randomUniform(-1, 1, new Shape(elems), DataType.FLOAT32).toType(type, false);
        NDArray dst = s.zeros(new Shape(elems), type);
        NDIndex all = new NDIndex(":");
        copy = Stats.medianSeconds(2, sizes.reps() * 2, () -> dst.set(all, src));
        read = Stats.medianSeconds(2, sizes.reps() * 2, () -> {
          try (NDManager t = s.newSubManager()) {
            NDArray sum = src.sum();
            sum.attach(t);
            sum.getFloat();
          }
        });
      }
      return new MachineLimits(n, 2.0 * n * n * n / mm / 1e9, v, 2.0 * v * v / mv / 1e9,
          (double) v * v * type.getNumOfBytes() / mv / 1e9, bytes, 2.0 * bytes / copy / 1e9, bytes / read / 1e9);
    }
  }

  /** Median seconds of x [rows, n] × w [n, n]. */
  private double matmulSeconds(NDManager m, Shape xShape, int n) {
    try (NDManager s = m.newSubManager()) {
      NDArray x = s.randomNormal(0, 1, xShape, DataType.FLOAT32).toType(type, false);
      NDArray w = s.randomNormal(0, 0.02f, new Shape(n, n), DataType.FLOAT32).toType(type, false);
      int reps = xShape.get(0) == 1 ? sizes.reps() * 5 : sizes.reps();
      return Stats.medianSeconds(2, reps, () -> {
        try (NDManager t = s.newSubManager()) {
          NDArray y = x.matMul(w);
          y.attach(t);
          if (device.isGpu()) y.sum().getFloat(); // wait for the kernel
        }
      });
    }
  }
}
