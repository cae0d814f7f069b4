package dev.harness.study.kl;

import dev.harness.store.StoreChain;
import java.util.List;

/**
 * The kl study's store chain: its tables ({@link KlTables}) on top of the shared chain, scripts in
 * {@code study/kl/migrations/NNN__*.sql} (resources beside this class). Append a script to change the schema; never
 * edit one that has shipped.
 */
public final class KlSchema {
  private KlSchema() {}

  public static final StoreChain CHAIN = new StoreChain("kl", KlSchema.class, "migrations",
      List.of("001__kl.sql", "002__run_identity.sql"));
}
