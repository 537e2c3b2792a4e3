package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.SaltedSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the gateway's transport settings let a node start with, and how a wrong one is named. */
class GatewaySettingsTest {

  private static GatewaySettings settings(Map<String, Object> overrides) {
    return GatewaySettings.create(SwitchNode.loadConfig("local", ConfigFactory.parseMap(overrides)));
  }

  @Test
  void plainTcpIsRefusedBeyondLoopbackUnlessAllowed() {
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.host", "0.0.0.0")).requireSafeTransport())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switch.gateway.tls").hasMessageContaining("switch.gateway.allow-plain");
    assertThatCode(() -> settings(Map.of("switch.gateway.host", "0.0.0.0", "switch.gateway.allow-plain", true))
        .requireSafeTransport()).doesNotThrowAnyException();
    assertThatCode(() -> settings(Map.of("switch.gateway.host", "127.0.0.1")).requireSafeTransport())
        .doesNotThrowAnyException();
    assertThatCode(() -> settings(Map.of("switch.gateway.host", "localhost")).requireSafeTransport())
        .doesNotThrowAnyException();
  }

  @Test
  void tlsIsOffByDefaultAndTls13Only() {
    GatewaySettings s = settings(Map.of());
    assertThat(s.tls().enabled()).isFalse();
    assertThat(s.tls().protocols()).containsExactly("TLSv1.3");
    assertThat(s.allowPlain()).isFalse();
  }

  @Test
  void aTlsSettingThatCannotWorkIsNamed() {
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.tls.enabled", true)))
        .hasMessageContaining("certificate and private-key");
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.tls.client-auth", "sometimes")))
        .hasMessageContaining("switch.gateway.tls.client-auth");
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.tls.protocols", java.util.List.of("TLSv1.1"))))
        .hasMessageContaining("switch.gateway.tls.protocols").hasMessageContaining("TLSv1.1");
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.tls.enabled", true,
        "switch.gateway.tls.certificate", "/nowhere/tls.crt", "switch.gateway.tls.private-key", "/nowhere/tls.key",
        "switch.gateway.tls.client-auth", "require")))
        .hasMessageContaining("switch.gateway.tls.trusted-client-cas");
  }

  @Test
  void aMissingCertificateFileStopsTheStartNamingTheFile() {
    GatewaySettings s = settings(Map.of("switch.gateway.tls.enabled", true,
        "switch.gateway.tls.certificate", "/nowhere/tls.crt", "switch.gateway.tls.private-key", "/nowhere/tls.key"));
    assertThatThrownBy(() -> GatewayTls.start(s.tls()))
        .hasMessageContaining("switch.gateway.tls").hasMessageContaining("/nowhere/tls.crt");
  }

  @Test
  void acquirerSecretsAreKeptAsSaltedDigests() {
    String stored = SaltedSecret.hash("a long random secret");
    assertThat(stored).startsWith("sha256:").doesNotContain("a long random secret");
    assertThat(SaltedSecret.hash("a long random secret")).as("salted").isNotEqualTo(stored);
    assertThat(SaltedSecret.matches(stored, "a long random secret")).isTrue();
    assertThat(SaltedSecret.matches(stored, "a long random secreT")).isFalse();
    assertThat(SaltedSecret.matches("plain-from-a-dev-overlay", "plain-from-a-dev-overlay")).isTrue();
    assertThat(SaltedSecret.generate()).hasSize(43).isNotEqualTo(SaltedSecret.generate());
  }

  @Test
  void anAcquirersFileWithASecretInClearOrABrokenDigestIsRefusedNamingTheAcquirer(@TempDir Path dir)
      throws Exception {
    Path clear = Files.writeString(dir.resolve("clear.conf"), "acq-a = \"" + SaltedSecret.hash("s-a")
        + "\"\nacq-b = \"in-clear\"\n");
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.acquirers-file", clear.toString())))
        .hasMessageContaining("acquirer 'acq-b'").hasMessageContaining("in clear").hasMessageNotContaining("in-clear");
    Path broken = Files.writeString(dir.resolve("broken.conf"), "acq-c = \"sha256:00ff:abc\"\n");
    assertThatThrownBy(() -> settings(Map.of("switch.gateway.acquirers-file", broken.toString())))
        .hasMessageContaining("acquirer 'acq-c'").hasMessageContaining("sha256:<salt");
    Path good = Files.writeString(dir.resolve("good.conf"), "acq-a = \"" + SaltedSecret.hash("s-a") + "\"\n");
    GatewaySettings s = settings(Map.of("switch.gateway.acquirers-file", good.toString()));
    assertThat(SaltedSecret.matches(s.acquirerSecrets().get("acq-a"), "s-a")).isTrue();
    assertThat(s.acquirersWithPlainSecrets()).containsExactly("demo");
  }
}
