package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.issuer.sim.IsoIssuerSimulator;
import dev.switchyard.mirror.PulsarBroker;
import dev.switchyard.mirror.QuickwitContractFake;
import dev.switchyard.mirror.SharedPulsarBroker;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.protocol.client.FailoverClient;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Capture;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.PublishedEvent;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in separate JVMs on one PostgreSQL journal, mirroring it to a real Pulsar broker. A client drives
 * authorizations and captures over all three; one node, which mirrors some of the journal's slices, is killed
 * with SIGKILL mid-load. Every operation the client saw acknowledged must be in the journal and visible through
 * the operator API of a survivor, with no gap or duplicate in any payment's events; and after the takeover every
 * journal event must be on the topic, in order per payment, and in the Quickwit index (the contract fake), with
 * duplicates (if any) bounded by one batch. Then, with the killed node back, the node hosting an issuer's
 * stand-in advice queue is killed as well, and the issuer still gets every advice, in order.
 */
@ExtendWith(SharedPulsarBroker.class)
class ClusterFailoverIT {

  private static final int PAYMENTS = 240;
  private static final int KILL_AT = 80;

  @TempDir Path dir;
  private final ActorTestKit waiting = ActorTestKit.create();
  private final ClusterHttp cluster = new ClusterHttp();
  private String schema = "";

  /** An operation the client saw approved, and when. */
  record Acked(String paymentId, String op, long amount, long sentNanos, long atNanos) {}

  @AfterEach
  void tearDown() {
    waiting.shutdownTestKit();
    TestDatabases.dropSchema(schema);
  }

  private JsonNode get(String url) throws Exception {
    return cluster.get(url);
  }

