package dev.harness;

/** The harness version, recorded with every run. */
public final class HarnessVersion {
  public static final String VERSION = "0.1.0";

  private HarnessVersion() {}
}
