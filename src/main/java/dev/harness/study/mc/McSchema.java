package dev.harness.study.mc;

import dev.harness.store.StoreChain;
import java.util.List;

/**
 * The mc_eval study's store chain: its tables ({@link McTables}) on top of the shared chain, scripts in
 * {@code study/mc/migrations/NNN__*.sql} (resources beside this class). Append a script to change the schema; never
 * edit one that has shipped.
 */
public final class McSchema {
  private McSchema() {}

  public static final StoreChain CHAIN = new StoreChain("mc_eval", McSchema.class, "migrations",
      List.of("001__mc_eval.sql", "002__mc_failures.sql"));
}
