package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After traffic, the Prometheus endpoint serves every documented metric, with no card number anywhere. */
class MetricsIT {

  @TempDir Path dataDir;

  @Test
  void thePrometheusEndpointServesTheDocumentedMetricsAfterTraffic() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.data-dir", dataDir.toString(),
        "switch.gateway.port", 0,
        "switch.metrics.enabled", true,
        "kamon.metric.tick-interval", "1s",
        "kamon.prometheus.embedded-server.port", port))))) {
      try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
          Duration.ofSeconds(5))) {
        client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
          var auth = client.send(GatewayIT.authorize("m-" + UUID.randomUUID(), 1_000)).get(10, TimeUnit.SECONDS);
          assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
          client.send(GatewayIT.capture(auth.getPayment().getPaymentId(), 1_000, true)).get(10, TimeUnit.SECONDS);
        }
        HttpClient http = HttpClient.newHttpClient();
        TestProbe<Object> probe = TestProbe.create(node.system());
        probe.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(500), () -> {
          String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          assertThat(body)
              .contains("switch_gateway_requests_total{")
              .contains("operation=\"authorize\"").contains("acquirer=\"demo\"").contains("result=\"APPROVED\"")
              .contains("switch_gateway_latency_seconds_bucket")
              .contains("switch_gateway_in_flight")
              .contains("switch_gateway_connections")
              .contains("switch_journal_write_seconds_count")
              .contains("switch_payments_alive")
              .doesNotContain("4111111111111111");
          return null;
        });
      }
    }
  }
}
