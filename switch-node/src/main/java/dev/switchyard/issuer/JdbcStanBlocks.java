package dev.switchyard.issuer;

import dev.switchyard.issuer.iso.StanBlocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STAN blocks reserved in the node's database (table {@code issuer_stan}, one row per route and UTC day), so that
 * the links of every node to a route, before and after restarts, never send the same STAN on the same day until
 * its 999,999 are used up; then the route's STANs start again at 1 (logged).
 */
public final class JdbcStanBlocks implements StanBlocks {

  private static final Logger log = LoggerFactory.getLogger(JdbcStanBlocks.class);

  private final DataSource dataSource;

  public JdbcStanBlocks(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public int reserve(String route, LocalDate day, int count) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          int first = reserve(c, route, day, count);
          c.commit();
          return first;
        } catch (SQLException e) {
          c.rollback();
          // Two nodes creating the day's row at once: one insert loses on the key, and reads the winner's row.
          if (attempt >= 3) {
            throw e;
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("STANs of route " + route + " could not be reserved: " + e.getMessage(), e);
      }
    }
  }

  private static int reserve(Connection c, String route, LocalDate day, int count) throws SQLException {
    Integer next = null;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT next_stan FROM issuer_stan WHERE route = ? AND stan_day = ? FOR UPDATE")) {
      s.setString(1, route);
      s.setObject(2, day);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          next = rs.getInt(1);
        }
      }
    }
    int first = next == null ? 1 : next;
    if (first + count - 1 > MAX) {
      log.warn("Issuer route {}: the {} STANs of {} are used up; they start again at 1", route, MAX, day);
      first = 1;
    }
    if (next == null) {
      // A new day: the route's rows of past weeks are of no use any more.
      try (PreparedStatement s = c.prepareStatement("DELETE FROM issuer_stan WHERE route = ? AND stan_day < ?")) {
        s.setString(1, route);
        s.setObject(2, day.minusDays(7));
        s.executeUpdate();
      }
    }
    String sql = next == null
        ? "INSERT INTO issuer_stan (next_stan, route, stan_day) VALUES (?, ?, ?)"
        : "UPDATE issuer_stan SET next_stan = ? WHERE route = ? AND stan_day = ?";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, first + count);
      s.setString(2, route);
      s.setObject(3, day);
      s.executeUpdate();
    }
    return first;
  }
}
