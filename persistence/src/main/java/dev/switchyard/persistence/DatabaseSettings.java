package dev.switchyard.persistence;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Where the journal lives, read once from {@code switch.database}. The same settings feed Pekko Persistence
 * JDBC (through HOCON substitution) and the project's own pool (schema migration, deadlines, mirror offsets).
 */
public record DatabaseSettings(
    Vendor vendor, String url, String user, String password, String schema, int maxPoolSize) {

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
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("switch.database.max-pool-size must be at least 1");
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
        db.getInt("max-pool-size"));
  }

  /** The password is never part of the text form, so settings can be logged. */
  @Override
  public String toString() {
    return "DatabaseSettings[vendor=" + vendor + ", url=" + url + ", user=" + user + ", schema=" + schema + "]";
  }
}
