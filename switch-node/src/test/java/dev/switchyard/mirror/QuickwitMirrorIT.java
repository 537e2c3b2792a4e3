package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Quickwit mirror and the operator search, against the Quickwit contract fake (no real Quickwit can run
 * here; docs/quickwit.md says how to run the same against one), with a node started in the test on H2.
 */
class QuickwitMirrorIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String INDEX = "switch-payment-events";

  @TempDir static Path dataDir;
  static QuickwitContractFake quickwit;
  static SwitchNode node;

  @BeforeAll
  static void start() throws Exception {
    quickwit = new QuickwitContractFake();
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dataDir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.quickwit.url", quickwit.url()),
        Map.entry("switch.quickwit.mirror.commit", "wait_for"),
        Map.entry("switch.quickwit.mirror.batch-size", 50),
        Map.entry("switch.quickwit.mirror.linger", "100ms"),
        Map.entry("switch.quickwit.mirror.retry-min-backoff", "20ms"),
        Map.entry("switch.quickwit.mirror.retry-max-backoff", "200ms")))));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (quickwit != null) {
      quickwit.close();
    }
  }

  static List<String> payments(int count, long amount) throws Exception {
    List<String> ids = new ArrayList<>();
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      for (int i = 0; i < count; i++) {
        AcquirerResponse auth = client.send(GatewayIT.authorize("qw-" + UUID.randomUUID(), amount))
            .get(10, TimeUnit.SECONDS);
        ids.add(auth.getPayment().getPaymentId());
        if (auth.getResult() == ResultCode.APPROVED) {
          assertThat(client.send(GatewayIT.capture(auth.getPayment().getPaymentId(), amount, true))
              .get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
        } else {
          assertThat(auth.getResult()).isEqualTo(ResultCode.DO_NOT_HONOR);
        }
      }
    }
    return ids;
  }

  /** (payment id, sequence nr) of every event in the journal. */
  static Map<String, Long> journal() throws Exception {
    Map<String, Long> last = new HashMap<>();
    try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT \"persistence_id\", MAX(\"sequence_number\") FROM \"event_journal\""
            + " GROUP BY \"persistence_id\"")) {
      while (r.next()) {
        last.put(r.getString(1).substring(r.getString(1).indexOf('|') + 1), r.getLong(2));
      }
    }
    return last;
  }

  /** Waits until the index holds every journal event of these payments; returns the documents per payment. */
  static Map<String, List<ObjectNode>> awaitIndexed(List<String> ids) {
    TestProbe<Object> probe = TestProbe.create(node.system());
    return probe.awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(200), () -> {
      Map<String, Long> journal = journal();
      Map<String, List<ObjectNode>> docs = new HashMap<>();
      for (ObjectNode d : quickwit.documents(INDEX)) {
        docs.computeIfAbsent(d.get("payment_id").asText(), k -> new ArrayList<>()).add(d);
      }
      for (String id : ids) {
        assertThat(docs.getOrDefault(id, List.of())).as("documents of %s", id).hasSize(journal.get(id).intValue());
      }
      return docs;
    });
  }

  @Test
  void everyEventIsIngestedOnceWithTheDocumentedShape() throws Exception {
    List<String> ids = new ArrayList<>(payments(6, 2_500));
    ids.addAll(payments(2, 1_005));
    Map<String, List<ObjectNode>> docs = awaitIndexed(ids);
    Set<String> mapped = new HashSet<>();
    QuickwitSettings.indexConfig("quickwit/payment-events.json").path("doc_mapping").path("field_mappings")
        .forEach(f -> mapped.add(f.get("name").asText()));
    for (String id : ids) {
      List<ObjectNode> events = docs.get(id);
      Set<Long> seqs = new HashSet<>();
      for (ObjectNode d : events) {
        assertThat(seqs.add(d.get("sequence_nr").asLong())).as("once: %s", d).isTrue();
        List<String> fields = new ArrayList<>();
        d.fieldNames().forEachRemaining(fields::add);
        assertThat(mapped).containsAll(fields);
        assertThat(fields).contains("timestamp", "payment_id", "sequence_nr", "acquirer_id", "merchant_id",
            "event_type", "state", "card_bin", "card_last4", "node");
        assertThat(d.get("card_bin").asText()).isEqualTo("411111");
        assertThat(d.get("card_last4").asText()).isEqualTo("1111");
        assertThat(d.toString()).doesNotContain("4111111111111111");
        Instant.parse(d.get("timestamp").asText());
      }
    }
    ObjectNode requested = docs.get(ids.get(0)).stream()
        .filter(d -> d.get("event_type").asText().equals("authorization_requested")).findFirst().orElseThrow();
    assertThat(requested.get("amount_minor").asLong()).isEqualTo(2_500);
    assertThat(requested.get("currency").asText()).isEqualTo("EUR");
    assertThat(docs.get(ids.get(7)).stream().map(d -> d.path("result_code").asText()))
        .contains("DO_NOT_HONOR");
    // The risk decision, searchable by its result and score.
    ObjectNode risk = docs.get(ids.get(0)).stream()
        .filter(d -> d.get("event_type").asText().equals("risk_assessed")).findFirst().orElseThrow();
    // Every one of these authorizations uses the same card: the velocity rules may flag it for review.
    assertThat(risk.get("result_code").asText()).isIn("RISK_APPROVE", "RISK_REVIEW");
    assertThat(risk.get("risk_score").isInt()).isTrue();
    assertThat(risk.get("amount_minor").asLong()).isEqualTo(2_500);
  }

  @Test
  void storms_of_429_and_503_delay_but_lose_nothing_while_acquirers_are_served() throws Exception {
    quickwit.failNext(429, 6);
    quickwit.failNext(503, 6);
    List<String> ids = payments(10, 3_000);
    awaitIndexed(ids);
    assertThat(quickwit.ingestStatuses()).contains(429, 503);
    Map<String, Set<Long>> seen = new HashMap<>();
    for (ObjectNode d : quickwit.documents(INDEX)) {
      assertThat(seen.computeIfAbsent(d.get("payment_id").asText(), k -> new HashSet<>())
          .add(d.get("sequence_nr").asLong())).as("no duplicate of %s", d).isTrue();
    }
  }

  @Test
  void poisonIsCountedAndSkippedWithoutStallingItsSlice() throws Exception {
    String refused = payments(1, 4_000).get(0);
    String rejectedRef = "poison-" + UUID.randomUUID();
    String rejected = dev.switchyard.payment.PaymentIds.derive("demo", rejectedRef);
    // Refused for good, both ways Quickwit does it: one payment's documents rejected inside a 200 answer, and
    // whole requests holding another payment's refund refused with 400 (the mirror splits those until the
    // refused document is alone).
    quickwit.rejectDocuments(d -> d.path("payment_id").asText().equals(rejected));
    quickwit.refuseBodies(body -> body.contains(refused) && body.contains("\"event_type\":\"refunded\""));
    long before = QuickwitMirror.POISON_TOTAL.get();
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      assertThat(client.send(GatewayIT.authorize(rejectedRef, 4_000)).get(10, TimeUnit.SECONDS).getPayment()
          .getPaymentId()).isEqualTo(rejected);
      assertThat(client.send(GatewayIT.refund(refused, 1_000)).get(10, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
    }
    // Later events, on every slice, still arrive: nothing stalls behind the poison.
    List<String> after = payments(12, 4_100);
    awaitIndexed(after);
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      // Three events of the rejected payment (requested, risk assessed, authorized) and the refused refund.
      assertThat(QuickwitMirror.POISON_TOTAL.get() - before).isEqualTo(4);
      JsonNode status = get("/mirrors/quickwit");
      assertThat(status.get("poisonSkippedHere").asLong()).isEqualTo(QuickwitMirror.POISON_TOTAL.get());
      for (JsonNode slice : status.get("slices")) {
        assertThat(slice.get("lagEvents").asLong()).as(slice.toString()).isZero();
      }
      return null;
    });
    assertThat(quickwit.ingestStatuses()).contains(400);
    assertThat(quickwit.documents(INDEX)).noneMatch(d -> d.path("payment_id").asText().equals(rejected));
    quickwit.rejectDocuments(d -> false);
    quickwit.refuseBodies(b -> false);
  }

  @Test
  void operatorSearchReturnsWhatWasIngestedWithinTheTimeRange() throws Exception {
    Instant from = Instant.now().minusSeconds(1);
    List<String> declined = payments(2, 2_005);
    awaitIndexed(declined);
    Instant to = Instant.now().plusSeconds(2);
    String q = URLEncoder.encode("payment_id:" + declined.get(0) + " AND event_type:declined", StandardCharsets.UTF_8);
    JsonNode hits = get("/search?q=" + q + "&from=" + from + "&to=" + to + "&limit=10");
    assertThat(hits.get("numHits").asLong()).isEqualTo(1);
    assertThat(hits.get("hits").get(0).get("result_code").asText()).isEqualTo("DO_NOT_HONOR");

    JsonNode all = get("/search?q=" + URLEncoder.encode("acquirer_id:demo", StandardCharsets.UTF_8)
        + "&from=" + from.getEpochSecond() + "&limit=1000");
    assertThat(all.get("hits")).extracting(h -> h.get("payment_id").asText())
        .contains(declined.get(0), declined.get(1));
    // Newest first.
    List<String> times = new ArrayList<>();
    all.get("hits").forEach(h -> times.add(h.get("timestamp").asText()));
    assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());

    JsonNode future = get("/search?q=" + q + "&from=" + Instant.now().plusSeconds(3600) + "&limit=10");
    assertThat(future.get("numHits").asLong()).isZero();
    assertThat(status("/search?q=*&limit=0")).isEqualTo(400);
    assertThat(status("/search?q=*&from=yesterday")).isEqualTo(400);
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(OperatorHttp.request(node.managementUri() + path).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static int status(String path) throws Exception {
    return HTTP.send(OperatorHttp.request(node.managementUri() + path).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
