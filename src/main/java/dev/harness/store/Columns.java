package dev.harness.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Nullable column values for the table classes: SQL NULL as Java null, or as NaN for REAL columns. */
public final class Columns {
  private Columns() {}

  /** Binds a REAL column; NaN is stored as NULL. */
  public static void setReal(PreparedStatement ps, int i, double v) throws SQLException {
    if (Double.isNaN(v)) ps.setNull(i, Types.REAL);
    else ps.setDouble(i, v);
  }

  /** Reads a REAL column; NULL reads as NaN (the inverse of {@link #setReal}). */
  public static double real(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? Double.NaN : v;
  }

  public static Integer intOrNull(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }

  public static Long longOrNull(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  public static Double doubleOrNull(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }
}
