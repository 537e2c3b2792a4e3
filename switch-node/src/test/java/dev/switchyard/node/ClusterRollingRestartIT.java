package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.protocol.client.FailoverClient;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of three node JVMs, one at a time with SIGTERM, under load: every node leaves gracefully,
 * comes back and rejoins; no acknowledged operation is lost and the client sees no error it did not retry. Also
 * checks that every node reports the same members and that shards are not hosted twice, and that a routing table
 * posted to one node is in force on every node, before the restarts and after them. So is a risk rule set, and a
 * card's authorizations through all three gateways are counted once each by its velocity counters, cluster-wide.
 */
class ClusterRollingRestartIT {

  @TempDir Path dir;
  private final ActorTestKit waiting = ActorTestKit.create();
  private final ClusterHttp http = new ClusterHttp();
  private String schema = "";

  @AfterEach
  void tearDown() {
    waiting.shutdownTestKit();
    TestDatabases.dropSchema(schema);
  }

  private JsonNode get(String url) throws Exception {
    return http.get(url);
  }

  private void awaitFullCluster(TestProbe<Object> probe, List<NodeProcesses.Node> nodes) {
    http.awaitFullCluster(probe, nodes);
  }

  /** Waits until every node has routing table {@code version}, posted by {@code operator}, in force. */
  private void awaitRouting(TestProbe<Object> probe, List<NodeProcesses.Node> nodes, long version, String operator,
      boolean with51) {
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
      for (NodeProcesses.Node n : nodes) {
        JsonNode routing = get(n.management() + "/issuers").get("routing");
        assertThat(routing.get("version").asLong()).as("routing version on node " + n.index()).isEqualTo(version);
        assertThat(routing.get("by").asText()).isEqualTo(operator);
        assertThat(routing.at("/prefixes/4").asText()).isEqualTo("simulator");
        assertThat(routing.at("/prefixes/51").isMissingNode()).isEqualTo(!with51);
      }
      return null;
    });
  }

  /** Six authorizations of a card in an hour are allowed, anywhere in the cluster; a seventh is declined. */
  private static final String CARD_LIMIT = "review-score = 500, decline-score = 900, rules = "
      + "[{ id = card-1h, kind = card-count, window = 1h, limit = 6, score = 900 }]";

  private void awaitRiskRules(TestProbe<Object> probe, List<NodeProcesses.Node> nodes, long version) {
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
      for (NodeProcesses.Node n : nodes) {
        JsonNode rules = get(n.management() + "/risk/rules");
        assertThat(rules.get("version").asLong()).as("risk rules on node " + n.index()).isEqualTo(version);
        assertThat(rules.get("by").asText()).isEqualTo("demo");
        assertThat(rules.at("/ruleSet/rules/0/id").asText()).isEqualTo("card-1h");
      }
      return null;
    });
  }

  /** Nine authorizations of one card, through the three nodes in turn, each counted once: 1 to 9. */
  private void riskCountsACardOnceAcrossTheCluster(TestProbe<Object> probe, List<NodeProcesses.Node> nodes)
      throws Exception {
    var posted = http.post(nodes.get(0).management() + "/risk/rules", CARD_LIMIT);
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    awaitRiskRules(probe, nodes, 1);
    String pan = dev.switchyard.TestCards.pan("4000", 9_090_909);
    List<ResultCode> results = new ArrayList<>();
    List<Long> observed = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      NodeProcesses.Node via = nodes.get(i % 3);
      AcquirerResponse answer;
      try (SwitchClient client = SwitchClient.connect("127.0.0.1", via.gatewayPort(), Duration.ofSeconds(5))) {
        assertThat(client.hello("demo", "demo-secret").get(10, TimeUnit.SECONDS).getResult())
            .isEqualTo(ResultCode.APPROVED);
        String ref = "velocity-" + i + "-" + UUID.randomUUID();
        answer = client.send(AcquirerRequest.newBuilder().setRequestId(ref).setAuthorize(Authorize.newBuilder()
            .setAcquirerReference(ref).setMerchantId("m-" + i)
            .setAmount(Money.newBuilder().setMinorUnits(1_000).setCurrency("EUR"))
            .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(12).setExpiryYear(2031))))
            .get(30, TimeUnit.SECONDS);
      }
      results.add(answer.getResult());
      JsonNode decision = get(nodes.get((i + 1) % 3).management() + "/payments/"
          + answer.getPayment().getPaymentId() + "/risk").at("/decisions/0");
      observed.add(decision.at("/rules/0/observed").asLong());
    }
    assertThat(observed).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(results.subList(0, 6)).containsOnly(ResultCode.APPROVED);
    assertThat(results.subList(6, 9)).containsOnly(ResultCode.RISK_DECLINED);
  }

  @Test
  void aRollingRestartUnderLoadLosesNothingAndNodesAgreeOnTheCluster() throws Exception {
    TestDatabases.requirePostgres();
    schema = "switch_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    TestProbe<Object> probe = waiting.createTestProbe();
    try (NodeProcesses cluster = new NodeProcesses(dir, schema, 3)) {
      // The first seed forms the cluster alone; the others start once it is ready, so three JVM start-ups do not
      // starve each other of CPU on a small machine.
      cluster.startInOrder(3);
      List<NodeProcesses.Node> nodes = cluster.nodes();
      awaitFullCluster(probe, nodes);

      // Every node sees the same members and leader; no shard is hosted by two regions.
      Set<String> firstView = null;
      for (NodeProcesses.Node n : nodes) {
        JsonNode members = get(n.management() + "/cluster/members");
        Set<String> view = new TreeSet<>();
        members.get("members").forEach(m -> view.add(m.get("node").asText() + "=" + m.get("status").asText()));
        view.add("leader=" + members.get("leader").asText());
        if (firstView == null) {
          firstView = view;
        }
        assertThat(view).as("members seen from node " + n.index()).isEqualTo(firstView);
      }

      // A routing table posted to one node is in force on all three.
      var posted = http.post(nodes.get(0).management() + "/issuers/routing",
          "{routes = [{name = simulator, bins = [\"4\", \"51\"]}], default-route = simulator}");
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      awaitRouting(probe, nodes, 1, "demo", true);
      riskCountsACardOnceAcrossTheCluster(probe, nodes);

      List<InetSocketAddress> gateways = new ArrayList<>();
      for (NodeProcesses.Node n : nodes) {
        gateways.add(new InetSocketAddress("127.0.0.1", n.gatewayPort()));
      }
      List<FailoverClient> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(new FailoverClient(gateways, i, "demo", "demo-secret", 12, null).open());
      }
      ConcurrentLinkedQueue<ClusterFailoverIT.Acked> acked = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> inDoubt = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> payments = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean running = new AtomicBoolean(true);
      ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
      pacer.scheduleAtFixedRate(() -> {
        if (running.get()) {
          int k = sent.getAndIncrement();
          payments.add(ClusterFailoverIT.onePayment(clients.get(k % 3), k, acked, failures, inDoubt));
        }
      }, 0, 50, TimeUnit.MILLISECONDS);

      for (int i = 0; i < 3; i++) {
        NodeProcesses.Node leaving = nodes.get(i);
        leaving.process().destroy(); // SIGTERM: graceful leave
        assertThat(leaving.process().waitFor(90, TimeUnit.SECONDS)).as("node " + i + " stopped").isTrue();
        assertThat(leaving.process().exitValue()).as("exit code of node " + i).isZero();
        cluster.start(i);
        awaitFullCluster(probe, cluster.nodes());
      }
      // Every node left and came back; the table lives on in the others, and reached each one again by gossip.
      awaitRouting(probe, cluster.nodes(), 1, "demo", true);
      awaitRiskRules(probe, cluster.nodes(), 1);
      // The next change, posted to another node, is numbered after it.
      var next = http.post(cluster.nodes().get(1).management() + "/issuers/routing",
          "{routes = [{name = simulator, bins = [\"4\"]}], default-route = simulator}");
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
      awaitRouting(probe, cluster.nodes(), 2, "demo", false);
      running.set(false);
      pacer.shutdown();
      assertThat(pacer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.allOf(payments.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
      clients.forEach(FailoverClient::close);

      System.out.printf("[rolling restart] %d payments sent, %d operations acknowledged, %d in doubt%n",
          sent.get(), acked.size(), inDoubt.size());
      assertThat(failures).as("the only client errors are retried ones").isEmpty();
      assertThat(acked.size()).isGreaterThan(100);
      // Each node reports the shards its own region hosts: together they must not host any shard twice.
      Set<String> hosted = new TreeSet<>();
      int regions = 0;
      for (NodeProcesses.Node n : cluster.nodes()) {
        for (JsonNode region : get(n.management() + "/cluster/shards/Payment").get("regions")) {
          assertThat(hosted.add(region.get("shardId").asText()))
              .as("shard " + region.get("shardId") + " reported by two nodes").isTrue();
          regions++;
        }
      }
      assertThat(regions).as("shards are hosted after the load").isPositive();
      NodeProcesses.Node any = cluster.nodes().get(2);
      TestProbe<Object> reading = waiting.createTestProbe();
      for (ClusterFailoverIT.Acked a : acked) {
        // 503 means "not in time, try again" (a payment recovering on a busy machine): the API's contract.
        JsonNode payment = reading.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500),
            () -> get(any.management() + "/payments/" + a.paymentId())).get("payment");
        String field = a.op().equals("authorize") ? "authorizedMinor" : "capturedMinor";
        assertThat(payment.get(field).asLong()).as(a.toString()).isEqualTo(a.amount());
      }
    }
  }
}
