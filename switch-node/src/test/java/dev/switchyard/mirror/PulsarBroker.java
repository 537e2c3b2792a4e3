package dev.switchyard.mirror;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * A real Apache Pulsar standalone broker in its own JVM, launched the way {@code bin/switch pulsar} launches it:
 * the classpath resolved by the {@code pulsar-dev-broker} module, its configuration and JVM options, loopback
 * ports chosen here. The broker never shares the tests' classpath (it brings Netty 4.1).
 *
 * <p>Unlike the development broker it is locked down as production's should be: token authentication (JWTs
 * signed with a key of its own, minted by Pulsar's own token tool) with authorization on, and TLS on a second
 * port. Role {@link #ADMIN} is the super-user (the broker's own client and the tests' helpers); role {@link #NODE},
 * the switch's, may produce and consume in {@code public/default}; role {@link #STRANGER} may do nothing.
 */
public final class PulsarBroker implements AutoCloseable {

  private static final Path MODULE = Path.of(System.getProperty("pulsar.broker.dir", "../persistence/pulsar-dev-broker"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public static final String ADMIN = "switch-test-admin";
  public static final String NODE = "switch";
  public static final String STRANGER = "stranger";

  private final int port;
  private final int tlsPort;
  private final int webPort;
  private final Path dataDir;
  private final Map<String, String> tokens = new HashMap<>();
  private Process process;

  private PulsarBroker(int port, int tlsPort, int webPort, Path dataDir) {
    this.port = port;
    this.tlsPort = tlsPort;
    this.webPort = webPort;
    this.dataDir = dataDir;
  }

  /** A broker on three free loopback ports, keeping its data in {@code dataDir}, started and ready. */
  public static PulsarBroker start(Path dataDir) throws Exception {
    PulsarBroker broker = new PulsarBroker(freePort(), freePort(), freePort(), dataDir);
    broker.launch();
    return broker;
  }

  public String serviceUrl() {
    return "pulsar://127.0.0.1:" + port;
  }

  /** The TLS port, whose certificate {@link #caFile()} signed (for 127.0.0.1). */
  public String serviceUrlTls() {
    return "pulsar+ssl://127.0.0.1:" + tlsPort;
  }

  public Path caFile() {
    return dataDir.resolve("tls/ca.pem");
  }

  /** The token of {@code role}: {@link #ADMIN}, {@link #NODE} or {@link #STRANGER}. */
  public String token(String role) {
    return Objects.requireNonNull(tokens.get(role), role);
  }

  /** A client as the tests' super-user. */
  public PulsarClient client() throws PulsarClientException {
    return PulsarClient.builder().serviceUrl(serviceUrl())
        .authentication(AuthenticationFactory.token(token(ADMIN))).build();
  }

  /** The file holding role {@link #NODE}'s token, for {@code switch.pulsar.auth-token-file}. */
  public String nodeTokenFile() {
    return dataDir.resolve("tokens/" + NODE).toString();
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  /** Starts the broker process (again, after {@link #stop}, on the same ports and data) and waits until ready. */
  public synchronized void launch() throws Exception {
    Path classpath = MODULE.resolve("target/pulsar-broker.classpath");
    if (!Files.exists(classpath)) {
      throw new IllegalStateException(classpath.toAbsolutePath() + " is missing: build the reactor (mvn verify) first");
    }
    Files.createDirectories(dataDir);
    String cp = Files.readString(classpath).trim();
    Path key = dataDir.resolve("token-secret.key");
    if (!Files.exists(key)) {
      secure(cp, key);
    }
    Path conf = dataDir.resolve("standalone.conf");
    Files.writeString(conf, Files.readString(MODULE.resolve("src/main/pulsar/standalone.conf"))
        + "\nbrokerServicePort=" + port + "\nwebServicePort=" + webPort + "\n"
        + "authenticationEnabled=true\n"
        + "authenticationProviders=org.apache.pulsar.broker.authentication.AuthenticationProviderToken\n"
        + "tokenSecretKey=" + key.toUri() + "\n"
        + "authorizationEnabled=true\n"
        + "superUserRoles=" + ADMIN + "\n"
        + "brokerClientAuthenticationPlugin=org.apache.pulsar.client.impl.auth.AuthenticationToken\n"
        + "brokerClientAuthenticationParameters=file://" + dataDir.resolve("tokens/" + ADMIN).toAbsolutePath()
        + "\n"
        + "brokerServicePortTls=" + tlsPort + "\n"
        + "tlsCertificateFilePath=" + dataDir.resolve("tls/broker.pem").toAbsolutePath() + "\n"
        + "tlsKeyFilePath=" + dataDir.resolve("tls/broker.key").toAbsolutePath() + "\n");
    List<String> command = java(cp);
    command.add("-Dlog4j2.configurationFile=" + MODULE.resolve("src/main/pulsar/log4j2.xml").toAbsolutePath());
    command.addAll(List.of("org.apache.pulsar.PulsarStandaloneStarter",
        "--config", conf.toAbsolutePath().toString(), "--no-functions-worker", "--no-stream-storage",
        "--metadata-dir", dataDir.resolve("metadata").toAbsolutePath().toString(),
        "--bookkeeper-dir", dataDir.resolve("bookkeeper").toAbsolutePath().toString()));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.log").toFile()))
        .start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    awaitReady(Duration.ofSeconds(90));
    HttpResponse<String> granted = HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl()
        + "/admin/v2/namespaces/public/default/permissions/" + NODE)).header("Authorization", "Bearer " + token(ADMIN))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("[\"produce\",\"consume\"]")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (granted.statusCode() / 100 != 2) {
      throw new IllegalStateException("could not grant role " + NODE + ": " + granted.statusCode() + " "
          + granted.body());
    }
  }

  private List<String> java(String cp) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Files.readAllLines(MODULE.resolve("src/main/pulsar/jvm.options")).stream()
        .map(String::trim).filter(l -> !l.isEmpty()).toList());
    command.addAll(List.of("-cp", cp));
    return command;
  }

  /**
   * The token key, a token per role minted with Pulsar's own tool (in parallel: each is a JVM), and the TLS
   * port's CA and certificate.
   */
  private void secure(String cp, Path key) throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Files.createDirectories(dataDir.resolve("tokens"));
    Files.write(key, secret);
    Map<String, Process> minting = new HashMap<>();
    for (String role : List.of(ADMIN, NODE, STRANGER)) {
      List<String> command = java(cp);
      command.addAll(List.of("org.apache.pulsar.utils.auth.tokens.TokensCliUtils", "create",
          "--secret-key", key.toUri().toString(), "--subject", role));
      minting.put(role, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }
    for (var minted : minting.entrySet()) {
      String out = new String(minted.getValue().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (minted.getValue().waitFor() != 0 || out.isEmpty()) {
        throw new IllegalStateException("Pulsar's token tool made no token for " + minted.getKey());
      }
      String token = out.lines().reduce((a, b) -> b).orElseThrow();
      tokens.put(minted.getKey(), token);
      Files.writeString(dataDir.resolve("tokens/" + minted.getKey()), token);
    }
    X509Bundle ca = new CertificateBuilder().subject("CN=Switch Test Pulsar CA").setIsCertificateAuthority(true)
        .ecp256().buildSelfSigned();
    X509Bundle broker = new CertificateBuilder().subject("CN=127.0.0.1").addSanIpAddress("127.0.0.1")
        .addSanDnsName("localhost").addExtendedKeyUsageServerAuth().ecp256()
        .notAfter(Instant.now().plus(30, java.time.temporal.ChronoUnit.DAYS)).buildIssuedBy(ca);
    Files.createDirectories(dataDir.resolve("tls"));
    Files.writeString(caFile(), ca.getCertificatePEM());
    Files.writeString(dataDir.resolve("tls/broker.pem"), broker.getCertificatePEM());
    Files.writeString(dataDir.resolve("tls/broker.key"), broker.getPrivateKeyPEM());
  }

  /** Ready means the default namespace exists (an open port is not enough: producers fail before that). */
  private void awaitReady(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Pulsar broker exited with " + process.exitValue()
            + "; see " + dataDir.resolve("broker.log"));
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/admin/v2/namespaces/public"))
            .header("Authorization", "Bearer " + token(ADMIN)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("public/default")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("the Pulsar broker was not ready within " + timeout);
  }

  /** Stops the broker with SIGTERM and waits for it. */
  public synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** One JSON document of the admin REST API, e.g. {@code /admin/v2/persistent/public/default/t/stats}. */
  public String admin(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token(ADMIN)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
