package dev.switchyard.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** The project's own connection pool and schema migration. */
public final class Databases {

  private Databases() {}

  /** A small pool for the switch's own tables; the journal uses Pekko Persistence JDBC's pool. */
  public static HikariDataSource pool(DatabaseSettings settings, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(1);
    config.setAutoCommit(false);
    // The driver's connection property, not HikariCP's schema: that one is a SET in the first transaction of an
    // auto-commit-off connection, and a rollback undoes it.
    settings.connectionSchema().ifPresent(schema -> config.addDataSourceProperty(DatabaseSettings.PG_SCHEMA, schema));
    settings.tlsProperties().forEach(config::addDataSourceProperty);
    return new HikariDataSource(config);
  }

  /**
   * Creates or upgrades the schema to the newest version. Safe to run on every start and from several nodes at
   * once: Flyway records applied versions in {@code flyway_schema_history} and serializes concurrent runs with
   * a database lock. Flyway opens its own connection rather than borrowing one from a pool: it sets and restores
   * the search path itself, and a pooled connection would keep what it restored (the server's default schema,
   * when the switch's schema did not exist yet) instead of the pool's schema.
   */
  /** The URL with the TLS properties as its parameters, for Flyway, which takes no driver properties. */
  static String withTls(DatabaseSettings settings) {
    StringBuilder url = new StringBuilder(settings.url());
    settings.tlsProperties().forEach((k, v) -> url.append(url.indexOf("?") < 0 ? '?' : '&').append(k).append('=')
        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
    return url.toString();
  }

  public static MigrateResult migrate(DatabaseSettings settings) {
    var configuration =
        Flyway.configure()
            .dataSource(withTls(settings), settings.user(), settings.password())
            .locations("classpath:db/migration/" + settings.vendor().migrationFolder())
            .baselineOnMigrate(false)
            .validateMigrationNaming(true);
    if (settings.vendor() == DatabaseSettings.Vendor.POSTGRESQL && !settings.schema().isBlank()) {
      configuration = configuration.schemas(settings.schema()).createSchemas(true);
    }
    return configuration.load().migrate();
  }
}
