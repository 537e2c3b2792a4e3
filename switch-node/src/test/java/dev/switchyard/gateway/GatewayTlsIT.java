package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.cli.ClientCommand;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.SaltedSecret;
import dev.switchyard.protocol.client.ClientTls;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The gateway over TLS, from clients that try to get in: plain TCP, a certificate from another CA, an expired
 * one, a certificate for one acquirer saying hello as another, a TLS version not offered; and a renewed
 * certificate, swapped in the way a Kubernetes Secret is, picked up while a connection stays up. Real sockets,
 * real handshakes, certificates made for the test.
 */
public class GatewayTlsIT {

  @TempDir static Path dir;
  static SwitchNode node;
  static int port;
  static X509Bundle acquirerCa;
  static X509Bundle serverCaV1;
  static Path serverCa;
  static Path acqA;
  static Path acqAKey;

  @BeforeAll
  static void start() throws Exception {
    serverCaV1 = ca("CN=Switch Test Server CA v1");
    serverCa = write("server-ca-v1.pem", serverCaV1.getCertificatePEM());
    acquirerCa = ca("CN=Switch Test Acquirer CA");
    write("acquirer-ca.pem", acquirerCa.getCertificatePEM());
    X509Bundle a = client("CN=acq-a", acquirerCa, Instant.now().plus(30, ChronoUnit.DAYS));
    acqA = write("acq-a.pem", a.getCertificatePEM());
    acqAKey = write("acq-a.key", a.getPrivateKeyPEM());
    // The layout of a mounted Secret: tls.crt -> ..data/tls.crt, ..data -> the current version's directory.
    secretVersion("v1", server(serverCaV1));
    Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data", "tls.crt"));
    Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data", "tls.key"));
    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
    Path acquirers = write("acquirers.conf", "acq-a = \"" + SaltedSecret.hash("secret-a") + "\"\nacq-b = \""
        + SaltedSecret.hash("secret-b") + "\"\n");
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("switch.gateway.acquirers-file", acquirers.toString()),
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dir.resolve("data").toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.gateway.hello-timeout", "2s"),
        Map.entry("switch.gateway.tls.enabled", true),
        Map.entry("switch.gateway.tls.certificate", dir.resolve("tls.crt").toString()),
        Map.entry("switch.gateway.tls.private-key", dir.resolve("tls.key").toString()),
        Map.entry("switch.gateway.tls.client-auth", "optional"),
        Map.entry("switch.gateway.tls.trusted-client-cas", dir.resolve("acquirer-ca.pem").toString()),
        Map.entry("switch.gateway.tls.reload-interval", "200ms")))));
    port = node.gateway().address().getPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAcquirerWithItsCertificateIsServedOverTls() throws Exception {
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5),
        ClientTls.of(serverCa, acqA, acqAKey))) {
      assertThat(hello(client, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);
      AcquirerResponse auth = client.send(GatewayIT.authorizeOwnCard("tls-1", 1_000)).get(10, TimeUnit.SECONDS);
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
    }
  }

  @Test
  void theCommandLineClientSpeaksTlsWhenToldTo() {
    java.io.StringWriter out = new java.io.StringWriter();
    String[] connection = {"--host", "127.0.0.1:" + port, "--acquirer", "acq-a", "--secret", "secret-a"};
    String[] authorize = {"authorize", "--ref", "cli-tls", "--pan", "4000000000000002", "--expiry", "12/30",
        "--amount", "700"};
    CommandLine plain = new CommandLine(new ClientCommand());
    plain.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    plain.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertThat(plain.execute(concat(authorize, connection))).as("plain TCP to the TLS gateway").isEqualTo(2);
    CommandLine tls = new CommandLine(new ClientCommand());
    tls.setOut(new java.io.PrintWriter(out));
    assertThat(tls.execute(concat(authorize, connection, new String[] {"--tls-ca", serverCa.toString(),
        "--tls-cert", acqA.toString(), "--tls-key", acqAKey.toString()}))).isZero();
    assertThat(out.toString()).contains("\"result\":\"APPROVED\"");
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  @Test
  void withoutAClientCertificateTheSecretAloneOpensTheSessionWhileCertificatesAreOptional() throws Exception {
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5),
        ClientTls.of(serverCa, null, null))) {
      assertThat(hello(client, "acq-b", "secret-b").getResult()).isEqualTo(ResultCode.APPROVED);
    }
  }

  @Test
  void aCertificateForOneAcquirerCannotSayHelloAsAnother() throws Exception {
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5),
        ClientTls.of(serverCa, acqA, acqAKey))) {
      AcquirerResponse answer = hello(client, "acq-b", "secret-b");
      assertThat(answer.getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
      assertThat(answer.getField()).isEqualTo("hello.acquirer_id");
      assertThat(client.closed()).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void plainTcpToTheTlsGatewayGetsNoSessionAndTheGatewayKeepsServing() throws Exception {
    try (SwitchClient plain = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
      assertThat(plain.hello("acq-b", "secret-b")).failsWithin(Duration.ofSeconds(5));
      assertThat(plain.closed()).succeedsWithin(Duration.ofSeconds(5));
    }
    withoutAClientCertificateTheSecretAloneOpensTheSessionWhileCertificatesAreOptional();
  }

  @Test
  void aClientCertificateFromAnImpostorCaOfTheSameNameIsRefused() throws Exception {
    // Same issuer name as the trusted CA, so the client offers it; another key signed it.
    X509Bundle impostor = client("CN=acq-a", ca("CN=Switch Test Acquirer CA"), Instant.now().plus(30, ChronoUnit.DAYS));
    assertNoSession(ClientTls.of(serverCa, write("impostor.pem", impostor.getCertificatePEM()),
        write("impostor.key", impostor.getPrivateKeyPEM())), "acq-a", "secret-a");
  }

  @Test
  void anExpiredClientCertificateIsRefused() throws Exception {
    X509Bundle expired = client("CN=acq-a", acquirerCa, Instant.now().minus(1, ChronoUnit.DAYS));
    assertNoSession(ClientTls.of(serverCa, write("expired.pem", expired.getCertificatePEM()),
        write("expired.key", expired.getPrivateKeyPEM())), "acq-a", "secret-a");
  }

  @Test
  void aClientThatOnlySpeaksTls12IsRefusedWhileTheGatewayOffersOnlyTls13() throws Exception {
    assertNoSession(ClientTls.of(serverCa, null, null, List.of("TLSv1.2")), "acq-b", "secret-b");
  }

  @Test
  void aGatewayThatRequiresClientCertificatesRefusesOthersMapsNamesAndAllowsTls12WhenSet() throws Exception {
    GatewaySettings strict = GatewaySettings.create(ConfigFactory.parseMap(Map.of(
            "switch.gateway.port", 0,
            "switch.gateway.io-threads", 1,
            "switch.gateway.tls.protocols", List.of("TLSv1.3", "TLSv1.2"),
            "switch.gateway.tls.client-auth", "require",
            "switch.gateway.tls.provider", "jdk",
            "switch.gateway.tls.client-identities",
            List.of(Map.of("common-name", "gw.acq-b.example", "acquirer", "acq-b"))))
        .withFallback(node.system().settings().config()));
    // A second gateway on the same node, stopped with it.
    GatewayServer second = GatewayServer.start(node.system(), strict,
        new CardProtector("a-test-key-of-enough-length"), Clock.systemUTC(), "strict");
    int strictPort = second.address().getPort();
    assertNoSession(ClientTls.of(serverCa, null, null), strictPort, "acq-b", "secret-b");
    // Signed by a CA the gateway does not trust (the client does not even offer it: not one of the CAs asked for).
    X509Bundle stranger = client("CN=acq-a", ca("CN=Someone Else's CA"), Instant.now().plus(30, ChronoUnit.DAYS));
    assertNoSession(ClientTls.of(serverCa, write("stranger.pem", stranger.getCertificatePEM()),
        write("stranger.key", stranger.getPrivateKeyPEM())), strictPort, "acq-a", "secret-a");
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", strictPort, Duration.ofSeconds(5),
        ClientTls.of(serverCa, acqA, acqAKey, List.of("TLSv1.2")))) {
      assertThat(hello(client, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);
    }
    // A common name mapped to its acquirer: that acquirer's hello, and no other.
    X509Bundle b = client("CN=gw.acq-b.example", acquirerCa, Instant.now().plus(30, ChronoUnit.DAYS));
    ClientTls asB = ClientTls.of(serverCa, write("acq-b.pem", b.getCertificatePEM()),
        write("acq-b.key", b.getPrivateKeyPEM()));
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", strictPort, Duration.ofSeconds(5), asB)) {
      assertThat(hello(client, "acq-b", "secret-b").getResult()).isEqualTo(ResultCode.APPROVED);
    }
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", strictPort, Duration.ofSeconds(5), asB)) {
      assertThat(hello(client, "gw.acq-b.example", "secret-b").getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
    }
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWhileAnOpenOneStaysUp() throws Exception {
    ClientTls v1Trust = ClientTls.of(serverCa, acqA, acqAKey);
    X509Bundle ca2 = ca("CN=Switch Test Server CA v2");
    ClientTls v2Trust = ClientTls.of(write("server-ca-v2.pem", ca2.getCertificatePEM()), acqA, acqAKey);
    try (SwitchClient open = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5), v1Trust)) {
      assertThat(hello(open, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);

      // A key that is not the certificate's: refused, named, and the certificate in force kept.
      X509Bundle renewed = server(ca2);
      X509Bundle other = server(ca2);
      Path half = dir.resolve("..half");
      Files.createDirectory(half);
      Files.writeString(half.resolve("tls.crt"), renewed.getCertificatePEM());
      Files.writeString(half.resolve("tls.key"), other.getPrivateKeyPEM());
      swapTo("..half");
      TestProbe<Void> probe = TestProbe.create(node.system());
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        assertThat(node.gateway().tlsStatus()).containsKey("reloadError");
        assertThat((String) node.gateway().tlsStatus().get("reloadError")).contains("tls.key");
        return null;
      });
      assertThat((String) node.gateway().tlsStatus().get("subject")).contains("localhost");
      try (SwitchClient stillV1 = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5), v1Trust)) {
        assertThat(hello(stillV1, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);
      }

      // The renewed pair, swapped in whole.
      secretVersion("v2", renewed);
      swapTo("..v2");
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        try (SwitchClient fresh = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5), v2Trust)) {
          assertThat(hello(fresh, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);
        }
        return null;
      });
      assertThat(node.gateway().tlsStatus()).doesNotContainKey("reloadError");
      assertNoSession(v1Trust, "acq-a", "secret-a");

      AcquirerResponse auth = open.send(GatewayIT.authorizeOwnCard("tls-renewal", 1_000)).get(10, TimeUnit.SECONDS);
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
    } finally {
      // The other tests trust the first CA: a certificate of its own again.
      secretVersion("v1-again", server(serverCaV1));
      swapTo("..v1-again");
      TestProbe.create(node.system()).awaitAssert(Duration.ofSeconds(10), () -> {
        try (SwitchClient fresh = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5), v1Trust)) {
          assertThat(hello(fresh, "acq-a", "secret-a").getResult()).isEqualTo(ResultCode.APPROVED);
        }
        return null;
      });
    }
  }

  // --- helpers ------------------------------------------------------------------------------------------

  private static AcquirerResponse hello(SwitchClient client, String acquirer, String secret) throws Exception {
    return client.hello(acquirer, secret).get(5, TimeUnit.SECONDS);
  }

  private static void assertNoSession(ClientTls tls, String acquirer, String secret) {
    assertNoSession(tls, port, acquirer, secret);
  }

  /** The handshake fails, or the connection is closed before the hello is answered. */
  private static void assertNoSession(ClientTls tls, int gatewayPort, String acquirer, String secret) {
    assertThatThrownBy(() -> {
      try (SwitchClient client = SwitchClient.connect("127.0.0.1", gatewayPort, Duration.ofSeconds(5), tls)) {
        hello(client, acquirer, secret);
      }
    }).isInstanceOfAny(java.io.IOException.class, java.util.concurrent.ExecutionException.class);
  }

  private static X509Bundle ca(String subject) throws Exception {
    return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).ecp256().buildSelfSigned();
  }

  private static X509Bundle server(X509Bundle ca) throws Exception {
    return new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
        .addExtendedKeyUsageServerAuth().ecp256().notAfter(Instant.now().plus(30, ChronoUnit.DAYS))
        .buildIssuedBy(ca);
  }

  private static X509Bundle client(String subject, X509Bundle ca, Instant notAfter) throws Exception {
    return new CertificateBuilder().subject(subject).addExtendedKeyUsageClientAuth().ecp256()
        .notBefore(notAfter.minus(60, ChronoUnit.DAYS)).notAfter(notAfter).buildIssuedBy(ca);
  }

  private static Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static void secretVersion(String version, X509Bundle bundle) throws Exception {
    Path v = Files.createDirectories(dir.resolve(".." + version));
    Files.writeString(v.resolve("tls.crt"), bundle.getCertificatePEM());
    Files.writeString(v.resolve("tls.key"), bundle.getPrivateKeyPEM());
  }

  /** Points ..data at another version in one rename, as the kubelet does. */
  private static void swapTo(String version) throws Exception {
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(version));
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
