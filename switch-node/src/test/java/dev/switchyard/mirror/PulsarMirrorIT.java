package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.persistence.EventTypes;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.DisputeCommand;
import dev.switchyard.protocol.v1.DisputeReply;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.OpenDispute;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PublishedEvent;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal mirror and the back-office commands against a real Pulsar broker, with a node started in the test
 * on an H2 journal. Topics are this class's own.
 */
@ExtendWith(SharedPulsarBroker.class)
class PulsarMirrorIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  static SwitchNode node;
  static PulsarClient pulsar;
  static PulsarBroker broker;
  static String topics;

  @BeforeAll
  static void start(PulsarBroker broker) throws Exception {
    topics = "persistent://public/default/it-" + UUID.randomUUID().toString().substring(0, 8);
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("pekko.management.http.route-providers-read-only", false),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dataDir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.pulsar.enabled", true),
        // Over TLS, with the node's token: everything below goes through both.
        Map.entry("switch.pulsar.service-url", broker.serviceUrlTls()),
        Map.entry("switch.pulsar.tls.trust-certs-file", broker.caFile().toString()),
        Map.entry("switch.pulsar.auth-token-file", broker.nodeTokenFile()),
        Map.entry("switch.pulsar.mirror.topic", topics + "-events"),
        Map.entry("switch.pulsar.commands.topic", topics + "-commands"),
        Map.entry("switch.pulsar.commands.reply-topic", topics + "-replies"),
        Map.entry("switch.pulsar.commands.dead-letter-topic", topics + "-dlq")))));
    pulsar = broker.client();
    PulsarMirrorIT.broker = broker;
  }

  @AfterAll
  static void stop() throws Exception {
    if (pulsar != null) {
      pulsar.close();
    }
    if (node != null) {
      node.close();
    }
  }

  static Consumer<byte[]> subscribe(String topic, String subscription) throws Exception {
    return pulsar.newConsumer().topic(topic).subscriptionName(subscription)
        .subscriptionType(SubscriptionType.Key_Shared)
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
        .subscribe();
  }

  /** The journal's events of one payment, in order. */
  static List<PaymentEvent> journal(String paymentId) throws Exception {
    JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(node.system()))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId("Payment|" + paymentId, 0, Long.MAX_VALUE)
        .map(EventEnvelope::event).map(PaymentEvent.class::cast)
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Scripted payments through the gateway: approvals with captures and refunds, and declines. */
  static List<String> scriptedPayments(int count) throws Exception {
    List<String> ids = new ArrayList<>();
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
      for (int i = 0; i < count; i++) {
        // Every fourth amount ends in 05: the simulated issuer declines it.
        long amount = i % 4 == 3 ? 1_005 : 10_000 + i * 100;
        AcquirerResponse auth = client.send(GatewayIT.authorize("mirror-" + UUID.randomUUID(), amount))
            .get(10, TimeUnit.SECONDS);
        String id = auth.getPayment().getPaymentId();
        ids.add(id);
        if (auth.getResult() == ResultCode.APPROVED) {
          client.send(GatewayIT.capture(id, 4_000, false)).get(10, TimeUnit.SECONDS);
          client.send(GatewayIT.capture(id, 1_000, true)).get(10, TimeUnit.SECONDS);
          client.send(GatewayIT.refund(id, 500)).get(10, TimeUnit.SECONDS);
        }
      }
    }
    return ids;
  }

  /** Receives until every expected (payment, sequence nr) arrived; returns what arrived, in order, per payment. */
  static Map<String, List<PublishedEvent>> receiveAll(Consumer<byte[]> consumer, Map<String, Integer> expected,
      Duration timeout) throws Exception {
    Map<String, List<PublishedEvent>> got = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!complete(got, expected) && System.nanoTime() < deadline) {
      Message<byte[]> m = consumer.receive(1, TimeUnit.SECONDS);
      if (m == null) {
        continue;
      }
      PublishedEvent e = PublishedEvent.parseFrom(m.getValue());
      assertThat(m.getKey()).isEqualTo(e.getPaymentId());
      assertThat(m.getEventTime()).isEqualTo(e.getEventTimeMillis());
      got.computeIfAbsent(e.getPaymentId(), k -> new ArrayList<>()).add(e);
      consumer.acknowledge(m);
    }
    return got;
  }

  static boolean complete(Map<String, List<PublishedEvent>> got, Map<String, Integer> expected) {
    return expected.entrySet().stream().allMatch(x ->
        got.getOrDefault(x.getKey(), List.of()).stream().mapToLong(PublishedEvent::getSequenceNr).max().orElse(0)
            >= x.getValue());
  }

  @Test
  void everyEventArrivesOnceInPaymentOrderAsThePublishedEnvelope() throws Exception {
    try (Consumer<byte[]> consumer = subscribe(topics + "-events", "check-" + UUID.randomUUID())) {
      List<String> ids = scriptedPayments(12);
      Map<String, List<PaymentEvent>> journals = new LinkedHashMap<>();
      Map<String, Integer> expected = new HashMap<>();
      for (String id : ids) {
        journals.put(id, journal(id));
        expected.put(id, journals.get(id).size());
      }
      Map<String, List<PublishedEvent>> got = receiveAll(consumer, expected, Duration.ofSeconds(60));

      for (String id : ids) {
        List<PublishedEvent> events = got.get(id);
        List<PaymentEvent> stored = journals.get(id);
        assertThat(events).as("events of %s", id).hasSize(stored.size());
        for (int i = 0; i < events.size(); i++) {
          PublishedEvent e = events.get(i);
          assertThat(e.getSequenceNr()).isEqualTo(i + 1);
          assertThat(e.getEvent()).isEqualTo(stored.get(i));
          assertThat(e.getEventType()).isEqualTo(EventTypes.of(stored.get(i)));
          assertThat(e.getAcquirerId()).isEqualTo("demo");
          assertThat(e.getEvent().toString()).doesNotContain("4111111111111111");
          if (stored.get(i).hasRiskAssessed()) {
            // The decision on the envelope too, for consumers that route on it.
            assertThat(e.getRiskDecision()).isEqualTo(stored.get(i).getRiskAssessed().getDecision())
                .isNotEqualTo(dev.switchyard.protocol.v1.RiskDecision.RISK_DECISION_UNSPECIFIED);
            assertThat(e.getRiskScore()).isEqualTo(stored.get(i).getRiskAssessed().getScore());
          }
        }
      }
      // Declined payments have three events (requested, risk assessed, declined), approved ones six (requested,
      // risk assessed, authorized, two captures, refund).
      assertThat(got.values()).extracting(List::size).contains(3, 6);
      // Nothing beyond the journal: no duplicate follows.
      assertThat(consumer.receive(2, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void aDisputeOpenedOnTheCommandTopicChangesThePaymentAndIsAnswered() throws Exception {
    String id = scriptedPayments(1).get(0);
    try (Producer<byte[]> commands = pulsar.newProducer().topic(topics + "-commands").create();
        Consumer<byte[]> replies = subscribe(topics + "-replies", "replies-" + UUID.randomUUID())) {
      String requestId = "bo-" + UUID.randomUUID();
      DisputeCommand open = DisputeCommand.newBuilder().setRequestId(requestId).setPaymentId(id)
          .setDisputeId("CB-77").setOpen(OpenDispute.newBuilder().setReasonCode("10.4")
              .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(2_000).setCurrency("EUR")))
          .build();
      commands.newMessage().key(id).value(open.toByteArray()).send();

      DisputeReply reply = awaitReply(replies, requestId);
      assertThat(reply.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(reply.getPayment().getPaymentId()).isEqualTo(id);
      assertThat(reply.getPayment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
      assertThat(journal(id)).last().satisfies(e -> assertThat(e.hasDisputeOpened()).isTrue());
    }
  }

  @Test
  void aPublisherWithoutTheRightTokenIsRefusedAndNoDisputeCommandOfItsReachesAPayment() throws Exception {
    String id = scriptedPayments(1).get(0);
    DisputeCommand forged = DisputeCommand.newBuilder().setRequestId("forged-" + UUID.randomUUID()).setPaymentId(id)
        .setDisputeId("CB-FORGED").setOpen(OpenDispute.newBuilder().setReasonCode("10.4")
            .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(2_000).setCurrency("EUR")))
        .build();
    // No token, over plain TCP and over TLS: the broker lets no such client in.
    for (String url : List.of(broker.serviceUrl(), broker.serviceUrlTls())) {
      try (PulsarClient anonymous = PulsarClient.builder().serviceUrl(url).tlsTrustCertsFilePath(
          broker.caFile().toString()).operationTimeout(15, TimeUnit.SECONDS).build()) {
        assertThatThrownBy(() -> anonymous.newProducer().topic(topics + "-commands").create()
            .send(forged.toByteArray())).as(url).isInstanceOf(PulsarClientException.AuthenticationException.class);
      }
    }
    // A token the broker signed, of a role with no permission here.
    try (PulsarClient stranger = PulsarClient.builder().serviceUrl(broker.serviceUrl())
        .authentication(AuthenticationFactory.token(broker.token(PulsarBroker.STRANGER)))
        .operationTimeout(15, TimeUnit.SECONDS).build()) {
      assertThatThrownBy(() -> stranger.newProducer().topic(topics + "-commands").create()
          .send(forged.toByteArray())).isInstanceOf(PulsarClientException.AuthorizationException.class);
    }
    // The back office's command, sent after them, is answered; the payment's only dispute is the back office's.
    try (Producer<byte[]> commands = pulsar.newProducer().topic(topics + "-commands").create();
        Consumer<byte[]> replies = subscribe(topics + "-replies", "replies-" + UUID.randomUUID())) {
      String requestId = "bo-" + UUID.randomUUID();
      commands.newMessage().key(id).value(DisputeCommand.newBuilder(forged).setRequestId(requestId)
          .setDisputeId("CB-78").build().toByteArray()).send();
      assertThat(awaitReply(replies, requestId).getResult()).isEqualTo(ResultCode.APPROVED);
    }
    assertThat(journal(id)).filteredOn(PaymentEvent::hasDisputeOpened)
        .extracting(e -> e.getDisputeOpened().getDisputeId()).containsExactly("CB-78");
  }

  static DisputeReply awaitReply(Consumer<byte[]> replies, String requestId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Message<byte[]> m = replies.receive(1, TimeUnit.SECONDS);
      if (m != null) {
        replies.acknowledge(m);
        if (requestId.equals(m.getProperty("request_id"))) {
          DisputeReply reply = DisputeReply.parseFrom(m.getValue());
          assertThat(reply.getRequestId()).isEqualTo(requestId);
          return reply;
        }
      }
    }
    throw new AssertionError("no reply to " + requestId + " within 30 s");
  }

  @Test
  void malformedAndInvalidCommandsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    try (Producer<byte[]> commands = pulsar.newProducer().topic(topics + "-commands").create();
        Consumer<byte[]> dead = subscribe(topics + "-dlq", "dlq-" + UUID.randomUUID());
        Consumer<byte[]> replies = subscribe(topics + "-replies", "replies-" + UUID.randomUUID())) {
      commands.newMessage().key("garbage").value(new byte[] {(byte) 0xff, 0x01, 0x02}).send();
      String requestId = "bo-" + UUID.randomUUID();
      commands.newMessage().key("x").value(DisputeCommand.newBuilder().setRequestId(requestId)
          .setPaymentId("not-a-payment").setDisputeId("CB-1").setLost(
              dev.switchyard.protocol.v1.DisputeLost.getDefaultInstance()).build().toByteArray()).send();

      Map<String, String> reasons = new HashMap<>();
      for (int i = 0; i < 2; i++) {
        Message<byte[]> m = dead.receive(30, TimeUnit.SECONDS);
        assertThat(m).as("dead letter %d", i).isNotNull();
        reasons.put(m.getProperty("field"), m.getProperty("reason"));
        dead.acknowledge(m);
      }
      assertThat(reasons.get("message")).startsWith("not a DisputeCommand");
      assertThat(reasons.get("payment_id")).contains("not a payment id");
      // The invalid command had a request id: its sender also gets a refusal.
      DisputeReply refusal = awaitReply(replies, requestId);
      assertThat(refusal.getResult()).isEqualTo(ResultCode.INVALID_REQUEST);
      assertThat(refusal.getField()).isEqualTo("payment_id");

      // The stream goes on: a valid command after the poison is served.
      String id = scriptedPayments(1).get(0);
      String next = "bo-" + UUID.randomUUID();
      commands.newMessage().key(id).value(DisputeCommand.newBuilder().setRequestId(next).setPaymentId(id)
          .setDisputeId("CB-2").setOpen(OpenDispute.newBuilder().setReasonCode("13.1")
              .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(100).setCurrency("EUR")))
          .build().toByteArray()).send();
      assertThat(awaitReply(replies, next).getResult()).isEqualTo(ResultCode.APPROVED);
    }
  }

  @Test
  void searchWithoutQuickwitAnswers503AndSaysWhy() throws Exception {
    HttpResponse<String> r = HTTP.send(OperatorHttp.request(node.managementUri() + "/search?q=*")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("switch.quickwit.url");
  }

  static JsonNode http(String method, String path) {
    HttpResponse<String> r;
    try {
      r = HTTP.send(OperatorHttp.request(node.managementUri() + path)
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anOperatorPausesResumesAndRewindsASlice() throws Exception {
    try (Consumer<byte[]> consumer = subscribe(topics + "-events", "ops-" + UUID.randomUUID())) {
      String first = scriptedPayments(1).get(0);
      int slice = new dev.switchyard.persistence.TagSlices("payment", 8).sliceOf(first);
      receiveAll(consumer, Map.of(first, journal(first).size()), Duration.ofSeconds(30));

      http("POST", "/mirrors/pulsar/slices/" + slice + "/pause");
      // A payment on the paused slice: its events wait in the journal, and the lag says so.
      String held = paymentOnSlice(slice);
      int heldEvents = journal(held).size();
      JsonNode lag = awaitSlice(slice, s -> s.get("lagEvents").asLong() >= heldEvents);
      assertThat(lag.get("paused").asBoolean()).isTrue();
      http("POST", "/mirrors/pulsar/slices/" + slice + "/resume");
      Map<String, List<PublishedEvent>> got = receiveAll(consumer, Map.of(held, heldEvents), Duration.ofSeconds(30));
      assertThat(got.get(held)).hasSize(heldEvents);
      awaitSlice(slice, s -> s.get("lagEvents").asLong() == 0 && !s.get("paused").asBoolean());

      // Rewind to the start: the slice's events come again (a replay), from a new producer epoch.
      http("POST", "/mirrors/pulsar/slices/" + slice + "/rewind?offset=0");
      Map<String, List<PublishedEvent>> replay =
          receiveAll(consumer, Map.of(first, journal(first).size(), held, heldEvents), Duration.ofSeconds(30));
      assertThat(replay.get(first)).extracting(PublishedEvent::getSequenceNr)
          .startsWith(1L, 2L).doesNotHaveDuplicates();
      awaitSlice(slice, s -> s.get("epoch").asInt() == 1 && s.get("lagEvents").asLong() == 0);
    }
  }

  static String paymentOnSlice(int slice) throws Exception {
    var tags = new dev.switchyard.persistence.TagSlices("payment", 8);
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      while (true) {
        String ref = "slice-" + UUID.randomUUID();
        String id = dev.switchyard.payment.PaymentIds.derive("demo", ref);
        if (tags.sliceOf(id) == slice) {
          AcquirerResponse auth = client.send(GatewayIT.authorize(ref, 10_000)).get(10, TimeUnit.SECONDS);
          assertThat(auth.getPayment().getPaymentId()).isEqualTo(id);
          return id;
        }
      }
    }
  }

  static JsonNode awaitSlice(int slice, java.util.function.Predicate<JsonNode> condition) {
    TestProbe<Object> probe = TestProbe.create(node.system());
    return probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      JsonNode now = http("GET", "/mirrors/pulsar").get("slices").get(slice);
      assertThat(condition.test(now)).as("slice %d: %s", slice, now).isTrue();
      return now;
    });
  }
}
