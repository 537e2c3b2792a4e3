package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.PublishedEvent;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for a while (its own broker, stopped and started again on the same data): the mirror
 * stalls and reports its lag, the gateway keeps serving, and once the broker is back every event arrives.
 */
class PulsarOutageIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theMirrorStallsReportsItsLagAndCatchesUpWhileTheGatewayKeepsServing() throws Exception {
    int metricsPort;
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    String topic = "persistent://public/default/outage-" + UUID.randomUUID().toString().substring(0, 8);
    try (PulsarBroker broker = PulsarBroker.start(dir.resolve("broker"));
        SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("pekko.remote.artery.canonical.port", 0),
            Map.entry("pekko.management.http.port", 0),
            Map.entry("switch.data-dir", dir.resolve("data").toString()),
            Map.entry("switch.gateway.port", 0),
            Map.entry("switch.metrics.enabled", true),
            Map.entry("kamon.metric.tick-interval", "1s"),
            Map.entry("kamon.prometheus.embedded-server.port", metricsPort),
            Map.entry("switch.pulsar.enabled", true),
            Map.entry("switch.pulsar.service-url", broker.serviceUrl()),
            Map.entry("switch.pulsar.auth-token-file", broker.nodeTokenFile()),
            Map.entry("switch.pulsar.mirror.topic", topic),
            Map.entry("switch.pulsar.mirror.lag-interval", "1s"),
            Map.entry("switch.pulsar.commands.enabled", false)))));
        PulsarClient pulsar = broker.client();
        SwitchClient acquirer = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
            Duration.ofSeconds(5))) {
      acquirer.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      Consumer<byte[]> consumer = pulsar.newConsumer().topic(topic).subscriptionName("outage")
          .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
      TestProbe<Object> probe = TestProbe.create(node.system());

      payments(acquirer, 10);
      Map<String, Set<Long>> got = new HashMap<>();
      int duplicates = receiveUntil(consumer, got, journalCount(node));

      broker.stop();
      // The gateway serves acquirers while the broker is away.
      payments(acquirer, 20);
      long expected = journalCount(node);
      HttpClient http = HttpClient.newHttpClient();
      probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
        JsonNode status = JSON.readTree(http.send(OperatorHttp.request(
            node.managementUri() + "/mirrors/pulsar").build(), HttpResponse.BodyHandlers.ofString()).body());
        long lagging = 0;
        for (JsonNode slice : status.get("slices")) {
          lagging += slice.get("lagEvents").asLong();
          assertThat(slice.get("lagSeconds").asDouble()).isGreaterThanOrEqualTo(0);
        }
        assertThat(lagging).as("events waiting for the broker").isGreaterThan(0);
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("switch_mirror_lag_events{").contains("switch_mirror_lag_seconds{")
            .containsPattern("switch_mirror_lag_events\\{[^}]*mirror=\"pulsar\"[^}]*\\} [1-9]");
        return null;
      });

      broker.launch();
      duplicates += receiveUntil(consumer, got, expected);
      assertThat(got.values().stream().mapToLong(Set::size).sum()).isEqualTo(expected);
      System.out.printf("[pulsar-outage] %d events mirrored across the outage, %d duplicates%n", expected, duplicates);
      probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
        JsonNode status = JSON.readTree(http.send(OperatorHttp.request(
            node.managementUri() + "/mirrors/pulsar").build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode slice : status.get("slices")) {
          assertThat(slice.get("lagEvents").asLong()).as(slice.toString()).isZero();
        }
        return null;
      });
      consumer.close();
    }
  }

  @Test
  void aRecreatedJournalIsPublishedNotDroppedAsDuplicates() throws Exception {
    String topic = "persistent://public/default/recreated-" + UUID.randomUUID().toString().substring(0, 8);
    try (PulsarBroker broker = PulsarBroker.start(dir.resolve("broker"));
        PulsarClient pulsar = broker.client()) {
      Consumer<byte[]> consumer = pulsar.newConsumer().topic(topic).subscriptionName("recreated")
          .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
      Map<String, Set<Long>> got = new HashMap<>();
      long first;
      // A journal that writes a few hundred events, mirrored under the slices' stable producer names.
      try (SwitchNode node = node(dir.resolve("journal-1"), broker, topic);
          SwitchClient acquirer = session(node)) {
        payments(acquirer, 60);
        first = journalCount(node);
        receiveUntil(consumer, got, first);
      }
      // The journal is recreated (or restored from an older backup): its offsets start again from 1, below the
      // sequence ids the broker already has under those producer names.
      try (SwitchNode node = node(dir.resolve("journal-2"), broker, topic);
          SwitchClient acquirer = session(node)) {
        payments(acquirer, 5);
        receiveUntil(consumer, got, first + journalCount(node));
      }
      consumer.close();
    }
  }

  static SwitchNode node(Path data, PulsarBroker broker, String topic) {
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("switch.data-dir", data.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.pulsar.enabled", true),
        Map.entry("switch.pulsar.service-url", broker.serviceUrl()),
        Map.entry("switch.pulsar.auth-token-file", broker.nodeTokenFile()),
        Map.entry("switch.pulsar.mirror.topic", topic),
        Map.entry("switch.pulsar.commands.enabled", false)))));
  }

  static SwitchClient session(SwitchNode node) throws Exception {
    SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(), Duration.ofSeconds(5));
    client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
    return client;
  }

  static void payments(SwitchClient acquirer, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      AcquirerResponse auth = acquirer.send(GatewayIT.authorize("outage-" + UUID.randomUUID(), 2_000))
          .get(10, TimeUnit.SECONDS);
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(acquirer.send(GatewayIT.capture(auth.getPayment().getPaymentId(), 2_000, true))
          .get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
    }
  }

  static long journalCount(SwitchNode node) throws Exception {
    try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Receives until {@code expected} distinct events arrived; returns how many duplicates came with them. */
  static int receiveUntil(Consumer<byte[]> consumer, Map<String, Set<Long>> got, long expected) throws Exception {
    int duplicates = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (got.values().stream().mapToLong(Set::size).sum() < expected) {
      assertThat(System.nanoTime()).as("all %d events within 120 s", expected).isLessThan(deadline);
      Message<byte[]> m = consumer.receive(1, TimeUnit.SECONDS);
      if (m != null) {
        PublishedEvent e = PublishedEvent.parseFrom(m.getValue());
        if (!got.computeIfAbsent(e.getPaymentId(), k -> new HashSet<>()).add(e.getSequenceNr())) {
          duplicates++;
        }
        consumer.acknowledge(m);
      }
    }
    return duplicates;
  }
}
