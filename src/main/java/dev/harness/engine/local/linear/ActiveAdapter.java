package dev.harness.engine.local.linear;

/** The adapter a model's LoRA projections apply on the current forward pass (null: the base model). */
public final class ActiveAdapter {
  private volatile String name;

  public String get() { return name; }

  public void set(String name) { this.name = name; }
}
