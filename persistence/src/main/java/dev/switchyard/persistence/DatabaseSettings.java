package dev.switchyard.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the journal lives, read once from {@code switch.database}. The same settings feed Pekko Persistence
 * JDBC (through HOCON substitution) and the project's own pool (schema migration, deadlines, mirror offsets).
 */
public record DatabaseSettings(
    Vendor vendor, String url, String user, String password, String schema, int maxPoolSize, String sslMode,
    String sslRootCert) {

  /** PostgreSQL's {@code sslmode} values the switch takes; blank leaves the driver's default. */
  static final java.util.List<String> SSL_MODES = java.util.List.of("disable", "require", "verify-ca", "verify-full");

  /** Settings without TLS settings of their own (the driver's defaults). */
  public DatabaseSettings(Vendor vendor, String url, String user, String password, String schema, int maxPoolSize) {
    this(vendor, url, user, password, schema, maxPoolSize, "", "");
  }

  /** The databases the switch runs on. */
  public enum Vendor {
    H2,
    POSTGRESQL;

    /** Folder of this vendor's migrations under {@code db/migration}. */
    String migrationFolder() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("switch.database.url must be set");
    }
    if (vendor == Vendor.POSTGRESQL && schema != null && !schema.isBlank()) {
      Matcher named = URL_SCHEMA.matcher(url);
      if (named.find() && !named.group(1).equals(schema)) {
        throw new IllegalArgumentException("switch.database.url names currentSchema=" + named.group(1)
            + " but switch.database.schema is '" + schema + "': the migrations would create the tables in one"
            + " schema and the node would look for them in the other; make them agree or drop currentSchema");
      }
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("switch.database.max-pool-size must be at least 1");
    }
    if (!sslMode.isBlank() || !sslRootCert.isBlank()) {
      if (vendor != Vendor.POSTGRESQL) {
        throw new IllegalArgumentException("switch.database.ssl-mode and ssl-root-cert apply to PostgreSQL only");
      }
      if (!sslMode.isBlank() && !SSL_MODES.contains(sslMode)) {
        throw new IllegalArgumentException("switch.database.ssl-mode: one of " + SSL_MODES + ", not '" + sslMode
            + "'");
      }
      if (url.matches(".*[?&](sslmode|sslrootcert)=.*")) {
        throw new IllegalArgumentException("switch.database.url sets sslmode or sslrootcert itself: set them in"
            + " switch.database.ssl-mode and ssl-root-cert instead, so that every pool gets the same");
      }
    }
  }

  public static DatabaseSettings create(Config config) {
    Config db = config.getConfig("switch.database");
    String kind = db.getString("kind").toLowerCase(Locale.ROOT);
    Vendor vendor =
        switch (kind) {
          case "h2" -> Vendor.H2;
          case "postgres", "postgresql" -> Vendor.POSTGRESQL;
          default -> throw new IllegalArgumentException(
              "switch.database.kind must be h2 or postgres, was '" + kind + "'");
        };
    return new DatabaseSettings(
        vendor,
        db.getString("url"),
        db.getString("user"),
        db.getString("password"),
        db.getString("schema"),
        db.getInt("max-pool-size"),
        db.getString("ssl-mode"),
        db.getString("ssl-root-cert"));
  }

  /** The driver's TLS properties ({@code sslmode}, {@code sslrootcert}) the settings name; empty for the defaults. */
  public Map<String, String> tlsProperties() {
    Map<String, String> p = new java.util.LinkedHashMap<>();
    if (!sslMode.isBlank()) {
      p.put("sslmode", sslMode);
    }
    if (!sslRootCert.isBlank()) {
      p.put("sslrootcert", sslRootCert);
    }
    return p;
  }

  /**
   * The PostgreSQL schema every connection of the node works in, or empty when the URL alone decides (H2, or
   * PostgreSQL with a blank {@code switch.database.schema}).
   */
  public Optional<String> connectionSchema() {
    return vendor == Vendor.POSTGRESQL && !schema.isBlank()
        ? Optional.of(schema)
        : Optional.empty();
  }

  /**
   * {@code config} with the journal's connection pool set to {@link #connectionSchema()}, so the journal reads
   * and writes the schema the migrations created even when the URL names no {@code currentSchema} or another
   * one, and to the TLS properties, as every other pool.
   */
  public Config withJournalSchema(Config config) {
    Map<String, Object> properties = new java.util.HashMap<>();
    connectionSchema().ifPresent(s -> properties.put(JOURNAL_DB_SCHEMA, s));
    tlsProperties().forEach((k, v) -> properties.put(JOURNAL_DB_PROPERTIES + k, v));
    return properties.isEmpty() ? config : ConfigFactory.parseMap(properties).withFallback(config);
  }

  /** The PostgreSQL driver's connection property that sets the search path for the whole session. */
  static final String PG_SCHEMA = "currentSchema";

  private static final Pattern URL_SCHEMA = Pattern.compile("[?&]" + PG_SCHEMA + "=([^&]*)");

  /** Driver properties of the journal's pool (Slick hands them to HikariCP, HikariCP to the driver). */
  static final String JOURNAL_DB_PROPERTIES = "pekko-persistence-jdbc.shared-databases.slick.db.properties.";
  static final String JOURNAL_DB_SCHEMA = JOURNAL_DB_PROPERTIES + PG_SCHEMA;

  /** The password is never part of the text form, so settings can be logged. */
  @Override
  public String toString() {
    return "DatabaseSettings[vendor=" + vendor + ", url=" + url + ", user=" + user + ", schema=" + schema
        + (sslMode.isBlank() ? "" : ", sslmode=" + sslMode) + "]";
  }
}
