package dev.switchyard.issuer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.solab.iso8583.IsoMessage;
import dev.switchyard.issuer.iso.IsoLink;
import dev.switchyard.issuer.iso.IsoMessages;
import dev.switchyard.issuer.iso.LinkFailure;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer simulator over the real link: its rules, and its outage modes switched over HTTP; and
 * {@code bin/switch issuer-sim} running it as its own process.
 */
class IssuerSimulatorIT {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ActorTestKit waiting = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private IsoIssuerSimulator simulator;
  private SimulatorControl control;
  private IsoLink link;

  @BeforeEach
  void start() throws Exception {
    simulator = IsoIssuerSimulator.start(new IsoIssuerSimulator.Settings("127.0.0.1", 0, Duration.ZERO,
        Duration.ofMillis(400), 91, 8_192));
    control = SimulatorControl.start(simulator, "127.0.0.1", 0);
    link = new IsoLink(new IsoLink.Settings("sim", "127.0.0.1", simulator.port(), 1, Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMillis(50), Duration.ofSeconds(1), 8_192),
        group, Clock.systemUTC()).start();
    awaitReady();
  }

  @AfterEach
  void stop() {
    link.close();
    control.close();
    simulator.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    waiting.shutdownTestKit();
  }

  private void awaitReady() {
    waiting.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(link.readyConnections()).isEqualTo(1);
      return null;
    });
  }

  private static IsoMessage authorization(IsoLink link, long amount) {
    IsoMessage m = IsoMessages.create(IsoMessages.AUTHORIZATION);
    IsoMessages.digits(m, 2, "4111111111111111");
    IsoMessages.numeric(m, 3, "000000", 6);
    IsoMessages.numeric(m, 4, String.valueOf(amount), 12);
    IsoMessages.numeric(m, 11, link.nextStan(), 6);
    IsoMessages.text(m, 37, "RRN000000042", 12);
    IsoMessages.text(m, 49, "978", 3);
    return m;
  }

  private IsoMessage send(long amount, Duration deadline) throws Exception {
    return send(link, amount, deadline);
  }

  private static IsoMessage send(IsoLink link, long amount, Duration deadline) throws Exception {
    return link.send(authorization(link, amount), deadline).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String mode(String mode) throws Exception {
    return mode(control.port(), mode);
  }

  private String mode(int controlPort, String mode) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + controlPort + "/mode/" + mode))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    return answer.body().trim();
  }

  @Test
  void decidesByTheAmountsLastTwoDigits() throws Exception {
    assertThat(simulator.seen().get(0).type()).isEqualTo("0800");
    assertThat(simulator.seen().get(0).field(70)).isEqualTo("001");
    IsoMessage approved = send(1_000, Duration.ofSeconds(5));
    assertThat(IsoMessages.get(approved, 39)).isEqualTo("00");
    assertThat(IsoMessages.get(approved, 38)).hasSize(6);
    assertThat(IsoMessages.get(send(1_051, Duration.ofSeconds(5)), 39)).isEqualTo("51");
    assertThat(IsoMessages.get(send(1_005, Duration.ofSeconds(5)), 39)).isEqualTo("05");
    assertThat(IsoMessages.get(send(1_062, Duration.ofSeconds(5)), 39)).isEqualTo("62");
    assertThatThrownBy(() -> send(1_091, Duration.ofMillis(200))).hasCauseInstanceOf(TimeoutException.class);
    assertThat(simulator.seen()).filteredOn(s -> s.type().equals("0100")).hasSize(5)
        .allSatisfy(s -> assertThat(s.field(2)).isEqualTo("4111111111111111"));
  }

  @Test
  void outageModesAreSwitchedAtRunTime() throws Exception {
    assertThat(mode("slow")).isEqualTo("slow");
    assertThatThrownBy(() -> send(1_000, Duration.ofMillis(100))).hasCauseInstanceOf(TimeoutException.class);
    assertThat(IsoMessages.get(send(1_000, Duration.ofSeconds(5)), 39)).isEqualTo("00");

    mode("silent");
    assertThatThrownBy(() -> send(1_000, Duration.ofMillis(300))).hasCauseInstanceOf(TimeoutException.class);

    mode("drop");
    assertThatThrownBy(() -> send(1_000, Duration.ofSeconds(5))).hasCauseInstanceOf(LinkFailure.class);
    mode("normal");
    awaitReady();
    assertThat(IsoMessages.get(send(1_000, Duration.ofSeconds(5)), 39)).isEqualTo("00");

    mode("garbage");
    assertThatThrownBy(() -> send(1_000, Duration.ofSeconds(5))).hasCauseInstanceOf(LinkFailure.class);
    assertThat(link.counts().protocolErrors()).isGreaterThanOrEqualTo(1);
    mode("normal");
    awaitReady();
    assertThat(IsoMessages.get(send(1_000, Duration.ofSeconds(5)), 39)).isEqualTo("00");
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void binSwitchIssuerSimServesTheLinkInItsOwnProcessUntilSigterm() throws Exception {
    int port = freePort();
    int controlPort = freePort();
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Path log = Files.createTempFile("issuer-sim", ".log");
    ProcessBuilder builder = new ProcessBuilder(List.of(root.resolve("bin/switch").toString(), "issuer-sim",
        "--port", Integer.toString(port), "--control-port", Integer.toString(controlPort)))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SWITCH_SKIP_BUILD", "1");
    Process process = builder.start();
    IsoLink own = new IsoLink(new IsoLink.Settings("sim-process", "127.0.0.1", port, 1, Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofMillis(500), 8_192),
        group, Clock.systemUTC()).start();
    try {
      waiting.createTestProbe().awaitAssert(Duration.ofMinutes(2), Duration.ofMillis(200), () -> {
        assertThat(process.isAlive()).as("the simulator runs; its output: " + log).isTrue();
        assertThat(own.readyConnections()).isEqualTo(1);
        return null;
      });
      assertThat(IsoMessages.get(send(own, 2_500, Duration.ofSeconds(5)), 39)).isEqualTo("00");
      assertThat(IsoMessages.get(send(own, 2_551, Duration.ofSeconds(5)), 39)).isEqualTo("51");
      assertThat(mode(controlPort, "silent")).isEqualTo("silent");
      assertThatThrownBy(() -> send(own, 1_000, Duration.ofMillis(300))).hasCauseInstanceOf(TimeoutException.class);
      assertThat(mode(controlPort, "normal")).isEqualTo("normal");
      assertThat(IsoMessages.get(send(own, 1_000, Duration.ofSeconds(5)), 39)).isEqualTo("00");
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
      waiting.createTestProbe().awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(100), () -> {
        assertThat(own.readyConnections()).as("the link saw the simulator go").isZero();
        return null;
      });
    } finally {
      own.close();
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
