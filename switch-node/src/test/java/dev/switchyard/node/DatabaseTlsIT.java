package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchyard.persistence.DatabaseSettings;
import dev.switchyard.persistence.Databases;
import org.junit.jupiter.api.Test;

/**
 * The database TLS settings reach the driver: against this machine's PostgreSQL, which serves no TLS, a pool that
 * requires it gets no connection and says why, and one that does not connects.
 */
class DatabaseTlsIT {

  @Test
  void aPoolThatRequiresTlsRefusesAServerWithoutIt() throws Exception {
    TestDatabases.requirePostgres();
    DatabaseSettings required = new DatabaseSettings(DatabaseSettings.Vendor.POSTGRESQL, TestDatabases.PG_URL,
        "postgres", "", "", 1, "require", "");
    assertThatThrownBy(() -> {
      try (var pool = Databases.pool(required, "tls-required"); var c = pool.getConnection()) {
        c.isValid(2);
      }
    }).hasStackTraceContaining("does not support SSL");
    DatabaseSettings plain = new DatabaseSettings(DatabaseSettings.Vendor.POSTGRESQL, TestDatabases.PG_URL,
        "postgres", "", "", 1, "disable", "");
    try (var pool = Databases.pool(plain, "tls-test"); var c = pool.getConnection()) {
      assertThat(c.isValid(2)).isTrue();
    }
  }
}
