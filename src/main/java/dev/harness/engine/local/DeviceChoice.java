package dev.harness.engine.local;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place a {@link Device} is chosen: {@code cpu}, {@code gpu} (an error without a CUDA GPU) or {@code auto}
 * (GPU when DJL finds one). Every NDManager of the local engine, the bench and finetune descends from a base manager
 * made on the device returned here (DeviceThreadingTest checks that no other class names a device).
 */
public final class DeviceChoice {
  private DeviceChoice() {}

  /** The libtorch DJL loaded: its version ("2.7.1"), flavor ("cpu", "cu124") and the CUDA GPUs it sees. */
  public record Libtorch(String version, String flavor, int gpus) {
    /** "2.7.1 cpu". */
    public String label() { return version + " " + flavor; }

    public boolean cuda() { return flavor.startsWith("cu"); }
  }

  private static volatile Libtorch current;

  /** What DJL loaded in this process (loads the engine on first call). */
  public static Libtorch libtorch() {
    Libtorch l = current;
    if (l == null) {
      Engine e = Engine.getInstance();
      l = new Libtorch(e.getVersion(), flavor(), e.getGpuCount());
      current = l;
    }
    return l;
  }

  /** The device for {@code choice} in this process. Throws IllegalArgumentException with one line for gpu without one. */
  public static Device resolve(String choice) { return resolve(choice, libtorch()); }

  /** As {@link #resolve(String)} against a given libtorch (tests pass a made-up one). */
  static Device resolve(String choice, Libtorch lib) {
    return switch (choice) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (lib.gpus() == 0) throw new IllegalArgumentException(noGpu(lib));
        yield Device.gpu();
      }
      case "auto" -> lib.gpus() > 0 ? Device.gpu() : Device.cpu();
      default -> throw new IllegalArgumentException("device must be auto, cpu or gpu, got " + choice);
    };
  }

  /**
   * Whether {@code choice} (auto, cpu or gpu) means a CUDA device in this process, without failing for gpu on a
   * machine without one (opening the engine does that): what {@code dtype: auto} resolves against. Loads DJL only for
   * auto.
   */
  public static boolean cuda(String choice) {
    return switch (choice) {
      case "gpu" -> true;
      case "auto" -> libtorch().gpus() > 0;
      default -> false;
    };
  }

  /** The one line for {@code gpu} without a GPU: what DJL loaded and what to do about it. */
  static String noGpu(Libtorch lib) {
    String head = "device gpu asked for, but DJL finds no CUDA GPU (libtorch " + lib.label() + "); ";
    if (lib.cuda()) return head + "check the NVIDIA driver (nvidia-smi) and CUDA_VISIBLE_DEVICES, or use device cpu";
    return head + "build with mvn -Pcuda -DskipTests package on a machine with an NVIDIA driver (docs/engines.md, GPU), or use device cpu";
  }

  private static final Pattern CACHE_DIR = Pattern.compile(".*-(cpu|cu\\d+)(-precxx11)?-(linux|osx|win)-[^-]+$");

  /**
   * The flavor of the libtorch DJL loaded: from the name of the directory it was loaded from
   * ({@code ~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64}, ai.djl.pytorch.jni.LibUtils#getLibtorchPath), else
   * $PYTORCH_FLAVOR (set with PYTORCH_LIBRARY_PATH), else "unknown". Not PyTorch (another DJL engine): its name.
   */
  static String flavor() {
    Engine e = Engine.getInstance();
    if (!"PyTorch".equals(e.getEngineName())) return e.getEngineName();
    try {
      return flavorOf(Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath()).getFileName().toString(),
          System.getenv("PYTORCH_FLAVOR"));
    } catch (RuntimeException ex) {
      return "unknown";
    }
  }

  static String flavorOf(String libtorchDirName, String envFlavor) {
    Matcher m = CACHE_DIR.matcher(libtorchDirName);
    if (m.matches()) return m.group(1);
    return envFlavor != null && !envFlavor.isBlank() ? envFlavor : "unknown";
  }
}
