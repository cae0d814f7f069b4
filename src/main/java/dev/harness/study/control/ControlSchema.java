package dev.harness.study.control;

import dev.harness.store.StoreChain;
import java.util.List;

/**
 * The output_control study's store chain: its tables ({@link ControlTables}) on top of the shared chain, scripts in
 * {@code study/control/migrations/NNN__*.sql} (resources beside this class). Append a script to change the schema; never
 * edit one that has shipped.
 */
public final class ControlSchema {
  private ControlSchema() {}

  public static final StoreChain CHAIN = new StoreChain("output_control", ControlSchema.class, "migrations",
      List.of("001__output_control.sql"));
}
