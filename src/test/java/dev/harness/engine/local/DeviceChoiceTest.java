package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** Device choice against made-up libtorch builds, and what this process really loaded. */
class DeviceChoiceTest {
  static final DeviceChoice.Libtorch CPU_BUILD = new DeviceChoice.Libtorch("2.7.1", "cpu", 0);
  static final DeviceChoice.Libtorch CUDA_NO_GPU = new DeviceChoice.Libtorch("2.5.1", "cu124", 0);
  static final DeviceChoice.Libtorch CUDA_ONE_GPU = new DeviceChoice.Libtorch("2.5.1", "cu124", 1);

  @Test
  void autoPicksTheGpuOnlyWhenDjlSeesOne() {
    assertEquals(Device.cpu(), DeviceChoice.resolve("auto", CPU_BUILD));
    assertEquals(Device.cpu(), DeviceChoice.resolve("auto", CUDA_NO_GPU));
    assertEquals(Device.gpu(), DeviceChoice.resolve("auto", CUDA_ONE_GPU));
    assertEquals(Device.gpu(), DeviceChoice.resolve("gpu", CUDA_ONE_GPU));
    assertEquals(Device.cpu(), DeviceChoice.resolve("cpu", CUDA_ONE_GPU));
  }

  @Test
  void gpuWithoutOneIsOneLineNamingTheLibtorchAndTheFix() {
    IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("gpu", CPU_BUILD));
    assertEquals("device gpu asked for, but DJL finds no CUDA GPU (libtorch 2.7.1 cpu); build with mvn -Pcuda -DskipTests "
        + "package on a machine with an NVIDIA driver (docs/engines.md, GPU), or use device cpu", cpu.getMessage());
    IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("gpu", CUDA_NO_GPU));
    assertTrue(cuda.getMessage().startsWith("device gpu asked for, but DJL finds no CUDA GPU (libtorch 2.5.1 cu124); check the NVIDIA driver"),
        cuda.getMessage());
    assertTrue(!cuda.getMessage().contains("-Pcuda"), "a CUDA build is not told to build the CUDA build");
    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("tpu", CPU_BUILD));
  }

  @Test
  void flavorComesFromTheDirectoryDjlLoadedLibtorchFrom() {
    assertEquals("cpu", DeviceChoice.flavorOf("2.7.1-20250812-cpu-linux-x86_64", null));
    assertEquals("cu124", DeviceChoice.flavorOf("2.5.1-20241113-cu124-linux-x86_64", null));
    assertEquals("cu124", DeviceChoice.flavorOf("2.5.1-cu124-precxx11-linux-x86_64", "ignored"));
    assertEquals("cu121", DeviceChoice.flavorOf("libtorch", "cu121")); // PYTORCH_LIBRARY_PATH: a folder of any name
    assertEquals("unknown", DeviceChoice.flavorOf("libtorch", null));
  }

  @Test
  void thisProcessRunsTheDefaultBuildsCpuLibtorch() {
    DeviceChoice.Libtorch lib = DeviceChoice.libtorch();
    // the default build's pom pins pytorch-native-cpu 2.7.1 (the -Pcuda build would say 2.5.1 cu124)
    assertEquals("2.7.1", lib.version());
    assertEquals("cpu", lib.flavor());
    assertEquals("2.7.1 cpu", lib.label());
    assertEquals(0, lib.gpus());
  }
}
