package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Overload on a real node over TCP: admission keeps the journal below its capacity, the excess is answered
 * OVERLOADED at once, what is let in is served (never TIMEOUT, never an error), and the node serves a normal load
 * cleanly right after. No timing is asserted: only what every request was answered.
 */
class GatewayOverloadIT {

  private static final int CONNECTIONS = 8;

  @TempDir Path dataDir;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<SwitchClient> clients = new ArrayList<>();
  private SwitchNode node;

  @BeforeEach
  void watchTheLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    clients.forEach(SwitchClient::close);
    if (node != null) {
      node.close();
    }
  }

  private SwitchNode start(Map<String, Object> extra) {
    Map<String, Object> config = new java.util.HashMap<>(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.data-dir", dataDir.toString(),
        "switch.gateway.port", 0,
        // The node's shedding is the subject, not an acquirer's rate (AcquirerLimitsIT's).
        "switch.gateway.limits.requests-per-period", 0));
    config.putAll(extra);
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(config)));
    return node;
  }

  private List<SwitchClient> sessions(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
          Duration.ofSeconds(5));
      client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS);
      clients.add(client);
    }
    return clients;
  }

  /** Sends {@code total} authorizations at once, spread over the connections, and counts the answers by result. */
  private Map<ResultCode, Integer> burst(List<SwitchClient> over, int total) throws Exception {
    List<CompletableFuture<AcquirerResponse>> answers = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      answers.add(over.get(i % over.size()).send(GatewayIT.authorizeOwnCard("burst-" + UUID.randomUUID(), 1_000)));
    }
    Map<ResultCode, Integer> byResult = new EnumMap<>(ResultCode.class);
    for (CompletableFuture<AcquirerResponse> answer : answers) {
      byResult.merge(answer.get(60, TimeUnit.SECONDS).getResult(), 1, Integer::sum);
    }
    System.out.printf("Burst of %d authorizations over %d connections: %s%n", total, over.size(), byResult);
    return byResult;
  }

  /** A normal load afterwards: one payment at a time, authorized and captured, every answer approved. */
  private void servesNormally(SwitchClient client, int payments) throws Exception {
    for (int i = 0; i < payments; i++) {
      AcquirerResponse auth = client.send(GatewayIT.authorizeOwnCard("calm-" + UUID.randomUUID(), 2_000))
          .get(30, TimeUnit.SECONDS);
      assertThat(auth.getResult()).as("authorization %d after the overload", i).isEqualTo(ResultCode.APPROVED);
      AcquirerResponse capture = client.send(GatewayIT.capture(auth.getPayment().getPaymentId(), 2_000, true))
          .get(30, TimeUnit.SECONDS);
      assertThat(capture.getResult()).as("capture %d after the overload", i).isEqualTo(ResultCode.APPROVED);
    }
  }

  private void assertNoErrorWasLogged() {
    assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  /** Hole 6, as found: 2,000 pipelined authorizations over 8 connections on a cold node, within every limit. */
  @Test
  void aBurstWithinTheLimitsOnAColdNodeIsServedWithoutATimeout() throws Exception {
    start(Map.of());
    Map<ResultCode, Integer> results = burst(sessions(CONNECTIONS), 2_000);
    assertThat(results.keySet()).as("results %s", results).containsOnly(ResultCode.APPROVED);
    assertNoErrorWasLogged();
    servesNormally(clients.get(0), 20);
  }

  /** Ten times that: the excess is refused at once, what is let in is served, and the node recovers at once. */
  @Test
  void aBurstOfTenTimesThatIsShedNotQueuedAndTheNodeServesRightAfter() throws Exception {
    start(Map.of("switch.gateway.max-in-flight", 4_000));
    Map<ResultCode, Integer> results = burst(sessions(CONNECTIONS), 20_000);
    assertThat(results.keySet()).as("results %s", results).containsOnly(ResultCode.APPROVED, ResultCode.OVERLOADED);
    assertThat(results.get(ResultCode.APPROVED)).as("results %s", results).isGreaterThanOrEqualTo(2_048);
    assertNoErrorWasLogged();
    servesNormally(clients.get(0), 20);
  }

  /**
   * A sustained offer far above what a node on this machine serves (5,000 authorizations a second for six
   * seconds, paced, not waiting for answers), then a normal load: the excess is refused, nothing times out or
   * fails, and the normal load is served at once.
   */
  @Test
  void aRunAboveCapacityIsFollowedByANormalLoadServedCleanly() throws Exception {
    start(Map.of("switch.gateway.max-in-flight", 4_000));
    List<SwitchClient> over = sessions(CONNECTIONS);
    int total = 30_000;
    long intervalNanos = 1_000_000_000L / 5_000;
    List<CompletableFuture<AcquirerResponse>> answers = new ArrayList<>(total);
    java.util.concurrent.ScheduledExecutorService pacer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    pacer.scheduleAtFixedRate(() -> {
      int i = next.getAndIncrement();
      if (i < total) {
        synchronized (answers) {
          answers.add(over.get(i % over.size()).send(GatewayIT.authorizeOwnCard("flood-" + UUID.randomUUID(), 1_000)));
        }
      } else {
        sent.complete(null);
      }
    }, 0, intervalNanos, TimeUnit.NANOSECONDS);
    try {
      sent.get(120, TimeUnit.SECONDS);
    } finally {
      pacer.shutdownNow();
    }
    Map<ResultCode, Integer> results = new EnumMap<>(ResultCode.class);
    synchronized (answers) {
      for (CompletableFuture<AcquirerResponse> answer : answers) {
        results.merge(answer.get(60, TimeUnit.SECONDS).getResult(), 1, Integer::sum);
      }
    }
    System.out.printf("Offered %d authorizations at 5,000/s: %s%n", total, results);
    assertThat(results.keySet()).as("results %s", results).containsOnly(ResultCode.APPROVED, ResultCode.OVERLOADED);
    assertThat(results).as("the offer was above capacity").containsKey(ResultCode.OVERLOADED);
    assertNoErrorWasLogged();
    servesNormally(clients.get(0), 50);
    assertNoErrorWasLogged();
  }

  /**
   * Hole 10: a client that pipelines requests and never reads its answers. Once its unread answers pass the write
   * buffer's high water mark the node stops reading it (its sends block in TCP), so it holds a bounded amount of
   * the node's memory, while another client is served as usual.
   */
  @Test
  void aClientThatSendsAndNeverReadsIsNoLongerReadAndOthersAreServed() throws Exception {
    start(Map.of());
    java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
    dev.switchyard.protocol.v1.AcquirerRequest.newBuilder().setCorrelationId(1)
        .setHello(dev.switchyard.protocol.v1.Hello.newBuilder().setAcquirerId("demo").setSecret("demo-secret"))
        .build().writeDelimitedTo(frames);
    byte[] hello = frames.toByteArray();
    frames.reset();
    for (int i = 0; i < 1_000; i++) {
      // Refused by validation: each is answered at once, and nothing else is done.
      GatewayIT.capture("not-a-payment", 100, false).setCorrelationId(i + 2).build().writeDelimitedTo(frames);
    }
    byte[] requests = frames.toByteArray();
    try (java.net.Socket greedy = new java.net.Socket()) {
      greedy.setReceiveBufferSize(64 * 1024);
      greedy.connect(new java.net.InetSocketAddress("127.0.0.1", node.gateway().address().getPort()));
      java.io.OutputStream out = greedy.getOutputStream();
      out.write(hello);
      java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
      Thread writer = new Thread(() -> {
        try {
          while (true) {
            out.write(requests);
            sent.addAndGet(requests.length);
          }
        } catch (java.io.IOException closed) {
          // The test closed the socket.
        }
      }, "greedy-client");
      writer.setDaemon(true);
      writer.start();
      org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<Object> probe =
          org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.create(node.system());
      probe.awaitAssert(Duration.ofSeconds(30), () -> {
        assertThat(node.gateway().pausedConnections()).isEqualTo(1);
        return null;
      });
      System.out.printf("The greedy client had sent %,d bytes when its reading was paused%n", sent.get());
      servesNormally(sessions(1).get(0), 20);
      assertThat(node.gateway().pausedConnections()).as("still paused: it still reads nothing").isEqualTo(1);
    }
  }

  /** Beyond the node's limit the answer is OVERLOADED, nothing is done, and slots free as answers go out. */
  @Test
  void beyondTheNodesInFlightLimitTheAnswerIsOverloadedAndNothingIsDone() throws Exception {
    start(Map.of("switch.gateway.max-in-flight", 10, "switch.gateway.max-in-flight-per-node", 3,
        "switch.gateway.new-payment-share", 1.0,
        "switch.gateway.request-timeout", "1s", "switch.payment.issuer-timeout", "2s"));
    SwitchClient client = sessions(1).get(0);
    List<CompletableFuture<AcquirerResponse>> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Amounts ending in 91: the simulated issuer never answers; each waits until the issuer deadline.
      slow.add(client.send(GatewayIT.authorizeOwnCard("slow-" + UUID.randomUUID(), 1_091)));
    }
    String ref = "shed-" + UUID.randomUUID();
    AcquirerResponse shed = client.send(GatewayIT.authorizeOwnCard(ref, 1_000)).get(5, TimeUnit.SECONDS);
    assertThat(shed.getResult()).isEqualTo(ResultCode.OVERLOADED);
    assertThat(shed.getReason()).contains("on this node");
    for (CompletableFuture<AcquirerResponse> f : slow) {
      assertThat(f.get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
    }
    String id = PaymentIds.derive("demo", ref);
    assertThat(client.send(GatewayIT.get(id)).get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.NOT_FOUND);
    assertThat(client.send(GatewayIT.authorizeOwnCard(ref, 1_000)).get(5, TimeUnit.SECONDS).getResult())
        .isEqualTo(ResultCode.APPROVED);
  }
}
