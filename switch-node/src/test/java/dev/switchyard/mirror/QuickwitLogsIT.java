package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The node's own log lines shipped to their Quickwit index, with the payment and correlation ids. */
class QuickwitLogsIT {

  @TempDir Path dir;

  @Test
  void logLinesReachTheLogsIndexWithTheSharedFieldNames() throws Exception {
    try (QuickwitContractFake quickwit = new QuickwitContractFake();
        SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("pekko.remote.artery.canonical.port", 0),
            Map.entry("pekko.management.http.port", 0),
            Map.entry("switch.metrics.enabled", false),
            Map.entry("switch.data-dir", dir.toString()),
            Map.entry("switch.gateway.port", 0),
            Map.entry("switch.node-name", "logs-node"),
            Map.entry("switch.quickwit.url", quickwit.url()),
            Map.entry("switch.quickwit.mirror.enabled", false),
            Map.entry("switch.quickwit.logs.enabled", true),
            Map.entry("switch.quickwit.logs.linger", "100ms")))))) {
      try (var p = MDC.putCloseable("payment_id", "pay_0123456789abcdef0123456789abcdef");
          var c = MDC.putCloseable("correlation_id", "42")) {
        LoggerFactory.getLogger("dev.switchyard.test").warn("a line about one payment");
      }
      Set<String> mapped = new HashSet<>();
      QuickwitSettings.indexConfig("quickwit/switch-logs.json").path("doc_mapping").path("field_mappings")
          .forEach(f -> mapped.add(f.get("name").asText()));
      TestProbe<Object> probe = TestProbe.create(node.system());
      probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
        List<ObjectNode> docs = quickwit.documents("switch-logs");
        assertThat(docs).anySatisfy(d -> {
          assertThat(d.get("message").asText()).isEqualTo("a line about one payment");
          assertThat(d.get("payment_id").asText()).isEqualTo("pay_0123456789abcdef0123456789abcdef");
          assertThat(d.get("correlation_id").asText()).isEqualTo("42");
          assertThat(d.get("level").asText()).isEqualTo("WARN");
          assertThat(d.get("node").asText()).isEqualTo("logs-node");
        });
        for (ObjectNode d : docs) {
          List<String> fields = new java.util.ArrayList<>();
          d.fieldNames().forEachRemaining(fields::add);
          assertThat(mapped).containsAll(fields);
        }
        return null;
      });
      assertThat(quickwit.ingestStatuses()).containsOnly(200);
    }
  }
}
