package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.issuer.sim.IsoIssuerSimulator;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.protocol.v1.Void;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with five issuers, each its own simulator over a real ISO 8583 link on loopback, one per outage: down
 * (stand-in and store-and-forward across a node restart), silent (in doubt, 0420 repeated, the breaker opens),
 * slow (a late 0110 is reversed), garbage and a flapping link; and a routing table reloaded under load, which adds
 * a sixth. Every test asserts what the issuers received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IssuerSideIT {

  private static final String CARD_A = "4111111111111111";
  private static final String CARD_B = "5555555555554444";
  private static final String CARD_B2 = "5105105105105100";
  private static final String CARD_C = "378282246310005";
  private static final String CARD_D = "6011111111111117";
  private static final String CARD_E = "3530111333300000";
  /** Routed to e by the configuration; the reload test moves its BIN to a route of its own. */
  private static final String CARD_MOVED = "2223000048400011";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private final Map<String, IsoIssuerSimulator> issuers = new HashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();
  private SwitchNode node;

  @BeforeAll
  void start() {
    for (String route : List.of("a", "b", "c", "d", "e")) {
      IsoIssuerSimulator sim = simulator(route, 0);
      ports.put(route, sim.port());
    }
    node = startNode();
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    issuers.values().forEach(IsoIssuerSimulator::close);
  }

  private IsoIssuerSimulator simulator(String route, int port) {
    IsoIssuerSimulator sim = IsoIssuerSimulator.start(new IsoIssuerSimulator.Settings("127.0.0.1", port,
        Duration.ZERO, Duration.ofSeconds(3), 91, 8192));
    issuers.put(route, sim);
    return sim;
  }

  private SwitchNode startNode() {
    List<Map<String, Object>> routes = table(BINS);
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("pekko.management.http.route-providers-read-only", false),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dataDir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.payment.issuer-timeout", "1s"),
        Map.entry("switch.payment.reversal-retry-min", "200ms"),
        Map.entry("switch.payment.reversal-retry-max", "1s"),
        Map.entry("switch.deadlines.sweep-interval", "500ms"),
        Map.entry("switch.issuer.simulator.embedded", false),
        Map.entry("switch.issuer.routes", routes),
        Map.entry("switch.issuer.default-route", "a"),
        Map.entry("switch.issuer.link.reconnect-max", "300ms"),
        Map.entry("switch.issuer.breaker.window", 4),
        Map.entry("switch.issuer.breaker.minimum-calls", 4),
        Map.entry("switch.issuer.breaker.open-for", "1h"),
        Map.entry("switch.issuer.stand-in.max-amount", 5_000),
        Map.entry("switch.issuer.stand-in.daily-count", 2),
        Map.entry("switch.issuer.stand-in.daily-amount", 8_000),
        Map.entry("switch.issuer.advices.nudge-interval", "300ms"),
        Map.entry("switch.issuer.advices.timeout", "1s")))));
  }

  private static final Map<String, List<String>> BINS = Map.of("a", List.of("4111"), "b", List.of("5555", "5105"),
      "c", List.of("3782"), "d", List.of("6011"), "e", List.of("3530", "2223"));

  /** The routes a to e with their endpoints, each with its BIN prefixes in {@code bins}. */
  private List<Map<String, Object>> table(Map<String, List<String>> bins) {
    List<Map<String, Object>> routes = new ArrayList<>();
    for (String route : List.of("a", "b", "c", "d", "e")) {
      routes.add(Map.of("name", route, "host", "127.0.0.1", "port", ports.get(route), "bins", bins.get(route)));
    }
    return routes;
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private SwitchClient session() throws Exception {
    SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5));
    assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult())
        .isEqualTo(ResultCode.APPROVED);
    return client;
  }

  private static AcquirerRequest.Builder request(String requestId, String pan, long amount) {
    return AcquirerRequest.newBuilder().setRequestId(requestId).setAuthorize(Authorize.newBuilder()
        .setAcquirerReference("ref-" + UUID.randomUUID()).setMerchantId("m-1")
        .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(amount).setCurrency("EUR"))
        .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(12).setExpiryYear(2031)));
  }

  private AcquirerResponse authorize(SwitchClient client, String pan, long amount) throws Exception {
    return client.send(request("auth-" + UUID.randomUUID(), pan, amount)).get(15, TimeUnit.SECONDS);
  }

  private void awaitAssert(Duration max, Runnable check) {
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(max, Duration.ofMillis(100), () -> {
      check.run();
      return null;
    });
  }

  private JsonNode http(String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(OperatorHttp.request(
          node.managementUri().replaceAll("/$", "") + path).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode route(String name) {
    for (JsonNode r : http("/issuers").get("routes")) {
      if (r.get("route").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no route " + name + " in GET /issuers");
  }

  private JsonNode event(String paymentId, String type) {
    for (JsonNode e : http("/payments/" + paymentId).get("timeline")) {
      if (e.get("type").asText().equals(type)) {
        return e.get("event").get(type);
      }
    }
    return null;
  }

  /** The types the issuer of {@code route} received for the payment of {@code paymentId}, in order. */
  private List<String> seen(String route, String paymentId) {
    String rrn = PaymentIds.rrn(paymentId);
    return issuers.get(route).seen().stream().filter(m -> rrn.equals(m.field(37)))
        .map(IsoIssuerSimulator.Seen::type).toList();
  }

  private static PaymentState state(SwitchClient client, String paymentId) {
    try {
      return client.send(AcquirerRequest.newBuilder().setGet(dev.switchyard.protocol.v1.GetPayment.newBuilder()
          .setPaymentId(paymentId))).get(5, TimeUnit.SECONDS).getPayment().getState();
    } catch (Exception e) {
      throw new AssertionError("get " + paymentId, e);
    }
  }

  // --- the outages ------------------------------------------------------------------------------------

  @Test
  void anIssuerDownIsStoodInForWithinLimitsAndGetsEveryAdviceInOrderAfterANodeRestart() throws Exception {
    String approvedByB;
    String standIn1;
    String standIn2;
    try (SwitchClient client = session()) {
      approvedByB = authorize(client, CARD_B2, 700).getPayment().getPaymentId();
      assertThat(seen("b", approvedByB)).containsExactly("0100");
      issuers.remove("b").close();
      awaitAssert(Duration.ofSeconds(10), () -> assertThat(route("b").get("state").asText()).isEqualTo("DOWN"));

      AcquirerResponse first = authorize(client, CARD_B, 1_000);
      assertThat(first.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(first.getPayment().getStandIn()).isTrue();
      standIn1 = first.getPayment().getPaymentId();
      AcquirerResponse tooLarge = authorize(client, CARD_B, 6_000);
      assertThat(tooLarge.getResult()).isEqualTo(ResultCode.STAND_IN_DECLINED);
      assertThat(tooLarge.getReason()).contains("5000 per authorization");
      assertThat(tooLarge.getPayment().getState()).isEqualTo(PaymentState.DECLINED);
      AcquirerResponse second = authorize(client, CARD_B, 2_000);
      assertThat(second.getPayment().getStandIn()).isTrue();
      standIn2 = second.getPayment().getPaymentId();
      // The void of a stand-in approval owes the issuer a reversal, which waits behind the approval's advice.
      AcquirerResponse voided = client.send(AcquirerRequest.newBuilder().setRequestId("void-" + UUID.randomUUID())
          .setVoid(Void.newBuilder().setPaymentId(standIn1))).get(10, TimeUnit.SECONDS);
      assertThat(voided.getPayment().getState()).isEqualTo(PaymentState.VOIDED);
      // A card on a route that is up is still the issuer's to decide.
      AcquirerResponse onE = authorize(client, CARD_E, 1_000);
      assertThat(onE.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(onE.getPayment().getStandIn()).isFalse();
      assertThat(seen("e", onE.getPayment().getPaymentId())).containsExactly("0100");
    }
    JsonNode authorized = event(standIn1, "authorized");
    assertThat(authorized.get("standIn").asBoolean()).isTrue();
    assertThat(authorized.get("source").asText()).isEqualTo("STAND_IN");
    assertThat(authorized.at("/standInApproval/route").asText()).isEqualTo("b");
    assertThat(authorized.at("/standInApproval/cause").asText()).isEqualTo("link down");
    assertThat(authorized.at("/standInApproval/limits").asText()).contains("5000 per authorization");
    assertThat(route("b").at("/advices/depth").asInt()).isEqualTo(2);
    assertThat(route("b").at("/health/standInApproved").asInt()).isEqualTo(2);

    node.close();
    node = startNode();
    try (SwitchClient client = session()) {
      AcquirerResponse third = authorize(client, CARD_B, 100);
      assertThat(third.getResult()).as("the day's count survived the restart").isEqualTo(ResultCode.STAND_IN_DECLINED);
      assertThat(third.getReason()).contains("2 approvals a day per card");
    }
    assertThat(route("b").at("/advices/depth").asInt()).isEqualTo(2);

    IsoIssuerSimulator back = simulator("b", ports.get("b"));
    awaitAssert(Duration.ofSeconds(20), () -> {
      assertThat(route("b").at("/advices/depth").asInt()).isZero();
      assertThat(seen("b", standIn1)).containsExactly("0120", "0420");
    });
    List<IsoIssuerSimulator.Seen> advices = back.seen().stream().filter(m -> m.type().startsWith("012")).toList();
    assertThat(advices).extracting(m -> m.field(37))
        .as("in the order of the approvals, each once: nothing was sent before the issuer came back")
        .containsExactly(PaymentIds.rrn(standIn1), PaymentIds.rrn(standIn2));
    IsoIssuerSimulator.Seen advice = advices.get(0);
    assertThat(advice.type()).isEqualTo("0120");
    assertThat(advice.field(4)).isEqualTo("000000001000");
    assertThat(advice.field(38)).isEqualTo(authorized.get("authCode").asText());
    assertThat(advice.field(39)).isEqualTo("00");
    assertThat(advice.fields()).as("no card number at rest, none in an advice").doesNotContainKey(2);
    assertThat(route("b").at("/advices/acknowledged").asInt()).isEqualTo(2);
  }

  @Test
  void anIssuerThatNeverAnswersLeavesPaymentsInDoubtReversedUntilAcknowledgedAndOpensTheBreaker()
      throws Exception {
    IsoIssuerSimulator a = issuers.get("a");
    a.mode(IsoIssuerSimulator.Mode.SILENT);
    List<String> inDoubt = new ArrayList<>();
    AcquirerRequest.Builder firstRequest = request("auth-" + UUID.randomUUID(), CARD_A, 1_500);
    AcquirerResponse firstAnswer;
    try (SwitchClient client = session()) {
      firstAnswer = client.send(firstRequest.clone()).get(15, TimeUnit.SECONDS);
      assertThat(firstAnswer.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      assertThat(firstAnswer.getPayment().getState()).isEqualTo(PaymentState.IN_DOUBT);
      inDoubt.add(firstAnswer.getPayment().getPaymentId());
      for (int i = 0; i < 3; i++) {
        AcquirerResponse r = authorize(client, CARD_A, 1_500);
        assertThat(r.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
        inDoubt.add(r.getPayment().getPaymentId());
      }
      // Four calls without an answer: the breaker opens (as each call's own timeout fires, which may be just
      // after the payment's deadline answered the acquirer), and the next one is not sent at all.
      awaitAssert(Duration.ofSeconds(5),
          () -> assertThat(route("a").at("/health/breaker").asText()).isEqualTo("OPEN"));
      AcquirerResponse stoodIn = authorize(client, CARD_A, 1_500);
      assertThat(stoodIn.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(stoodIn.getPayment().getStandIn()).isTrue();
      String standIn = stoodIn.getPayment().getPaymentId();
      assertThat(event(standIn, "authorized").at("/standInApproval/cause").asText()).isEqualTo("breaker open");
      assertThat(seen("a", standIn)).as("no authorization request reached the issuer").doesNotContain("0100");

      // Every in-doubt authorization is reversed: 0420, then 0421 while the issuer stays silent.
      awaitAssert(Duration.ofSeconds(15), () -> inDoubt.forEach(id ->
          assertThat(seen("a", id)).startsWith("0100", "0420").contains("0421")));
      a.mode(IsoIssuerSimulator.Mode.NORMAL);
      awaitAssert(Duration.ofSeconds(15), () -> {
        for (String id : inDoubt) {
          assertThat(state(client, id)).isEqualTo(PaymentState.VOIDED);
        }
        // The link was up, so the advice went out at once and was repeated while the issuer stayed silent.
        assertThat(seen("a", standIn)).startsWith("0120").containsOnly("0120", "0121").containsOnlyOnce("0120");
        assertThat(route("a").at("/advices/depth").asInt()).isZero();
      });
      AcquirerResponse retry = client.send(firstRequest.clone()).get(15, TimeUnit.SECONDS);
      assertThat(retry.getResult()).as("the retry's answer is the authorization's: never approved")
          .isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      assertThat(retry.getPayment().getPaymentId()).isEqualTo(firstAnswer.getPayment().getPaymentId());
    }
    for (String id : inDoubt) {
      assertThat(event(id, "authorized")).as("never approved").isNull();
      assertThat(event(id, "reversed")).isNotNull();
    }
  }

  @Test
  void aLateAnswerAfterTheDeadlineIsReversedNeverApproved() throws Exception {
    IsoIssuerSimulator c = issuers.get("c");
    c.mode(IsoIssuerSimulator.Mode.SLOW);
    try (SwitchClient client = session()) {
      AcquirerResponse late = authorize(client, CARD_C, 1_000);
      assertThat(late.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      String id = late.getPayment().getPaymentId();
      // The simulator approves after 3 s, past the 1 s deadline: the answer matches nothing any more.
      awaitAssert(Duration.ofSeconds(15), () -> {
        assertThat(route("c").get("unmatched").asInt()).isPositive();
        assertThat(seen("c", id)).startsWith("0100", "0420");
      });
      c.mode(IsoIssuerSimulator.Mode.NORMAL);
      awaitAssert(Duration.ofSeconds(15), () -> {
        assertThat(state(client, id)).isEqualTo(PaymentState.VOIDED);
      });
      assertThat(event(id, "authorized")).as("the late approval changed nothing").isNull();
    }
  }

  @Test
  void garbageAndAFlappingLinkChangeNoPaymentAndTheLinkComesBack() throws Exception {
    IsoIssuerSimulator d = issuers.get("d");
    List<String> unknown = new ArrayList<>();
    try (SwitchClient client = session()) {
      d.mode(IsoIssuerSimulator.Mode.GARBAGE);
      AcquirerResponse onGarbage = authorize(client, CARD_D, 1_000);
      assertThat(onGarbage.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      unknown.add(onGarbage.getPayment().getPaymentId());
      assertThat(route("d").get("protocolErrors").asInt()).isPositive();
      d.mode(IsoIssuerSimulator.Mode.DROP);
      long reconnects = route("d").get("reconnects").asLong();
      for (int i = 0; i < 2; i++) {
        AcquirerResponse dropped = authorize(client, CARD_D, 1_000);
        assertThat(dropped.getResult()).as("the connection closed on the request: in doubt")
            .isIn(ResultCode.ISSUER_UNAVAILABLE, ResultCode.APPROVED);
        if (dropped.getResult() == ResultCode.ISSUER_UNAVAILABLE) {
          unknown.add(dropped.getPayment().getPaymentId());
        } else {
          assertThat(dropped.getPayment().getStandIn()).as("approved only by stand-in while down").isTrue();
        }
      }
      awaitAssert(Duration.ofSeconds(10), () ->
          assertThat(route("d").get("reconnects").asLong()).isGreaterThan(reconnects));
      d.mode(IsoIssuerSimulator.Mode.NORMAL);
      awaitAssert(Duration.ofSeconds(20), () -> {
        assertThat(route("d").get("state").asText()).isEqualTo("UP");
        for (String id : unknown) {
          assertThat(state(client, id)).isEqualTo(PaymentState.VOIDED);
          assertThat(seen("d", id)).contains("0100").containsAnyOf("0420", "0421");
        }
      });
    }
    for (String id : unknown) {
      assertThat(event(id, "authorized")).isNull();
    }
  }

  // --- routing -----------------------------------------------------------------------------------------

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(OperatorHttp.request(
        node.managementUri().replaceAll("/$", "") + path)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One authorization of the load: its payment, and when it was sent and answered relative to the reload. */
  private record Sent(String paymentId, boolean answeredBeforeReload, boolean sentAfterReload) {}

  @Test
  void aRoutingTableReloadedUnderLoadRoutesNewPaymentsOnlyAndRefusesABadTableWhole() throws Exception {
    IsoIssuerSimulator f = simulator("f", 0);
    Map<String, List<String>> moved = new HashMap<>(BINS);
    moved.put("e", List.of("3530"));
    List<Map<String, Object>> next = new ArrayList<>(table(moved));
    next.add(Map.of("name", "f", "host", "127.0.0.1", "port", f.port(), "bins", List.of("2223")));
    String table = JSON.writeValueAsString(Map.of("routes", next, "default-route", "a"));

    java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean reloaded = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ConcurrentLinkedQueue<Sent> sent = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
    String before;
    try (SwitchClient client = session()) {
      before = authorize(client, CARD_MOVED, 1_000).getPayment().getPaymentId();
      assertThat(seen("e", before)).containsExactly("0100");
      List<java.util.concurrent.CompletableFuture<?>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        workers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
          while (running.get()) {
            boolean after = reloaded.get();
            try {
              // A card of the moved BIN per payment: one card's hundreds would be declined by risk.
              AcquirerResponse r = authorize(client, dev.switchyard.TestCards.pan("2223",
                  java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000_000)), 1_000);
              if (r.getResult() != ResultCode.APPROVED || r.getPayment().getStandIn()) {
                wrong.add(r.getResult() + " " + r.getReason());
              }
              sent.add(new Sent(r.getPayment().getPaymentId(), !reloading.get(), after));
            } catch (Exception e) {
              wrong.add(e.toString());
            }
          }
        }));
      }
      awaitAssert(Duration.ofSeconds(20), () -> assertThat(sent).hasSizeGreaterThan(20));
      reloading.set(true);
      HttpResponse<String> accepted = post("/issuers/routing", table);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      reloaded.set(true);
      assertThat(JSON.readTree(accepted.body()).at("/routing/version").asLong()).isEqualTo(1);
      awaitAssert(Duration.ofSeconds(20),
          () -> assertThat(sent.stream().filter(Sent::sentAfterReload).count()).isGreaterThan(20));
      running.set(false);
      java.util.concurrent.CompletableFuture.allOf(workers.toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(30, TimeUnit.SECONDS);

      // The payment routed before the reload keeps its issuer: its increment and its reversal go to e.
      AcquirerResponse raised = client.send(AcquirerRequest.newBuilder().setRequestId("inc-" + UUID.randomUUID())
          .setIncrement(dev.switchyard.protocol.v1.IncrementAuthorization.newBuilder().setPaymentId(before)
              .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(500).setCurrency("EUR"))))
          .get(10, TimeUnit.SECONDS);
      assertThat(raised.getResult()).as(raised.getReason()).isEqualTo(ResultCode.APPROVED);
      AcquirerResponse voided = client.send(AcquirerRequest.newBuilder().setRequestId("void-" + UUID.randomUUID())
          .setVoid(Void.newBuilder().setPaymentId(before))).get(10, TimeUnit.SECONDS);
      assertThat(voided.getPayment().getState()).isEqualTo(PaymentState.VOIDED);
      awaitAssert(Duration.ofSeconds(10), () -> assertThat(seen("e", before)).containsExactly("0100", "0100", "0420"));
      assertThat(seen("f", before)).isEmpty();
    }
    assertThat(wrong).as("every authorization of the load approved by its issuer").isEmpty();
    long onE = 0;
    long onF = 0;
    for (Sent p : sent) {
      List<String> e = seen("e", p.paymentId());
      List<String> onNew = seen("f", p.paymentId());
      assertThat(e.size() + onNew.size()).as(p + " reached exactly one issuer, once").isEqualTo(1);
      if (p.answeredBeforeReload()) {
        assertThat(e).as(p + " was answered before the reload").containsExactly("0100");
      }
      if (p.sentAfterReload()) {
        assertThat(onNew).as(p + " was sent after the reload").containsExactly("0100");
      }
      onE += e.size();
      onF += onNew.size();
    }
    System.out.printf("[routing reload] %d authorizations under load: %d to e before the reload, %d to f after%n",
        sent.size(), onE, onF);

    JsonNode routing = http("/issuers").get("routing");
    assertThat(routing.get("version").asLong()).isEqualTo(1);
    assertThat(routing.get("by").asText()).isEqualTo("demo");
    assertThat(routing.at("/prefixes/2223").asText()).isEqualTo("f");
    assertThat(routing.at("/prefixes/3530").asText()).isEqualTo("e");
    awaitAssert(Duration.ofSeconds(10), () -> assertThat(route("f").get("state").asText()).isEqualTo("UP"));

    // A bad table is refused whole, naming the field; the table in force stays.
    Map<String, String> refusals = new java.util.LinkedHashMap<>();
    refusals.put(table.replace("\"2223\"", "\"22x3\""), "routes.f.bins");
    refusals.put(table.replace("\"default-route\":\"a\"", "\"default-route\":\"nowhere\""), "default-route");
    refusals.put(table.replace("\"default-route\"", "\"default_route\""), "default_route");
    refusals.put("{routes = [{name = g, bins = [\"6\"]}], default-route = a}", "routes[0]");
    refusals.put("{routes = [{name = a, host = \"127.0.0.1\", port = 1, bins = []}], default-route = a}",
        "routes[0].host");
    refusals.put("{routes = [", "body");
    for (Map.Entry<String, String> bad : refusals.entrySet()) {
      HttpResponse<String> refused = post("/issuers/routing", bad.getKey());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).get("field").asText()).as(refused.body()).isEqualTo(bad.getValue());
    }
    JsonNode after = http("/issuers").get("routing");
    assertThat(after.get("version").asLong()).isEqualTo(1);
    assertThat(after.at("/prefixes/2223").asText()).isEqualTo("f");
    try (SwitchClient client = session()) {
      String later = authorize(client, CARD_MOVED, 1_000).getPayment().getPaymentId();
      assertThat(seen("f", later)).containsExactly("0100");
    }
  }
}
