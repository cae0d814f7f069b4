package dev.harness.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * One SQLite file: WAL journal, foreign keys on, forward migrations in chains (see {@link StoreSchema}): the shared
 * chain and the chain of the study the file belongs to, each chain's version in {@code schema_versions}. One
 * connection; every method of the table classes is synchronized on the store, so worker threads can record results
 * concurrently.
 */
public final class Store implements AutoCloseable {
  private final Path file;
  private final Connection connection;

  private Store(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (creating if absent) the store of a study, bringing the shared chain and {@code study}'s chain (declared by
   * the study's package, e.g. {@code study.kv.KvSchema.CHAIN}; {@link StoreSchema#FINETUNE} for a training run's
   * store) to their latest versions. No other study's tables are created.
   */
  public static Store open(Path file, StoreChain study) {
    if (StoreSchema.SHARED.equals(study.name())) {
      throw new IllegalArgumentException("the shared chain is applied to every store; open a study's chain");
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA synchronous=NORMAL");
      }
      Store store = new Store(file, c);
      try {
        store.migrate(study);
      } catch (RuntimeException | SQLException e) {
        c.close();
        throw e;
      }
      return store;
    } catch (SQLException | IOException e) {
      throw new StoreException(file + ": cannot open the store: " + e.getMessage(), e);
    }
  }

  public Path file() { return file; }

  /** {@code PRAGMA user_version}: {@link StoreSchema#CHAINED_LAYOUT} once the file is in the per-chain layout. */
  public synchronized int userVersion() {
    try (Statement s = connection.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw new StoreException(file + ": cannot read the schema version: " + e.getMessage(), e);
    }
  }

  /** The version each chain of this file reached (chain name -> version), in name order. */
  public synchronized java.util.SortedMap<String, Integer> chainVersions() {
    var m = new java.util.TreeMap<String, Integer>();
    try (Statement s = connection.createStatement()) {
      try (var t = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'")) {
        if (!t.next()) return m;
      }
      try (var rs = s.executeQuery("SELECT chain, version FROM schema_versions")) {
        while (rs.next()) m.put(rs.getString(1), rs.getInt(2));
      }
      return m;
    } catch (SQLException e) {
      throw new StoreException(file + ": cannot read the schema versions: " + e.getMessage(), e);
    }
  }

  private void migrate(StoreChain study) throws SQLException {
    int userVersion = userVersion();
    if (userVersion != 0 && userVersion != StoreSchema.CHAINED_LAYOUT && userVersion > StoreSchema.LEGACY_LATEST) {
      throw new StoreException(file + ": schema version " + userVersion + " is unknown to this harness (legacy 1.."
          + StoreSchema.LEGACY_LATEST + " or " + StoreSchema.CHAINED_LAYOUT + "); use a newer harness", null);
    }
    if (userVersion != StoreSchema.CHAINED_LAYOUT) {
      // a fresh file (0) or a legacy single-chain file (1..8): record what it holds, run nothing of the legacy chain
      var recorded = StoreSchema.legacyVersions(userVersion);
      transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS schema_versions (chain TEXT PRIMARY KEY, version INTEGER NOT NULL)");
          for (var e : recorded.entrySet()) {
            s.execute("INSERT INTO schema_versions(chain, version) VALUES ('" + e.getKey() + "', " + e.getValue()
                + ")");
          }
          s.execute("PRAGMA user_version = " + StoreSchema.CHAINED_LAYOUT);
        }
      });
    }
    for (StoreChain ch : List.of(StoreSchema.SHARED_CHAIN, study)) {
      String chain = ch.name();
      int latest = ch.latest();
      int version = chainVersions().getOrDefault(chain, 0);
      if (version > latest) {
        throw new StoreException(file + ": " + chain + " schema version " + version + " is newer than this harness"
            + " knows (" + latest + "); use a newer harness", null);
      }
      for (int v = version; v < latest; v++) {
        String sql = ch.script(v);
        int target = v + 1;
        transaction(c -> {
          try (Statement s = c.createStatement()) {
            for (String stmt : splitStatements(sql)) s.execute(stmt);
          }
          try (var ps = c.prepareStatement("INSERT INTO schema_versions(chain, version) VALUES (?, ?)"
              + " ON CONFLICT(chain) DO UPDATE SET version = excluded.version")) {
            ps.setString(1, chain);
            ps.setInt(2, target);
            ps.executeUpdate();
          }
        });
      }
    }
  }

  static List<String> splitStatements(String sql) {
    StringBuilder clean = new StringBuilder();
    for (String line : sql.split("\n")) {
      int dash = line.indexOf("--");
      clean.append(dash >= 0 ? line.substring(0, dash) : line).append('\n');
    }
    return java.util.Arrays.stream(clean.toString().split(";"))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Work done inside one transaction: all of it is committed, or none. */
  @FunctionalInterface
  public interface SqlWork {
    void run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  public interface SqlQuery<T> {
    T run(Connection c) throws SQLException;
  }

  public synchronized void transaction(SqlWork work) {
    try {
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(file + ": write failed: " + e.getMessage(), e);
    }
  }

  public synchronized <T> T query(SqlQuery<T> q) {
    try {
      return q.run(connection);
    } catch (SQLException e) {
      throw new StoreException(file + ": query failed: " + e.getMessage(), e);
    }
  }

  public static String now() { return Instant.now().toString(); }

  @Override
  public synchronized void close() {
    try {
      if (!connection.isClosed()) {
        try (Statement s = connection.createStatement()) {
          s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException ignored) {
          // a checkpoint is an optimisation; the WAL stays consistent without it
        }
        connection.close();
      }
    } catch (SQLException e) {
      throw new StoreException(file + ": close failed: " + e.getMessage(), e);
    }
  }
}
