package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.cli.ClientCommand;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A node restarted on its H2 file keeps every payment; the command-line client talks to a running node. */
class GatewayRestartIT {

  @TempDir Path dataDir;

  private SwitchNode start() {
    return start("2ms");
  }

  private SwitchNode start(String issuerDelay) {
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.data-dir", dataDir.toString(),
        "switch.gateway.port", 0,
        "switch.issuer.simulator.delay", issuerDelay))));
  }

  @Test
  void shutdownTellsClientsToReconnectFinishesInFlightRequestsThenCloses() throws Exception {
    SwitchNode node = start("1500ms");
    int port = node.gateway().address().getPort();
    try (SwitchClient client = connect(node)) {
      java.util.concurrent.BlockingQueue<AcquirerResponse> notices = new java.util.concurrent.LinkedBlockingQueue<>();
      client.onUnsolicited(notices::add);
      var inFlight = client.send(GatewayIT.authorize("drain-" + UUID.randomUUID(), 3_000));
      // Shut down only once the request is inside the node (a request arriving after would be SHUTTING_DOWN).
      org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.create(node.system()).awaitAssert(() -> {
        assertThat(node.gateway().inFlight()).isPositive();
        return null;
      });
      var stopping = java.util.concurrent.CompletableFuture.runAsync(node::close);
      AcquirerResponse notice = notices.poll(10, TimeUnit.SECONDS);
      assertThat(notice).isNotNull();
      assertThat(notice.getResult()).isEqualTo(ResultCode.SHUTTING_DOWN);
      assertThat(notice.hasReconnect()).isTrue();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).getResult()).as("the in-flight request still completes")
          .isEqualTo(ResultCode.APPROVED);
      client.closed().get(30, TimeUnit.SECONDS);
      stopping.get(30, TimeUnit.SECONDS);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(2)).close())
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void everyPaymentIsStillThereAfterARestart() throws Exception {
    Map<String, AcquirerResponse> before = new HashMap<>();
    try (SwitchNode node = start(); SwitchClient client = connect(node)) {
      for (int i = 0; i < 20; i++) {
        AcquirerResponse auth = client.send(GatewayIT.authorize("restart-" + i + "-" + UUID.randomUUID(), 1_000 + i))
            .get(10, TimeUnit.SECONDS);
        String id = auth.getPayment().getPaymentId();
        AcquirerResponse last = i % 2 == 0
            ? client.send(GatewayIT.capture(id, 500, false)).get(10, TimeUnit.SECONDS)
            : auth;
        before.put(id, last);
      }
    }
    try (SwitchNode node = start(); SwitchClient client = connect(node)) {
      for (var entry : before.entrySet()) {
        AcquirerResponse now = client.send(GatewayIT.get(entry.getKey())).get(10, TimeUnit.SECONDS);
        assertThat(now.getResult()).isEqualTo(ResultCode.APPROVED);
        assertThat(now.getPayment()).isEqualTo(entry.getValue().getPayment());
      }
    }
  }

  @Test
  void theCommandLineClientAuthorizesAndPrintsOneJsonObject() throws Exception {
    try (SwitchNode node = start()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new ClientCommand());
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int code = cli.execute("--host", "127.0.0.1:" + node.gateway().address().getPort(),
          "--request-id", "cli-1", "authorize", "--ref", "cli-" + UUID.randomUUID(),
          "--pan", "5555555555554444", "--expiry", "11/31", "--amount", "4200", "--currency", "USD");
      assertThat(code).as(err.toString()).isZero();
      String json = out.toString().trim();
      assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
      assertThat(json).contains("\"result\":\"APPROVED\"").contains("\"state\":\"AUTHORIZED\"")
          .contains("\"currency\":\"USD\"").contains("\"last4\":\"4444\"").doesNotContain("5555555555554444");
    }
  }

  private static SwitchClient connect(SwitchNode node) throws Exception {
    SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(), Duration.ofSeconds(5));
    assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
    return client;
  }
}
