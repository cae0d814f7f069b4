package dev.harness.engine.local.lora;

import dev.harness.engine.local.weights.CheckpointException;

/**
 * A LoRA adapter that cannot be read or applied (reported like any checkpoint that cannot be loaded); the message is
 * one line naming the file and the field or module.
 */
public class LoraException extends CheckpointException {
  public LoraException(String message) { super(message); }
}