  @Test
  void aNodeKilledMidLoadLosesNoAcknowledgedOperation(PulsarBroker broker) throws Exception {
    TestDatabases.requirePostgres();
    schema = "switch_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    TestProbe<Object> probe = waiting.createTestProbe();
    String topic = "persistent://public/default/failover-" + schema;
    try (QuickwitContractFake quickwit = new QuickwitContractFake();
        NodeProcesses processes = new NodeProcesses(dir, schema, 3).withJvmArgs(List.of(
        "-Dswitch.pulsar.enabled=true",
        "-Dswitch.pulsar.service-url=" + broker.serviceUrl(),
        "-Dswitch.pulsar.auth-token-file=" + broker.nodeTokenFile(),
        "-Dswitch.pulsar.mirror.topic=" + topic,
        "-Dswitch.pulsar.commands.enabled=false",
        "-Dswitch.quickwit.url=" + quickwit.url()))) {
      // The first seed forms the cluster alone; the others start once it is ready, so three JVM start-ups do not
      // starve each other of CPU on a small machine.
      processes.startInOrder(3);
      List<NodeProcesses.Node> nodes = processes.nodes();
      this.cluster.awaitFullCluster(probe, nodes);

      List<InetSocketAddress> gateways = nodes.stream()
          .map(n -> new InetSocketAddress("127.0.0.1", n.gatewayPort())).toList();
      List<FailoverClient> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(new FailoverClient(gateways, i, "demo", "demo-secret", 10, null).open());
      }
      // The victim is the node that mirrors most slices of the journal to Pulsar (daemons start where the
      // cluster first formed, and only some move when the others join).
      NodeProcesses.Node victim = nodes.get(1);
      int most = -1;
      for (NodeProcesses.Node n : nodes) {
        int mirrors = get(n.management() + "/cluster/shards/sharded-daemon-process-pulsar-mirror")
            .get("regions").size();
        if (mirrors > most) {
          most = mirrors;
          victim = n;
        }
      }
      NodeProcesses.Node killed = victim;
      ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> inDoubt = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> payments = new ArrayList<>();
      Set<String> victimShards = new HashSet<>();
      Set<String> victimMirrors = new HashSet<>();
      Set<String> victimIndexers = new HashSet<>();
      long[] killedAt = new long[1];
      AtomicInteger sent = new AtomicInteger();
      ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
      CompletableFuture<Void> allSent = new CompletableFuture<>();
      pacer.scheduleAtFixedRate(() -> {
        int k = sent.getAndIncrement();
        if (k >= PAYMENTS) {
          allSent.complete(null);
          return;
        }
        if (k == KILL_AT) {
          try {
            for (JsonNode region : get(killed.management() + "/cluster/shards/Payment").get("regions")) {
              victimShards.add(region.get("shardId").asText());
            }
            for (JsonNode region : get(killed.management()
                + "/cluster/shards/sharded-daemon-process-pulsar-mirror").get("regions")) {
              victimMirrors.add(region.get("shardId").asText());
            }
            for (JsonNode region : get(killed.management()
                + "/cluster/shards/sharded-daemon-process-quickwit-mirror").get("regions")) {
              victimIndexers.add(region.get("shardId").asText());
            }
          } catch (Exception e) {
            failures.add("could not read the victim's shards: " + e);
          }
          killedAt[0] = System.nanoTime();
          killed.process().destroyForcibly(); // SIGKILL
        }
        payments.add(onePayment(clients.get(k % 3), k, acked, failures, inDoubt));
      }, 0, 40, TimeUnit.MILLISECONDS);
      allSent.get(2, TimeUnit.MINUTES);
      pacer.shutdown();
      CompletableFuture.allOf(payments.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
      clients.forEach(FailoverClient::close);

      assertThat(failures).as("the only client errors are retried ones").isEmpty();
      assertThat(victimShards).as("the victim owned shards when it was killed").isNotEmpty();
      NodeProcesses.Node survivor = nodes.stream().filter(n -> n != killed).findFirst().orElseThrow();
      probe.awaitAssert(Duration.ofMinutes(1), Duration.ofSeconds(1), () -> {
        JsonNode members = get(survivor.management() + "/cluster/members");
        assertThat(ClusterHttp.upMembers(members)).isEqualTo(2);
        assertThat(members.toString()).doesNotContain(killed.address());
        return null;
      });

      long takeoverNanos = acked.stream()
          .filter(a -> a.sentNanos() > killedAt[0])
          .filter(a -> victimShards.contains(Integer.toString(Math.abs(a.paymentId().hashCode() % 128))))
          .mapToLong(a -> a.atNanos() - killedAt[0]).min().orElse(-1);
      System.out.printf("[failover] %d payments in doubt after the kill (reversed, never approved)%n", inDoubt.size());
      System.out.printf("[failover] %d operations acknowledged (%d payments); the first request sent after SIGKILL for a"
              + " payment of the killed node's %d shards was answered %.0f ms after the kill%n", acked.size(),
          acked.stream().map(Acked::paymentId).distinct().count(), victimShards.size(), takeoverNanos / 1e6);
      assertThat(takeoverNanos).as("a payment of the killed node was served again").isPositive();

      for (String id : inDoubt) {
        String state = get(survivor.management() + "/payments/" + id).get("payment").get("state").asText();
        assertThat(state).as("an authorization caught by the kill is never approved").isIn("IN_DOUBT", "VOIDED");
      }
      for (Acked a : acked) {
        JsonNode payment = get(survivor.management() + "/payments/" + a.paymentId()).get("payment");
        if (a.op().equals("authorize")) {
          assertThat(payment.get("authorizedMinor").asLong()).as(a.toString()).isEqualTo(a.amount());
        } else {
          assertThat(payment.get("capturedMinor").asLong()).as(a.toString()).isEqualTo(a.amount());
          assertThat(payment.get("state").asText()).isEqualTo("CAPTURED");
        }
      }
      try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL + "?currentSchema=" + schema, "postgres", "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT persistence_id, COUNT(*), COUNT(DISTINCT sequence_number),"
              + " MAX(sequence_number) FROM event_journal GROUP BY persistence_id")) {
        int checked = 0;
        while (rs.next()) {
          assertThat(rs.getLong(2)).as("no duplicate sequence numbers in " + rs.getString(1)).isEqualTo(rs.getLong(3));
          assertThat(rs.getLong(4)).as("no gap in the events of " + rs.getString(1)).isEqualTo(rs.getLong(2));
          checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo((int) acked.stream().map(Acked::paymentId).distinct().count());
      }
      assertThat(victimMirrors).as("the victim mirrored slices when it was killed").isNotEmpty();
      assertMirrorComplete(broker, topic, victimMirrors.size(), killedAt[0]);
      System.out.printf("[failover] the killed node ran %d Quickwit mirror slices%n", victimIndexers.size());
      assertIndexComplete(quickwit, probe, killedAt[0]);

      processes.start(killed.index());
      this.cluster.awaitFullCluster(probe, processes.nodes());
      assertAdvicesOutliveTheirQueuesNode(processes, probe);
    }
  }

  /**
   * An issuer that is down gets stood in for; the node hosting its advice queue is killed with SIGKILL; the
   * issuer comes back and receives every 0120 from the queue's new home, in the order of the approvals.
   */
  private void assertAdvicesOutliveTheirQueuesNode(NodeProcesses processes, TestProbe<Object> probe)
      throws Exception {
    List<NodeProcesses.Node> nodes = processes.nodes();
    int port = NodeProcesses.freePort();
    var posted = cluster.post(nodes.get(0).management() + "/issuers/routing",
        "{routes = [{name = simulator, bins = []}, {name = ext, host = \"127.0.0.1\", port = " + port
            + ", bins = [\"6011\"]}], default-route = simulator}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
      for (NodeProcesses.Node n : nodes) {
        assertThat(get(n.management() + "/issuers").at("/routing/prefixes/6011").asText()).isEqualTo("ext");
      }
      return null;
    });
    List<String> approvals = new ArrayList<>();
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", nodes.get(0).gatewayPort(), Duration.ofSeconds(5))) {
      assertThat(client.hello("demo", "demo-secret").get(10, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
      for (long amount : new long[] {1_000, 2_000, 3_000}) {
        AcquirerResponse r = client.send(AcquirerRequest.newBuilder().setRequestId("stip-" + UUID.randomUUID())
            .setAuthorize(Authorize.newBuilder().setAcquirerReference("stip-" + UUID.randomUUID())
                .setMerchantId("m-1").setAmount(Money.newBuilder().setMinorUnits(amount).setCurrency("EUR"))
                .setCard(CardData.newBuilder().setPan("6011111111111117").setExpiryMonth(12).setExpiryYear(2031))))
            .get(30, TimeUnit.SECONDS);
        assertThat(r.getResult()).as(r.getReason()).isEqualTo(ResultCode.APPROVED);
        assertThat(r.getPayment().getStandIn()).isTrue();
        approvals.add(r.getPayment().getPaymentId());
      }
    }
    // One card: its three advices are in one of the route's queues, which its approvals name.
    String queue = null;
    for (JsonNode e : get(nodes.get(0).management() + "/payments/" + approvals.get(0)).get("timeline")) {
      if (e.get("type").asText().equals("authorized")) {
        queue = e.at("/event/authorized/standInApproval/adviceQueue").asText();
      }
    }
    assertThat(queue).startsWith("ext#");
    String shard = Integer.toString(Math.abs(queue.hashCode() % 128));
    NodeProcesses.Node host = null;
    for (NodeProcesses.Node n : nodes) {
      for (JsonNode region : get(n.management() + "/cluster/shards/IssuerAdvices").get("regions")) {
        if (region.get("shardId").asText().equals(shard)) {
          host = n;
        }
      }
    }
    assertThat(host).as("a node hosts advice queue " + queue).isNotNull();
    assertThat(route(nodes.get(0), "ext").at("/advices/depth").asInt()).isEqualTo(3);
    NodeProcesses.Node gone = host;
    gone.process().destroyForcibly(); // SIGKILL
    NodeProcesses.Node survivor = nodes.stream().filter(n -> n != gone).findFirst().orElseThrow();
    try (IsoIssuerSimulator issuer = IsoIssuerSimulator.start(new IsoIssuerSimulator.Settings("127.0.0.1", port,
        Duration.ZERO, Duration.ofSeconds(3), 91, 8192))) {
      probe.awaitAssert(Duration.ofMinutes(2), Duration.ofSeconds(1), () -> {
        JsonNode queues = route(survivor, "ext").get("advices");
        assertThat(queues.has("depth")).as("the queues answer: " + queues).isTrue();
        assertThat(queues.get("depth").asInt()).isZero();
        assertThat(queues.get("acknowledged").asInt()).isEqualTo(3);
        return null;
      });
      List<IsoIssuerSimulator.Seen> advices = issuer.seen().stream().filter(m -> m.type().startsWith("012")).toList();
      List<String> firstSeen = advices.stream().map(m -> m.field(37)).distinct().toList();
      List<String> rrns = approvals.stream().map(PaymentIds::rrn).toList();
      assertThat(firstSeen).as("every advice, in the order of the approvals").containsExactlyElementsOf(rrns);
      for (String rrn : rrns) {
        List<String> types = advices.stream().filter(m -> rrn.equals(m.field(37))).map(IsoIssuerSimulator.Seen::type)
            .toList();
        assertThat(types).as("advice " + rrn + ": first 0120, any repeat flagged 0121").startsWith("0120")
            .containsOnlyOnce("0120");
      }
      System.out.printf("[failover] the advice queue's node was killed with 3 advices owed; the issuer got %d"
          + " messages for them (%d repeats)%n", advices.size(), advices.size() - approvals.size());
    }
  }

  private JsonNode route(NodeProcesses.Node node, String name) throws Exception {
    for (JsonNode r : get(node.management() + "/issuers").get("routes")) {
      if (r.get("route").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no route " + name + " on node " + node.index());
  }

  /**
   * Every journal event is on the topic: the first copy of each (payment, sequence nr) arrives in sequence order
   * per payment, and duplicates are few (bounded by one unsaved batch per slice the victim mirrored).
   */
  private void assertMirrorComplete(PulsarBroker broker, String topic, int victimSlices, long killedAt)
      throws Exception {
    Map<String, Long> journal = lastSequenceNrs();
    long expected = journal.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> lastSeen = new HashMap<>();
    long distinct = 0;
    long duplicates = 0;
    try (PulsarClient pulsar = broker.client();
        Consumer<byte[]> consumer = pulsar.newConsumer().topic(topic).subscriptionName("check")
            .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (distinct < expected) {
        assertThat(System.nanoTime()).as("all %d journal events on the topic within 2 minutes", expected)
            .isLessThan(deadline);
        Message<byte[]> m = consumer.receive(1, TimeUnit.SECONDS);
        if (m == null) {
          continue;
        }
        PublishedEvent e = PublishedEvent.parseFrom(m.getValue());
        long last = lastSeen.getOrDefault(e.getPaymentId(), 0L);
        if (e.getSequenceNr() <= last) {
          duplicates++;
        } else {
          assertThat(e.getSequenceNr()).as("order of %s", e.getPaymentId()).isEqualTo(last + 1);
          lastSeen.put(e.getPaymentId(), e.getSequenceNr());
          distinct++;
        }
        consumer.acknowledge(m);
      }
    }
    assertThat(lastSeen).isEqualTo(journal);
    System.out.printf("[failover] mirror: all %d journal events on the topic after the kill (%d slices moved), %d"
        + " duplicates, complete %.1f s after the kill%n", expected, victimSlices, duplicates,
        (System.nanoTime() - killedAt) / 1e9);
    assertThat(duplicates).as("duplicates bounded by one batch per moved slice")
        .isLessThanOrEqualTo(200L * victimSlices);
  }

  /**
   * Every journal event is in the Quickwit index after the takeover; duplicates, identifiable by payment id +
   * sequence number, are bounded by one batch per slice (the batch in flight when the node died).
   */
  private void assertIndexComplete(QuickwitContractFake quickwit, TestProbe<Object> probe, long killedAt) {
    Map<String, Long> journal = new HashMap<>();
    long[] duplicates = new long[1];
    probe.awaitAssert(Duration.ofMinutes(2), Duration.ofSeconds(1), () -> {
      journal.putAll(lastSequenceNrs());
      Map<String, Set<Long>> indexed = new HashMap<>();
      duplicates[0] = 0;
      for (var doc : quickwit.documents("switch-payment-events")) {
        if (!indexed.computeIfAbsent(doc.get("payment_id").asText(), k -> new HashSet<>())
            .add(doc.get("sequence_nr").asLong())) {
          duplicates[0]++;
        }
      }
      for (Map.Entry<String, Long> e : journal.entrySet()) {
        assertThat(indexed.getOrDefault(e.getKey(), Set.of())).as("indexed events of %s", e.getKey())
            .hasSize(e.getValue().intValue());
      }
      return null;
    });
    long events = journal.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("[failover] quickwit: all %d journal events indexed after the kill, %d duplicates,"
        + " complete %.1f s after the kill%n", events, duplicates[0], (System.nanoTime() - killedAt) / 1e9);
    assertThat(duplicates[0]).as("duplicates bounded by one batch per slice").isLessThanOrEqualTo(500L * 8);
  }

  /** Each payment's last sequence number in the journal. */
  private Map<String, Long> lastSequenceNrs() throws Exception {
    Map<String, Long> journal = new HashMap<>();
    try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL + "?currentSchema=" + schema, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT persistence_id, MAX(sequence_number) FROM event_journal"
            + " GROUP BY persistence_id")) {
      while (rs.next()) {
        journal.put(PaymentIds.fromPersistenceId(rs.getString(1)), rs.getLong(2));
      }
    }
    return journal;
  }

  static CompletableFuture<Void> onePayment(FailoverClient client, int k, ConcurrentLinkedQueue<Acked> acked,
      ConcurrentLinkedQueue<String> failures, ConcurrentLinkedQueue<String> inDoubt) {
    long amount = 1_000 + 100L * k; // ends in 00: the simulated issuer approves
    String ref = "failover-" + k + "-" + UUID.randomUUID();
    AcquirerRequest.Builder authorize = AcquirerRequest.newBuilder().setRequestId(ref + "-a")
        .setAuthorize(Authorize.newBuilder().setAcquirerReference(ref).setMerchantId("m")
            .setAmount(Money.newBuilder().setMinorUnits(amount).setCurrency("EUR"))
            // A card per payment, as many cardholders would: one card's hundreds would be declined by risk.
            .setCard(CardData.newBuilder().setPan(dev.switchyard.TestCards.pan("4111", k)).setExpiryMonth(12)
                .setExpiryYear(2031)));
    long authSent = System.nanoTime();
    return client.send(authorize).thenCompose(auth -> {
      if (auth.getResult() == ResultCode.ISSUER_UNAVAILABLE) {
        // Its issuer call died with the killed node: in doubt, to be reversed, never approved. The right answer.
        inDoubt.add(auth.getPayment().getPaymentId());
        return CompletableFuture.completedFuture((AcquirerResponse) null);
      }
      if (auth.getResult() != ResultCode.APPROVED) {
        failures.add(ref + " authorize: " + auth.getResult() + " " + auth.getReason());
        return CompletableFuture.completedFuture((AcquirerResponse) null);
      }
      String id = auth.getPayment().getPaymentId();
      acked.add(new Acked(id, "authorize", amount, authSent, System.nanoTime()));
      long captureSent = System.nanoTime();
      return client.send(AcquirerRequest.newBuilder().setRequestId(ref + "-c").setCapture(Capture.newBuilder()
          .setPaymentId(id).setFinal(true).setAmount(Money.newBuilder().setMinorUnits(amount).setCurrency("EUR"))))
          .thenApply(capture -> {
            if (capture.getResult() == ResultCode.APPROVED) {
              acked.add(new Acked(id, "capture", amount, captureSent, System.nanoTime()));
            } else {
              failures.add(ref + " capture: " + capture.getResult() + " " + capture.getReason());
            }
            return capture;
          });
    }).handle((answer, failure) -> {
      if (failure != null) {
        failures.add(ref + ": " + failure);
      }
      return null;
    });
  }
}
