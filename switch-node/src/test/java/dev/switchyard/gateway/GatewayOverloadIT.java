package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node-wide in-flight limit sheds load with OVERLOADED, changes nothing, and frees up as answers go out. */
class GatewayOverloadIT {

  @TempDir Path dataDir;

  @Test
  void beyondTheNodesInFlightLimitTheAnswerIsOverloadedAndNothingIsDone() throws Exception {
    try (SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("pekko.remote.artery.canonical.port", 0),
            Map.entry("pekko.management.http.port", 0),
            Map.entry("switch.metrics.enabled", false),
            Map.entry("switch.data-dir", dataDir.toString()),
            Map.entry("switch.gateway.port", 0),
            Map.entry("switch.gateway.max-in-flight", 10),
            Map.entry("switch.gateway.max-in-flight-per-node", 3),
            Map.entry("switch.gateway.request-timeout", "1s"),
            Map.entry("switch.payment.issuer-timeout", "2s")))));
        SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
            Duration.ofSeconds(5))) {
      client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      List<CompletableFuture<AcquirerResponse>> slow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        // Amounts ending in 91: the simulated issuer never answers; each waits until the issuer deadline.
        slow.add(client.send(GatewayIT.authorize("slow-" + UUID.randomUUID(), 1_091)));
      }
      String ref = "shed-" + UUID.randomUUID();
      AcquirerResponse shed = client.send(GatewayIT.authorize(ref, 1_000)).get(5, TimeUnit.SECONDS);
      assertThat(shed.getResult()).isEqualTo(ResultCode.OVERLOADED);
      assertThat(shed.getReason()).contains("on this node");
      for (CompletableFuture<AcquirerResponse> f : slow) {
        assertThat(f.get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      }
      // Nothing was done for the shed request, and with the slow ones answered the node serves again.
      String id = dev.switchyard.payment.PaymentIds.derive("demo", ref);
      assertThat(client.send(GatewayIT.get(id)).get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.NOT_FOUND);
      assertThat(client.send(GatewayIT.authorize(ref, 1_000)).get(5, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
    }
  }
}
