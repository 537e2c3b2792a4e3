package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remoting over TLS between nodes in their own JVMs (the multi-node overlay with
 * {@code SWITCH_REMOTING_TRANSPORT=tls-tcp}): two nodes whose certificates one CA signed form a cluster; a third,
 * whose certificate another CA signed under the same name, is refused by both and never becomes a member (over
 * plain TCP it would join: the CA is all that tells it apart).
 */
class ClusterTlsIT {

  @TempDir Path dir;
  private final ActorTestKit waiting = ActorTestKit.create();
  private final ClusterHttp cluster = new ClusterHttp();
  private String schema = "";

  @AfterEach
  void tearDown() {
    waiting.shutdownTestKit();
    TestDatabases.dropSchema(schema);
  }

  @Test
  void nodesWithTheClustersKeysJoinOverTlsAndANodeWithAnotherCaCannot() throws Exception {
    TestDatabases.requirePostgres();
    schema = "switch_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path good = keys("good", ca("CN=Switch Remoting CA"));
    Path bad = keys("bad", ca("CN=Someone Else's CA"));
    try (NodeProcesses nodes = new NodeProcesses(dir, schema, 3)) {
      nodes.withJvmArgs(List.of("-Dpekko.remote.artery.transport=tls-tcp",
          "-Dpekko.remote.artery.ssl.rotating-keys-engine.secret-mount-point=" + good));
      nodes.startInOrder(2);
      TestProbe<Object> probe = TestProbe.create(waiting.system());
      cluster.awaitFullCluster(probe, nodes.nodes());

      // The later -D wins: the third node presents the other CA's certificate.
      nodes.withJvmArgs(List.of("-Dpekko.remote.artery.ssl.rotating-keys-engine.secret-mount-point=" + bad));
      NodeProcesses.Node stranger = nodes.start(2);
      probe.awaitAssert(Duration.ofMinutes(2), Duration.ofSeconds(1), () -> {
        String logs = Files.readString(stranger.log()) + Files.readString(nodes.nodes().get(0).log())
            + Files.readString(nodes.nodes().get(1).log());
        assertThat(logs).containsPattern("(?i)(SSLHandshakeException|PKIX|certificate_unknown|bad_certificate)");
        return null;
      });
      for (NodeProcesses.Node member : nodes.nodes().subList(0, 2)) {
        var members = cluster.get(member.management() + "/cluster/members");
        assertThat(ClusterHttp.upMembers(members)).isEqualTo(2);
        assertThat(members.toString()).doesNotContain(":" + stranger.remotePort());
      }
    }
  }

  private static X509Bundle ca(String subject) throws Exception {
    return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).rsa2048().buildSelfSigned();
  }

  /** A node certificate under {@code ca}, named as every node of the cluster is named. */
  private Path keys(String name, X509Bundle ca) throws Exception {
    X509Bundle node = new CertificateBuilder().subject("CN=switch-cluster").addSanDnsName("switch-cluster")
        .addExtendedKeyUsageServerAuth().addExtendedKeyUsageClientAuth().rsa2048()
        .notAfter(Instant.now().plus(30, ChronoUnit.DAYS)).buildIssuedBy(ca);
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("tls.key"), node.getPrivateKeyPEM());
    Files.writeString(d.resolve("tls.crt"), node.getCertificatePEM());
    Files.writeString(d.resolve("ca.crt"), ca.getCertificatePEM());
    return d;
  }
}
