package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.issuer.iso.StanBlocks;
import dev.switchyard.node.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** STAN blocks reserved in the database: never the same STAN twice on a day, across nodes and restarts. */
class StanBlocksTest {

  private static final LocalDate DAY = LocalDate.of(2026, 12, 1);

  @TempDir Path dataDir;
  private final List<String> schemas = new ArrayList<>();
  private final List<HikariDataSource> pools = new ArrayList<>();

  private HikariDataSource database(TestDatabases vendor) {
    HikariDataSource pool = vendor.migratedPool(dataDir, "stans-test", 4, schemas::add);
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void close() {
    pools.forEach(HikariDataSource::close);
    schemas.forEach(TestDatabases::dropSchema);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void twoNodesReservingAtOnceGetDisjointBlocksAndARestartContinuesAfterThem(TestDatabases vendor)
      throws Exception {
    HikariDataSource db = database(vendor);
    StanBlocks nodeA = new JdbcStanBlocks(db);
    StanBlocks nodeB = new JdbcStanBlocks(db);
    ConcurrentLinkedQueue<Integer> firsts = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> nodes = new ArrayList<>();
    for (StanBlocks node : List.of(nodeA, nodeB)) {
      nodes.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 40; i++) {
          firsts.add(node.reserve("issuer-a", DAY, 1_000));
        }
      }));
    }
    CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).join();
    Set<Integer> sorted = new TreeSet<>(firsts);
    assertThat(sorted).as("80 blocks, none reserved twice").hasSize(80);
    int expected = 1;
    for (int first : sorted) {
      assertThat(first).as("blocks of 1,000 back to back, none overlapping").isEqualTo(expected);
      expected += 1_000;
    }
    StanBlocks restarted = new JdbcStanBlocks(db);
    assertThat(restarted.reserve("issuer-a", DAY, 1_000)).as("after a restart").isEqualTo(80_001);
    assertThat(restarted.reserve("issuer-b", DAY, 1_000)).as("another route has its own").isEqualTo(1);
    assertThat(restarted.reserve("issuer-a", DAY.plusDays(1), 1_000)).as("a new day starts again").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void aDaysStansStartAgainAtOneWhenUsedUpAndOldDaysAreDropped(TestDatabases vendor) throws Exception {
    HikariDataSource db = database(vendor);
    StanBlocks node = new JdbcStanBlocks(db);
    node.reserve("issuer-a", DAY.minusDays(10), 1_000);
    assertThat(node.reserve("issuer-a", DAY, 1_000)).isEqualTo(1);
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "UPDATE issuer_stan SET next_stan = 999500 WHERE route = 'issuer-a' AND stan_day = ?")) {
      s.setObject(1, DAY);
      assertThat(s.executeUpdate()).isEqualTo(1);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    assertThat(node.reserve("issuer-a", DAY, 500)).as("the last 500 of the day").isEqualTo(999_500);
    assertThat(node.reserve("issuer-a", DAY, 1_000)).as("then from 1 again").isEqualTo(1);
    assertThat(node.reserve("issuer-a", DAY, 1_000)).isEqualTo(1_001);
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM issuer_stan WHERE route = 'issuer-a'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the day of ten days ago is gone").isEqualTo(1);
    }
  }
}
