package dev.harness.study.kv;

import dev.harness.store.StoreChain;
import java.util.List;

/**
 * The kv_transition study's store chain: its tables ({@link KvDataTables}, {@link KvAnalysisTables}) on top of the shared chain, scripts in
 * {@code study/kv/migrations/NNN__*.sql} (resources beside this class). Append a script to change the schema; never
 * edit one that has shipped.
 */
public final class KvSchema {
  private KvSchema() {}

  public static final StoreChain CHAIN = new StoreChain("kv_transition", KvSchema.class, "migrations",
      List.of("001__base.sql", "002__answer_logliks.sql"));
}
