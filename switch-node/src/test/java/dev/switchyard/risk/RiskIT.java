package dev.switchyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.TestCards;
import dev.switchyard.issuer.sim.IsoIssuerSimulator;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.IncrementAuthorization;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node deciding risk before an issuer over a real ISO 8583 link: what a decline sends (nothing), what a review
 * sends (the authorization, flagged), increments decided too, the decision audit across a restart, and a rule set
 * changed under load. Every test asserts what the issuer received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RiskIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Three authorizations of a card in a minute decline; a card of 5555 (GB) at a merchant in DE is a review. */
  private static final String RULES = """
      review-score = 300, decline-score = 700
      bin-countries { 5555 = GB }
      rules = [
        { id = card-burst, kind = card-count, window = 1m, limit = 2, score = 700 }
        { id = abroad, kind = country-mismatch, score = 300 }
        { id = big, kind = amount, currency = EUR, limit = 500000, score = 700 }
      ]""";

  @TempDir static Path dataDir;
  private final Random random = new Random(21);
  private IsoIssuerSimulator issuer;
  private SwitchNode node;

  @BeforeAll
  void start() {
    issuer = IsoIssuerSimulator.start(new IsoIssuerSimulator.Settings("127.0.0.1", 0, Duration.ZERO,
        Duration.ofSeconds(3), 91, 8192));
    node = startNode();
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private SwitchNode startNode() {
    Config overrides = ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("pekko.management.http.route-providers-read-only", false),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dataDir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.issuer.simulator.embedded", false),
        Map.entry("switch.issuer.routes", List.of(Map.of("name", "r", "host", "127.0.0.1", "port", issuer.port(),
            "bins", List.of("4", "5")))),
        Map.entry("switch.issuer.default-route", "r")))
        .withFallback(ConfigFactory.parseString(RULES).atPath("switch.risk.rule-set"));
    return SwitchNode.start(SwitchNode.loadConfig("local", overrides));
  }

  // --- the decisions ----------------------------------------------------------------------------------

  @Test
  void aRiskDeclinedPaymentSendsNothingToTheIssuerAndSaysWhy() throws Exception {
    String pan = pan("4");
    List<AcquirerResponse> answers = new ArrayList<>();
    try (SwitchClient client = session()) {
      for (int i = 0; i < 3; i++) {
        answers.add(send(client, authorize(pan, 1_000, a -> { })));
      }
    }
    assertThat(answers).extracting(AcquirerResponse::getResult)
        .containsExactly(ResultCode.APPROVED, ResultCode.APPROVED, ResultCode.RISK_DECLINED);
    AcquirerResponse declined = answers.get(2);
    assertThat(declined.getPayment().getState()).isEqualTo(PaymentState.DECLINED);
    assertThat(declined.getReason()).as("reason codes, never the rules' limits")
        .isEqualTo("declined by the switch's risk rules (card-burst)");
    assertThat(seen(answers.get(0).getPayment().getPaymentId())).containsExactly("0100");
    assertThat(seen(answers.get(1).getPayment().getPaymentId())).containsExactly("0100");
    assertThat(seen(declined.getPayment().getPaymentId())).as("nothing on the issuer link").isEmpty();

    JsonNode decision = http("/payments/" + declined.getPayment().getPaymentId() + "/risk").get("decisions").get(0);
    assertThat(decision.get("decision").asText()).isEqualTo("RISK_DECLINE");
    assertThat(decision.get("operation").asText()).isEqualTo("RISK_AUTHORIZATION");
    assertThat(decision.get("score").asInt()).isEqualTo(700);
    assertThat(decision.get("reasons").toString()).isEqualTo("[\"card-burst\"]");
    assertThat(decision.get("explanations").get(0).asText())
        .isEqualTo("3 authorizations on this card in the last minute, limit 2");
    JsonNode burst = decision.get("rules").get(0);
    assertThat(burst.get("observed").asLong()).isEqualTo(3);
    assertThat(burst.get("limit").asLong()).isEqualTo(2);
    assertThat(burst.get("triggered").asBoolean()).isTrue();

    JsonNode stats = http("/stats").get("risk");
    assertThat(stats.get("decline").asLong()).isPositive();
    assertThat(stats.at("/byReason/card-burst/decline").asLong()).isPositive();
  }

  @Test
  void aReviewIsRoutedAndFlaggedForAnOperator() throws Exception {
    AcquirerResponse answer;
    try (SwitchClient client = session()) {
      answer = send(client, authorize(pan("5555"), 1_000, a -> a.setMerchantCountry("DE")));
    }
    assertThat(answer.getResult()).isEqualTo(ResultCode.APPROVED);
    String id = answer.getPayment().getPaymentId();
    assertThat(seen(id)).containsExactly("0100");
    JsonNode payment = http("/payments/" + id);
    assertThat(payment.at("/risk/decision").asText()).isEqualTo("RISK_REVIEW");
    assertThat(payment.at("/risk/reasons/0").asText()).isEqualTo("abroad");
    JsonNode decision = http("/payments/" + id + "/risk").at("/decisions/0");
    assertThat(decision.at("/explanations/0").asText()).isEqualTo("card issued in GB, merchant in DE");
  }

  @Test
  void anIncrementIsDecidedTooAndADeclinedOneIsNotSent() throws Exception {
    String id;
    AcquirerResponse increment;
    try (SwitchClient client = session()) {
      id = send(client, authorize(pan("4"), 1_000, a -> { })).getPayment().getPaymentId();
      increment = send(client, AcquirerRequest.newBuilder().setRequestId("inc-" + UUID.randomUUID())
          .setIncrement(IncrementAuthorization.newBuilder().setPaymentId(id).setAmount(eur(600_000))));
    }
    assertThat(increment.getResult()).isEqualTo(ResultCode.RISK_DECLINED);
    assertThat(increment.getPayment().getAuthorizedMinor()).as("the hold is unchanged").isEqualTo(1_000);
    assertThat(seen(id)).as("the authorization only").containsExactly("0100");
    JsonNode decisions = http("/payments/" + id + "/risk").get("decisions");
    assertThat(decisions).hasSize(2);
    assertThat(decisions.get(1).get("operation").asText()).isEqualTo("RISK_INCREMENT");
    assertThat(decisions.get(1).get("explanations").get(0).asText())
        .isEqualTo("an amount of 6000.00 EUR, limit 5000.00 EUR");
  }

  @Test
  void theDecisionAuditSurvivesARestartReplaysToTheSameViewAndHoldsNoPan() throws Exception {
    String pan = pan("4");
    String id;
    try (SwitchClient client = session()) {
      id = send(client, authorize(pan, 2_500, a -> a.setDeviceId("dev-9").setIpAddress("198.51.100.4")
          .setMerchantCategory("5411").setMerchantCountry("FR"))).getPayment().getPaymentId();
    }
    JsonNode before = http("/payments/" + id + "/risk");
    JsonNode inputs = before.at("/decisions/0/inputs");
    assertThat(inputs.get("cardBin").asText()).isEqualTo(pan.substring(0, 6));
    assertThat(inputs.get("cardLast4").asText()).isEqualTo(pan.substring(pan.length() - 4));
    assertThat(inputs.get("cardHash").asText()).hasSize(64);
    assertThat(inputs.get("deviceId").asText()).isEqualTo("dev-9");
    assertThat(inputs.get("ipAddress").asText()).isEqualTo("198.51.100.4");
    assertThat(inputs.get("merchantCategory").asText()).isEqualTo("5411");
    assertThat(before.at("/decisions/0/ruleSetVersion").asLong())
        .isEqualTo(http("/risk/rules").get("version").asLong());
    assertThat(before.toString()).doesNotContain(pan);
    assertThat(journal(id)).as("the events as stored").doesNotContain(pan).contains("card-burst");

    node.close();
    node = startNode();
    JsonNode after = http("/payments/" + id + "/risk");
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aRuleSetChangeUnderLoadAppliesToNewPaymentsOnlyAndABadOneChangesNothing() throws Exception {
    long versionBefore = http("/risk/rules").get("version").asLong();
    HttpResponse<String> bad = post("/risk/rules", RULES.replace("window = 1m", "window = 2h"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("field").asText()).isEqualTo("rules[0].window");
    assertThat(http("/risk/rules").get("version").asLong()).as("nothing changed").isEqualTo(versionBefore);

    // Four clients authorize 1,000 each, one card each, until well after the change to a limit of 500.
    record Sent(long sentAtNanos, long answeredAtNanos, AcquirerResponse answer) {}
    ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread t = new Thread(() -> {
        try (SwitchClient client = session()) {
          while (running.get()) {
            long at = System.nanoTime();
            AcquirerResponse answer = send(client, authorize(pan("4"), 1_000, a -> { }));
            sent.add(new Sent(at, System.nanoTime(), answer));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      clients.add(t);
    }
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
      assertThat(sent).hasSizeGreaterThan(20);
      return null;
    });
    long postedAt = System.nanoTime();
    HttpResponse<String> changed = post("/risk/rules", RULES.replace("limit = 500000", "limit = 500"));
    long changedAt = System.nanoTime();
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    long version = JSON.readTree(changed.body()).get("version").asLong();
    assertThat(version).isGreaterThan(versionBefore);
    int atChange = sent.size();
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
      assertThat(sent.size()).isGreaterThan(atChange + 20);
      return null;
    });
    running.set(false);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(20));
    }

    int old = 0;
    int next = 0;
    for (Sent s : sent) {
      String id = s.answer().getPayment().getPaymentId();
      JsonNode decision = http("/payments/" + id + "/risk").at("/decisions/0");
      long decidedBy = decision.get("ruleSetVersion").asLong();
      if (s.answeredAtNanos() < postedAt) {
        assertThat(decidedBy).as("answered before the change").isEqualTo(versionBefore);
      }
      if (s.sentAtNanos() > changedAt) {
        assertThat(decidedBy).as("sent after the change was in force").isEqualTo(version);
      }
      if (decidedBy == version) {
        next++;
        assertThat(s.answer().getResult()).isEqualTo(ResultCode.RISK_DECLINED);
        assertThat(seen(id)).isEmpty();
      } else {
        old++;
        assertThat(decidedBy).isEqualTo(versionBefore);
        assertThat(s.answer().getResult()).isEqualTo(ResultCode.APPROVED);
        assertThat(state(id)).as("a payment decided before keeps its decision").isEqualTo("AUTHORIZED");
      }
    }
    assertThat(old).isGreaterThan(20);
    assertThat(next).isGreaterThan(20);
    // Back to the set of the other tests, as a new version.
    assertThat(post("/risk/rules", RULES).statusCode()).isEqualTo(200);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private SwitchClient session() throws Exception {
    SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5));
    assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult())
        .isEqualTo(ResultCode.APPROVED);
    return client;
  }

  private static AcquirerResponse send(SwitchClient client, AcquirerRequest.Builder request) throws Exception {
    return client.send(request).get(15, TimeUnit.SECONDS);
  }

  private static Money eur(long minor) {
    return Money.newBuilder().setMinorUnits(minor).setCurrency("EUR").build();
  }

  private static AcquirerRequest.Builder authorize(String pan, long amount, Consumer<Authorize.Builder> more) {
    Authorize.Builder a = Authorize.newBuilder().setAcquirerReference("risk-" + UUID.randomUUID())
        .setMerchantId("m-risk").setAmount(eur(amount))
        .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(12).setExpiryYear(2031));
    more.accept(a);
    return AcquirerRequest.newBuilder().setRequestId("auth-" + UUID.randomUUID()).setAuthorize(a);
  }

  /** A card number starting with {@code prefix}, new for each call. */
  private synchronized String pan(String prefix) {
    return TestCards.pan(prefix, random.nextInt(1_000_000_000));
  }

  /** The message types the issuer received for {@code paymentId}, in order. */
  private List<String> seen(String paymentId) {
    String rrn = PaymentIds.rrn(paymentId);
    return issuer.seen().stream().filter(m -> rrn.equals(m.field(37))).map(IsoIssuerSimulator.Seen::type).toList();
  }

  private String state(String paymentId) {
    return http("/payments/" + paymentId).at("/payment/state").asText();
  }

  /** Every stored event of the payment, as text (the payload bytes read as ISO-8859-1). */
  private String journal(String paymentId) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = node.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT \"event_payload\" FROM \"event_journal\" WHERE \"persistence_id\" = ?"
                + " ORDER BY \"sequence_number\"")) {
      s.setString(1, "Payment|" + paymentId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          all.append(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1));
        }
      }
    }
    assertThat(all).as("events of " + paymentId).isNotEmpty();
    return all.toString();
  }

  private JsonNode http(String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(OperatorHttp.request(
          node.managementUri().replaceAll("/$", "") + path).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(OperatorHttp.request(
            node.managementUri().replaceAll("/$", "") + path)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
