package dev.harness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  @Test
  void nanIsStoredAsNullAndReadBackAsNanOrNull() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE t(k INTEGER, x REAL, n INTEGER)");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
        ps.setInt(1, 1);
        Columns.setReal(ps, 2, Double.NaN);
        ps.setNull(3, java.sql.Types.INTEGER);
        ps.executeUpdate();
        ps.setInt(1, 2);
        Columns.setReal(ps, 2, 0.25);
        ps.setLong(3, 7);
        ps.executeUpdate();
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x, n, x IS NULL FROM t ORDER BY k")) {
        rs.next();
        assertTrue(rs.getBoolean(3), "NaN must be stored as NULL");
        assertTrue(Double.isNaN(Columns.real(rs, 1)));
        assertNull(Columns.doubleOrNull(rs, 1));
        assertNull(Columns.intOrNull(rs, 2));
        assertNull(Columns.longOrNull(rs, 2));
        rs.next();
        assertEquals(0.25, Columns.real(rs, 1));
        assertEquals(0.25, Columns.doubleOrNull(rs, 1));
        assertEquals(7, Columns.intOrNull(rs, 2));
        assertEquals(7L, Columns.longOrNull(rs, 2));
      }
    }
  }
}
