package dev.switchyard.node;

import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The two journal databases the tests run on. H2 needs nothing; PostgreSQL is the server on 127.0.0.1:5432
 * (user postgres, database test). Each PostgreSQL test run gets its own schema and drops it afterwards. With
 * CI=true a missing PostgreSQL fails the test; elsewhere the test is skipped with the reason.
 */
public enum TestDatabases {
  H2,
  POSTGRES;

  public static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  /** Settings for one node on this database: overlay name and overrides. */
  public record Target(String overlay, Config overrides, String schema) {}

  public Target prepare(Path dataDir) {
    Config common = ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.gateway.port", 0,
        "switch.data-dir", dataDir.toString(),
        "switch.deadlines.sweep-interval", "200ms"));
    if (this == H2) {
      return new Target("local", common, "");
    }
    requirePostgres();
    String schema = "switch_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Config pg = ConfigFactory.parseMap(Map.of(
        // No currentSchema in the URL: the node must put every pool in switch.database.schema by itself.
        "switch.database.url", PG_URL,
        "switch.database.schema", schema));
    return new Target("postgres", pg.withFallback(common), schema);
  }

  /**
   * A pool of {@code size} on a fresh database with the switch's schema, migrated as a node migrates it: in-memory
   * H2, or a new PostgreSQL schema, whose name goes to {@code schemaCreated} for the test to drop.
   */
  public com.zaxxer.hikari.HikariDataSource migratedPool(Path dataDir, String name, int size,
      java.util.function.Consumer<String> schemaCreated) {
    dev.switchyard.persistence.DatabaseSettings settings;
    if (this == H2) {
      settings = new dev.switchyard.persistence.DatabaseSettings(
          dev.switchyard.persistence.DatabaseSettings.Vendor.H2,
          "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", "", size);
    } else {
      Target target = prepare(dataDir);
      schemaCreated.accept(target.schema());
      settings = dev.switchyard.persistence.DatabaseSettings.create(
          SwitchNode.loadConfig(target.overlay(), target.overrides()));
    }
    dev.switchyard.persistence.Databases.migrate(settings);
    return dev.switchyard.persistence.Databases.pool(settings, name);
  }

  public static void dropSchema(String schema) {
    if (schema.isEmpty()) {
      return;
    }
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop test schema " + schema, e);
    }
  }

  public static void requirePostgres() {
    DriverManager.setLoginTimeout(3);
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.isValid(2);
    } catch (SQLException e) {
      String reason = "PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres, database test): " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(reason);
      }
      Assumptions.assumeTrue(false, reason);
    }
  }
}
