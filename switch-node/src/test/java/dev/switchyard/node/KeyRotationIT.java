package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the card-hash key on a node that keeps its journal: a payment hashed under the old key is still
 * recognized when its authorization is retried, new payments are hashed under the new key and say so, and a node
 * that forgot the old key would take the retry for another request.
 */
class KeyRotationIT {

  private static final String OLD = "the-first-card-hash-key";
  private static final String NEW = "the-second-card-hash-key";
  private static final String PAN = "4000000000000077";

  @TempDir Path dir;

  private SwitchNode start(String key, String keyId, List<Map<String, String>> previous) {
    Map<String, Object> c = new HashMap<>(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.data-dir", dir.toString(),
        "switch.gateway.port", 0,
        "switch.card.pan-hash-key", key,
        "switch.card.pan-hash-key-id", keyId,
        "switch.card.previous-pan-hash-keys", previous));
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(c)));
  }

  private static AcquirerResponse authorize(SwitchNode node, String requestId, String ref) throws Exception {
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
      return client.send(GatewayIT.authorize(ref, 1_200, PAN).setRequestId(requestId)).get(15, TimeUnit.SECONDS);
    }
  }

  private static String timeline(SwitchNode node, String paymentId) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(OperatorHttp.request(
        node.managementUri().replaceAll("/$", "") + "/payments/" + paymentId).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void aRetryMadeBeforeARotationIsRecognizedAndNewCardsAreHashedUnderTheNewKey() throws Exception {
    String paymentId;
    try (SwitchNode node = start(OLD, "k1", List.of())) {
      AcquirerResponse first = authorize(node, "rot-request-1", "rot-1");
      assertThat(first.getResult()).isEqualTo(ResultCode.APPROVED);
      paymentId = first.getPayment().getPaymentId();
      assertThat(timeline(node, paymentId)).contains("\"panHashKeyId\":\"k1\"");
    }

    // Forgetting the old key: the same request looks like another one with the same id.
    try (SwitchNode node = start(NEW, "k2", List.of())) {
      assertThat(authorize(node, "rot-request-1", "rot-1").getResult()).isEqualTo(ResultCode.IDEMPOTENCY_CONFLICT);
    }

    try (SwitchNode node = start(NEW, "k2", List.of(Map.of("id", "k1", "key", OLD)))) {
      AcquirerResponse retry = authorize(node, "rot-request-1", "rot-1");
      assertThat(retry.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(retry.getPayment().getPaymentId()).isEqualTo(paymentId);

      AcquirerResponse fresh = authorize(node, "rot-request-2", "rot-2");
      assertThat(fresh.getResult()).isEqualTo(ResultCode.APPROVED);
      String after = timeline(node, fresh.getPayment().getPaymentId());
      assertThat(after).contains("\"panHashKeyId\":\"k2\"").doesNotContain(PAN);
      assertThat(timeline(node, paymentId)).contains("\"panHashKeyId\":\"k1\"");
    }
  }
}
