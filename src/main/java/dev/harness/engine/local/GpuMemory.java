package dev.harness.engine.local;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

/**
 * GPU memory as DJL can report it. DJL (0.33–0.35) exposes no PyTorch caching-allocator statistics (no
 * max_memory_allocated), so an allocator peak is always "unavailable"; what it does expose is the device-wide memory
 * in use (cudaMemGetInfo: total − free, other processes and the allocator's cached blocks included), read here on a
 * GPU only. Never a made-up 0: null means unavailable.
 */
public final class GpuMemory {
  private GpuMemory() {}

  /** Device-wide GPU memory in use in bytes, or null (a CPU device, or CUDA not answering). */
  public static Long inUseBytes(Device device) {
    if (device == null || !Device.Type.GPU.equals(device.getDeviceType())) return null;
    try {
      return CudaUtils.getGpuMemory(device).getCommitted();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** Why {@link #inUseBytes} is null for {@code device}, for reports. */
  public static String unavailableBecause(Device device) {
    return device != null && Device.Type.GPU.equals(device.getDeviceType()) ? "CUDA did not answer cudaMemGetInfo"
        : "no GPU (device " + device + ")";
  }
}
