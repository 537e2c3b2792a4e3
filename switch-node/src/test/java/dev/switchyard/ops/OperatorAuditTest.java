package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.node.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The operators' audit log on both databases: rows are added and read back, and never changed or removed. */
class OperatorAuditTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void rowsAreOnlyEverAdded(TestDatabases database) throws Exception {
    String[] schema = {""};
    try (HikariDataSource pool = database.migratedPool(dir, "audit", 2, s -> schema[0] = s)) {
      OperatorAudit audit = new OperatorAudit(pool, ForkJoinPool.commonPool());
      OperatorAudit.Entry asked = new OperatorAudit.Entry(0, Instant.parse("2026-12-02T10:00:00Z"), "node-1",
          "olga", "operator", "10.0.0.7", "POST", "/risk/rules", "rules = []", "ab".repeat(32), 0, "requested",
          null);
      long first = audit.append(asked).toCompletableFuture().join();
      long second = audit.append(new OperatorAudit.Entry(0, asked.at().plusMillis(5), "node-1", "olga", "operator",
          "10.0.0.7", "POST", "/risk/rules", "", "ab".repeat(32), 200, "{\"version\":3}", first))
          .toCompletableFuture().join();
      assertThat(second).isGreaterThan(first);

      List<OperatorAudit.Entry> rows = audit.recent(10, Long.MAX_VALUE).toCompletableFuture().join();
      assertThat(rows).extracting(OperatorAudit.Entry::id).containsExactly(second, first);
      assertThat(rows.get(1)).isEqualTo(new OperatorAudit.Entry(first, asked.at(), "node-1", "olga", "operator",
          "10.0.0.7", "POST", "/risk/rules", "rules = []", "ab".repeat(32), 0, "requested", null));
      assertThat(rows.get(0).answers()).isEqualTo(first);
      assertThat(audit.recent(10, second).toCompletableFuture().join()).extracting(OperatorAudit.Entry::id)
          .containsExactly(first);

      List<String> changes = new java.util.ArrayList<>(List.of(
          "UPDATE operator_audit SET operator = 'someone-else' WHERE id = " + first,
          "DELETE FROM operator_audit WHERE id = " + first,
          "DELETE FROM operator_audit"));
      if (database == TestDatabases.POSTGRES) {
        changes.add("TRUNCATE operator_audit");
      }
      for (String change : changes) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
          assertThatThrownBy(() -> s.executeUpdate(change)).as(change).isInstanceOf(SQLException.class)
              .hasMessageContaining("append-only");
          c.rollback();
        }
      }
      assertThat(audit.recent(10, Long.MAX_VALUE).toCompletableFuture().join()).hasSize(2)
          .extracting(OperatorAudit.Entry::operator).containsOnly("olga");
    } finally {
      TestDatabases.dropSchema(schema[0]);
    }
  }
}
