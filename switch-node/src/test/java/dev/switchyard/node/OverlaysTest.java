package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Every overlay of cluster-config resolves, and says what it is for. */
class OverlaysTest {

  private static Config load(String overlays) {
    return SwitchNode.loadConfig(overlays, ConfigFactory.empty());
  }

  @Test
  void theLocalOverlayIsOneSelfJoiningNodeOnH2() {
    Config c = load("local");
    assertThat(c.getString("switch.database.kind")).isEqualTo("h2");
    assertThat(c.getBoolean("switch.cluster.join-self")).isTrue();
    assertThat(c.getString("pekko.cluster.downing-provider-class")).contains("SplitBrainResolver");
    assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
  }

  @Test
  void theMultiNodeOverlayHasSeedNodesAndASharedH2() {
    Config c = load("multi-node");
    assertThat(c.getStringList("pekko.cluster.seed-nodes")).hasSize(3);
    assertThat(c.getBoolean("switch.cluster.join-self")).isFalse();
    assertThat(c.getString("switch.database.url")).contains("AUTO_SERVER=TRUE");
  }

  @Test
  void overlaysCombineAndTheLaterOneWins() {
    Config c = load("multi-node,postgres-journal");
    assertThat(c.getString("switch.database.kind")).isEqualTo("postgres");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.slick.profile")).contains("Postgres");
    assertThat(c.getStringList("pekko.cluster.seed-nodes")).hasSize(3);
  }

  @Test
  void theKubernetesOverlayFormsTheClusterThroughBootstrapOnTheDefaultPorts() {
    Config c = load("kubernetes");
    assertThat(c.getBoolean("switch.cluster.bootstrap")).isTrue();
    assertThat(c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    assertThat(c.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"))
        .isEqualTo(3);
    assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(17355);
    assertThat(c.getInt("pekko.management.http.port")).isEqualTo(7626);
    assertThat(c.getInt("switch.gateway.port")).isEqualTo(7700);
    assertThat(c.getString("switch.database.kind")).isEqualTo("postgres");
    assertThat(c.hasPath("pekko.cluster.seed-nodes") && !c.getStringList("pekko.cluster.seed-nodes").isEmpty())
        .isFalse();
  }

  /** Found by a new user: SWITCH_DB_SCHEMA=other with the postgres overlay was refused for the default URL. */
  @Test
  void thePostgresOverlaysUrlNamesNoSchemaSoAnotherSchemaIsAccepted() {
    Config c = SwitchNode.loadConfig("postgres", ConfigFactory.parseMap(java.util.Map.of(
        "switch.database.schema", "other")));
    assertThat(c.getString("switch.database.url")).doesNotContain("currentSchema");
    assertThat(dev.switchyard.persistence.DatabaseSettings.create(c).connectionSchema()).contains("other");
  }

  @Test
  void anUnknownOverlayIsRefusedByName() {
    assertThatThrownBy(() -> load("nope")).hasMessageContaining("nope");
  }
}
