package dev.switchyard.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final Config SOME = ConfigFactory.parseString("a = 1");

  private static DatabaseSettings settings(DatabaseSettings.Vendor vendor, String url, String schema) {
    return new DatabaseSettings(vendor, url, "u", "", schema, 2);
  }

  @Test
  void onPostgresTheJournalsPoolWorksInTheConfiguredSchema() {
    Config config = settings(DatabaseSettings.Vendor.POSTGRESQL, PG, "switch").withJournalSchema(SOME);
    assertThat(config.getString("pekko-persistence-jdbc.shared-databases.slick.db.properties.currentSchema"))
        .isEqualTo("switch");
    assertThat(config.getInt("a")).isEqualTo(1);
  }

  @Test
  void withoutASchemaOrOnH2TheUrlAloneDecides() {
    assertThat(settings(DatabaseSettings.Vendor.POSTGRESQL, PG + "?currentSchema=x", " ").withJournalSchema(SOME))
        .isSameAs(SOME);
    assertThat(settings(DatabaseSettings.Vendor.H2, "jdbc:h2:mem:x", "switch").withJournalSchema(SOME))
        .isSameAs(SOME);
  }

  @Test
  void aUrlThatNamesAnotherSchemaIsRefusedWithBothNames() {
    assertThatThrownBy(() -> settings(DatabaseSettings.Vendor.POSTGRESQL, PG + "?ssl=false&currentSchema=other",
        "switch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switch.database.url names currentSchema=other")
        .hasMessageContaining("switch.database.schema is 'switch'");
    assertThat(settings(DatabaseSettings.Vendor.POSTGRESQL, PG + "?currentSchema=switch", "switch").schema())
        .isEqualTo("switch");
  }

  private static DatabaseSettings tls(DatabaseSettings.Vendor vendor, String url, String mode, String root) {
    return new DatabaseSettings(vendor, url, "u", "", "switch", 2, mode, root);
  }

  @Test
  void tlsSettingsReachEveryPoolTheJournalsIncluded() {
    DatabaseSettings s = tls(DatabaseSettings.Vendor.POSTGRESQL, PG, "verify-full", "/etc/switch/db-ca.pem");
    assertThat(s.tlsProperties()).containsExactly(java.util.Map.entry("sslmode", "verify-full"),
        java.util.Map.entry("sslrootcert", "/etc/switch/db-ca.pem"));
    Config journal = s.withJournalSchema(SOME);
    assertThat(journal.getString("pekko-persistence-jdbc.shared-databases.slick.db.properties.sslmode"))
        .isEqualTo("verify-full");
    assertThat(journal.getString("pekko-persistence-jdbc.shared-databases.slick.db.properties.sslrootcert"))
        .isEqualTo("/etc/switch/db-ca.pem");
    assertThat(Databases.withTls(s)).isEqualTo(PG + "?sslmode=verify-full&sslrootcert=%2Fetc%2Fswitch%2Fdb-ca.pem");
    assertThat(Databases.withTls(tls(DatabaseSettings.Vendor.POSTGRESQL, PG + "?ssl=true", "require", "")))
        .isEqualTo(PG + "?ssl=true&sslmode=require");
    assertThat(tls(DatabaseSettings.Vendor.POSTGRESQL, PG, "", "").tlsProperties()).isEmpty();
  }

  @Test
  void tlsSettingsThatCannotWorkAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> tls(DatabaseSettings.Vendor.POSTGRESQL, PG, "allow", ""))
        .hasMessageContaining("switch.database.ssl-mode").hasMessageContaining("allow");
    assertThatThrownBy(() -> tls(DatabaseSettings.Vendor.H2, "jdbc:h2:mem:x", "require", ""))
        .hasMessageContaining("PostgreSQL only");
    assertThatThrownBy(() -> tls(DatabaseSettings.Vendor.POSTGRESQL, PG + "?sslmode=disable", "require", ""))
        .hasMessageContaining("switch.database.url sets sslmode");
  }
}
