package dev.harness.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * One SQLite file: WAL journal, foreign keys on, schema version in {@code PRAGMA user_version} with forward
 * migrations ({@code V<n>__*.sql} resources). One connection; every method of the table classes is synchronized on
 * the store, so worker threads can record results concurrently.
 */
public final class Store implements AutoCloseable {
  /** Migrations in order; index i holds the script that brings the schema to version i + 1. */
  static final List<String> MIGRATIONS = List.of("V1__base.sql", "V2__answer_logliks.sql",
      "V3__kl.sql", "V4__output_control.sql", "V5__mc_eval.sql", "V6__finetune.sql",
      "V7__run_identity.sql", "V8__mc_failures.sql");

  private final Path file;
  private final Connection connection;

  private Store(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  public static Store open(Path file) {
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
      store.migrate();
      return store;
    } catch (SQLException | IOException e) {
      throw new StoreException(file + ": cannot open the store: " + e.getMessage(), e);
    }
  }

  public static int latestVersion() { return MIGRATIONS.size(); }

  public Path file() { return file; }

  public synchronized int schemaVersion() {
    try (Statement s = connection.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw new StoreException(file + ": cannot read the schema version: " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    int version = schemaVersion();
    if (version > MIGRATIONS.size()) {
      throw new StoreException(file + ": schema version " + version + " is newer than this harness knows ("
          + MIGRATIONS.size() + "); use a newer harness", null);
    }
    for (int v = version; v < MIGRATIONS.size(); v++) {
      String sql = resource(MIGRATIONS.get(v));
      int target = v + 1;
      transaction(c -> {
        try (Statement s = c.createStatement()) {
          for (String stmt : splitStatements(sql)) s.execute(stmt);
          s.execute("PRAGMA user_version = " + target);
        }
      });
    }
  }

  private static String resource(String name) {
    try (InputStream in = Store.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing migration resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
