package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index as code: created when missing, and a different existing mapping refuses the mirror, clearly. */
class QuickwitIndexIT {

  @TempDir Path dir;

  static SwitchNode node(Path dir, String quickwitUrl) {
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.quickwit.url", quickwitUrl)))));
  }

  @Test
  void theIndexIsCreatedAtStartWhenMissingAndAMismatchRefusesTheMirror() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (QuickwitContractFake quickwit = new QuickwitContractFake()) {
      try (SwitchNode node = node(dir.resolve("a"), quickwit.url())) {
        TestProbe<Object> probe = TestProbe.create(node.system());
        probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
              quickwit.url() + "/api/v1/indexes/switch-payment-events")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).contains("\"mode\":\"strict\"").contains("\"timestamp_field\":\"timestamp\"");
          assertThat(http.send(OperatorHttp.request(node.managementUri() + "/mirrors/quickwit").build(),
              HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
          return null;
        });
      }
    }
    try (QuickwitContractFake quickwit = new QuickwitContractFake()) {
      ObjectNode other = (ObjectNode) QuickwitSettings.indexConfig("quickwit/payment-events.json").deepCopy();
      ((ObjectNode) other.get("doc_mapping").get("field_mappings").get(7)).put("type", "text");
      quickwit.createIndex(other);
      try (SwitchNode node = node(dir.resolve("b"), quickwit.url())) {
        TestProbe<Object> probe = TestProbe.create(node.system());
        probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
          HttpResponse<String> r = http.send(OperatorHttp.request(node.managementUri()
              + "/mirrors/quickwit").build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(new ObjectMapper().readTree(r.body()).get("error").asText())
              .contains("exists with another mapping").contains("field amount_minor is text, the switch needs i64");
          return null;
        });
        // The node itself runs on: the gateway is up.
        assertThat(node.gateway().address().getPort()).isPositive();
        assertThat(quickwit.ingestStatuses()).isEmpty();
      }
    }
  }
}
