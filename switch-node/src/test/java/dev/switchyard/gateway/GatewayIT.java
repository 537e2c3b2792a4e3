package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.Reply;
import dev.switchyard.payment.SaltedSecret;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.Capture;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.GetPayment;
import dev.switchyard.protocol.v1.Hello;
import dev.switchyard.protocol.v1.IncrementAuthorization;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.Refund;
import dev.switchyard.protocol.v1.ResultCode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway end to end over real TCP sockets, against a node started in the test on an H2 file journal. */
public class GatewayIT {

  static final String SECRET = "demo-secret";

  @TempDir static Path dataDir;
  static SwitchNode node;
  static int port;

  static SwitchNode startNode() throws java.io.IOException {
    // A second and a third acquirer, the way a deployment adds them: a file of `id = secret` lines.
    Path acquirers = dataDir.resolve("acquirers.conf");
    java.nio.file.Files.writeString(acquirers, "acq-a = \"" + SaltedSecret.hash("secret-a") + "\"\nacq-b = \""
        + SaltedSecret.hash("secret-b") + "\"\n");
    return SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("switch.gateway.acquirers-file", acquirers.toString()),
        Map.entry("pekko.remote.artery.canonical.port", 0),
        Map.entry("pekko.management.http.port", 0),
        Map.entry("switch.metrics.enabled", false),
        Map.entry("switch.data-dir", dataDir.toString()),
        Map.entry("switch.gateway.port", 0),
        Map.entry("switch.gateway.max-in-flight", 4),
        Map.entry("switch.gateway.request-timeout", "1s"),
        Map.entry("switch.gateway.hello-timeout", "1s"),
        Map.entry("switch.gateway.idle-timeout", "3s"),
        Map.entry("switch.gateway.max-frame-size", "4KiB"),
        Map.entry("switch.payment.issuer-timeout", "3s"),
        // These tests leave many authorizations unanswered on purpose; the route's breaker, which would then
        // stand in for the next ones, is IssuerSideIT's subject.
        Map.entry("switch.issuer.breaker.minimum-calls", 1_000),
        Map.entry("switch.issuer.breaker.window", 1_000)))));
  }

  @BeforeAll
  static void start() throws Exception {
    node = startNode();
    port = node.gateway().address().getPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static SwitchClient connect() throws Exception {
    return SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5));
  }

  static SwitchClient session() throws Exception {
    return session("demo", SECRET);
  }

  static SwitchClient session(String acquirer, String secret) throws Exception {
    SwitchClient client = connect();
    assertThat(client.hello(acquirer, secret).get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
    return client;
  }

  static AcquirerResponse call(SwitchClient client, AcquirerRequest.Builder request) throws Exception {
    return client.send(request).get(10, TimeUnit.SECONDS);
  }

  /** An authorization of {@code amount} with the card 4111 1111 1111 1111. */
  public static AcquirerRequest.Builder authorize(String ref, long amount) {
    return authorize(ref, amount, "4111111111111111");
  }

  /**
   * An authorization of {@code amount} with a card of its own (4111…), as many cardholders would: one card's
   * hundreds in a minute would be declined by the risk rules.
   */
  public static AcquirerRequest.Builder authorizeOwnCard(String ref, long amount) {
    return authorize(ref, amount, dev.switchyard.TestCards.pan("411111", ref.hashCode()));
  }

  public static AcquirerRequest.Builder authorize(String ref, long amount, String pan) {
    return AcquirerRequest.newBuilder().setRequestId("auth-" + UUID.randomUUID()).setAuthorize(Authorize.newBuilder()
        .setAcquirerReference(ref).setMerchantId("m-1")
        .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(amount).setCurrency("EUR"))
        .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(12).setExpiryYear(2031)));
  }

  public static AcquirerRequest.Builder capture(String paymentId, long amount, boolean isFinal) {
    return AcquirerRequest.newBuilder().setRequestId("cap-" + UUID.randomUUID()).setCapture(Capture.newBuilder()
        .setPaymentId(paymentId).setFinal(isFinal)
        .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(amount).setCurrency("EUR")));
  }

  public static AcquirerRequest.Builder refund(String paymentId, long amount) {
    return AcquirerRequest.newBuilder().setRequestId("ref-" + UUID.randomUUID()).setRefund(Refund.newBuilder()
        .setPaymentId(paymentId)
        .setAmount(dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(amount).setCurrency("EUR")));
  }

  public static AcquirerRequest.Builder get(String paymentId) {
    return AcquirerRequest.newBuilder().setGet(GetPayment.newBuilder().setPaymentId(paymentId));
  }

  /** A healthy connection still works: what broke one connection took nothing else down. */
  static void assertNodeStillServes() throws Exception {
    try (SwitchClient other = session()) {
      AcquirerResponse answer = call(other, authorize("still-" + UUID.randomUUID(), 100));
      assertThat(answer.getResult()).isEqualTo(ResultCode.APPROVED);
    }
  }

  @Test
  void theWholeLifecycleOfAPayment() throws Exception {
    try (SwitchClient client = session()) {
      AcquirerResponse auth = call(client, authorize("life-" + UUID.randomUUID(), 10_000));
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
      String id = auth.getPayment().getPaymentId();
      assertThat(call(client, capture(id, 4_000, false)).getPayment().getState())
          .isEqualTo(PaymentState.PARTIALLY_CAPTURED);
      assertThat(call(client, capture(id, 5_000, true)).getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
      assertThat(call(client, refund(id, 2_000)).getPayment().getRefundedMinor()).isEqualTo(2_000);
      assertThat(call(client, refund(id, 3_000)).getPayment().getRefundedMinor()).isEqualTo(5_000);
      // A dispute arrives through the internal command path (the back office), not from the acquirer.
      Reply dispute = node.ask(id, r -> new PaymentCommand.OpenDispute("bo-" + UUID.randomUUID(), "CB-1",
          Money.of(4_000, "EUR"), "10.4", 0, r), Duration.ofSeconds(5)).toCompletableFuture().get();
      assertThat(dispute.outcome()).isEqualTo(dev.switchyard.payment.Outcome.APPROVED);
      AcquirerResponse after = call(client, get(id));
      assertThat(after.getPayment().getCapturedMinor()).isEqualTo(9_000);
      assertThat(after.getPayment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
      assertThat(call(client, refund(id, 1)).getResult()).isEqualTo(ResultCode.AMOUNT_EXCEEDS_AVAILABLE);
    }
  }

  /** The first command a newcomer runs goes through the real ISO 8583 link, to the simulator the node started. */
  @Test
  void anAuthorizationGoesOverTheIsoLinkWithItsCardNumberAndTrace() throws Exception {
    String ref = "iso-" + UUID.randomUUID();
    try (SwitchClient client = session()) {
      AcquirerResponse auth = call(client, authorize(ref, 4_321));
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
      String rrn = dev.switchyard.payment.PaymentIds.rrn(auth.getPayment().getPaymentId());
      var seen = node.issuers().embeddedSimulator().seen().stream()
          .filter(m -> m.type().equals("0100") && rrn.equals(m.field(37))).toList();
      assertThat(seen).singleElement().satisfies(m -> {
        assertThat(m.field(2)).isEqualTo("4111111111111111");
        assertThat(m.field(4)).isEqualTo("000000004321");
        assertThat(m.field(49)).isEqualTo("978");
        assertThat(m.field(14)).isEqualTo("3112");
      });
      assertThat(auth.getPayment().getAuthCode()).hasSize(6);
    }
  }

  /** A silent issuer: the authorization is IN_DOUBT and reversed with a real 0420 naming the original. */
  @Test
  void anUnansweredAuthorizationIsReversedWithAnAdviceNamingTheOriginal() throws Exception {
    try (SwitchClient client = session()) {
      AcquirerResponse auth = call(client, authorize("doubt-" + UUID.randomUUID(), 3_091));
      assertThat(auth.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      String rrn = dev.switchyard.payment.PaymentIds.rrn(auth.getPayment().getPaymentId());
      var simulator = node.issuers().embeddedSimulator();
      var original = simulator.seen().stream()
          .filter(m -> m.type().equals("0100") && rrn.equals(m.field(37))).findFirst().orElseThrow();
      TestProbe<Object> probe = TestProbe.create(node.system());
      probe.awaitAssert(Duration.ofSeconds(15), () -> {
        assertThat(simulator.seen()).filteredOn(m -> m.type().equals("0420") && rrn.equals(m.field(37)))
            .singleElement().satisfies(advice -> {
              assertThat(advice.field(90)).startsWith("0100" + original.field(11) + original.field(7));
              assertThat(advice.field(2)).as("the card number is not kept, so not sent again").isNull();
              assertThat(advice.field(4)).isEqualTo("000000003091");
            });
        assertThat(call(client, get(auth.getPayment().getPaymentId())).getPayment().getState())
            .isEqualTo(PaymentState.VOIDED);
        return null;
      });
    }
  }

  /** Tenant isolation: acquirer B can neither read nor move acquirer A's payment, by id or by reference. */
  @Test
  void anotherAcquirerCanNeitherReadNorTouchAPayment() throws Exception {
    String ref = "tenant-" + UUID.randomUUID();
    try (SwitchClient a = session("acq-a", "secret-a"); SwitchClient b = session("acq-b", "secret-b")) {
      AcquirerResponse auth = call(a, authorize(ref, 10_000));
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
      String id = auth.getPayment().getPaymentId();
      List<AcquirerRequest.Builder> attempts = List.of(
          get(id),
          AcquirerRequest.newBuilder().setGet(GetPayment.newBuilder().setAcquirerReference(ref)),
          capture(id, 1_000, false),
          refund(id, 1_000),
          AcquirerRequest.newBuilder().setRequestId("void-" + UUID.randomUUID())
              .setVoid(dev.switchyard.protocol.v1.Void.newBuilder().setPaymentId(id)),
          AcquirerRequest.newBuilder().setRequestId("inc-" + UUID.randomUUID())
              .setIncrement(IncrementAuthorization.newBuilder().setPaymentId(id).setAmount(
                  dev.switchyard.protocol.v1.Money.newBuilder().setMinorUnits(500).setCurrency("EUR"))));
      for (AcquirerRequest.Builder attempt : attempts) {
        AcquirerResponse answer = call(b, attempt);
        assertThat(answer.getResult()).as(attempt.getOperationCase().name()).isEqualTo(ResultCode.NOT_FOUND);
        assertThat(answer.hasPayment()).as("nothing of A's payment shows").isFalse();
      }
      AcquirerResponse after = call(a, get(id));
      assertThat(after.getPayment().getState()).isEqualTo(PaymentState.AUTHORIZED);
      assertThat(after.getPayment().getVersion()).as("B's attempts wrote nothing into A's payment")
          .isEqualTo(auth.getPayment().getVersion());
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredAsTheyFinishNotAsTheyWereSent() throws Exception {
    try (SwitchClient client = session()) {
      String id = call(client, authorize("pipe-" + UUID.randomUUID(), 500)).getPayment().getPaymentId();
      AtomicInteger order = new AtomicInteger();
      // 91 is never answered by the simulated issuer: this answer comes last, after the gateway's timeout.
      CompletableFuture<Integer> slow = client.send(authorize("slow-" + UUID.randomUUID(), 791))
          .thenApply(r -> order.incrementAndGet());
      List<CompletableFuture<Integer>> fast = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        fast.add(client.send(get(id)).thenApply(r -> order.incrementAndGet()));
      }
      for (CompletableFuture<Integer> f : fast) {
        assertThat(f.get(5, TimeUnit.SECONDS)).isLessThanOrEqualTo(3);
      }
      assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo(4);
    }
  }

  @Test
  void aRequestBeforeHelloIsRefusedAndTheConnectionClosed() throws Exception {
    try (SwitchClient client = connect()) {
      AcquirerResponse answer = call(client, get("pay_0123456789abcdef0123456789abcdef"));
      assertThat(answer.getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
      assertThat(answer.getField()).isEqualTo("hello");
      client.closed().get(5, TimeUnit.SECONDS);
    }
    assertNodeStillServes();
  }

  @Test
  void aWrongSecretIsRefusedAndTheConnectionClosed() throws Exception {
    try (SwitchClient client = connect()) {
      AcquirerResponse answer = client.hello("demo", "not-the-secret").get(5, TimeUnit.SECONDS);
      assertThat(answer.getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
      client.closed().get(5, TimeUnit.SECONDS);
    }
    try (SwitchClient client = connect()) {
      assertThat(client.hello("nobody", SECRET).get(5, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.UNAUTHENTICATED);
    }
  }

  @Test
  void failedHellosFromOneAddressAreThrottledWhileAnOpenSessionGoesOn() throws Exception {
    // A gateway of its own on this node, so that the address it throttles is not the other tests'.
    GatewaySettings throttled = GatewaySettings.create(ConfigFactory.parseMap(Map.of(
            "switch.gateway.port", 0,
            "switch.gateway.io-threads", 1,
            "switch.gateway.limits.failed-hellos", 3,
            "switch.gateway.limits.failed-hello-window", "1h"))
        .withFallback(node.system().settings().config()));
    GatewayServer second = GatewayServer.start(node.system(), throttled,
        new dev.switchyard.payment.CardProtector("a-test-key-of-enough-length"), java.time.Clock.systemUTC(),
        "throttled");
    int p = second.address().getPort();
    try (SwitchClient open = SwitchClient.connect("127.0.0.1", p, Duration.ofSeconds(5))) {
      assertThat(open.hello("demo", SECRET).get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
      for (int i = 0; i < 3; i++) {
        try (SwitchClient guess = SwitchClient.connect("127.0.0.1", p, Duration.ofSeconds(5))) {
          assertThat(guess.hello("demo", "guess-" + i).get(5, TimeUnit.SECONDS).getResult())
              .isEqualTo(ResultCode.UNAUTHENTICATED);
        }
      }
      try (SwitchClient late = SwitchClient.connect("127.0.0.1", p, Duration.ofSeconds(5))) {
        AcquirerResponse refused = late.hello("demo", SECRET).get(5, TimeUnit.SECONDS);
        assertThat(refused.getResult()).as("even the right secret, unchecked").isEqualTo(ResultCode.RATE_LIMITED);
        assertThat(refused.getField()).isEqualTo("hello");
        assertThat(refused.getRetryAfterMs()).isPositive();
        late.closed().get(5, TimeUnit.SECONDS);
      }
      assertThat(call(open, get("pay_0123456789abcdef0123456789abcdef")).getResult())
          .isEqualTo(ResultCode.NOT_FOUND);
    }
  }

  @Test
  void aClientThatNeverSaysHelloIsDisconnected() throws Exception {
    try (SwitchClient client = connect()) {
      List<AcquirerResponse> unsolicited = new ArrayList<>();
      client.onUnsolicited(unsolicited::add);
      client.closed().get(10, TimeUnit.SECONDS);
      assertThat(unsolicited).extracting(AcquirerResponse::getResult).containsExactly(ResultCode.UNAUTHENTICATED);
    }
  }

  @Test
  void garbageBytesGetAnErrorAnswerAndCloseOnlyThatConnection() throws Exception {
    try (SwitchClient client = session()) {
      List<AcquirerResponse> unsolicited = new ArrayList<>();
      client.onUnsolicited(unsolicited::add);
      client.sendRaw(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      client.closed().get(5, TimeUnit.SECONDS);
      assertThat(unsolicited).hasSize(1);
      assertThat(unsolicited.get(0).getResult()).isEqualTo(ResultCode.INVALID_REQUEST);
      assertThat(unsolicited.get(0).getField()).isEqualTo("frame");
    }
    assertNodeStillServes();
  }

  @Test
  void anOversizedLengthPrefixGetsAnErrorAnswerAndClosesOnlyThatConnection() throws Exception {
    try (SwitchClient client = session()) {
      List<AcquirerResponse> unsolicited = new ArrayList<>();
      client.onUnsolicited(unsolicited::add);
      client.sendRaw(new byte[] {(byte) 0x80, (byte) 0x80, 0x10}); // 262,144 bytes announced, limit 4 KiB
      client.closed().get(5, TimeUnit.SECONDS);
      assertThat(unsolicited).hasSize(1);
      assertThat(unsolicited.get(0).getReason()).contains("262144").contains("4096");
    }
    assertNodeStillServes();
  }

  @Test
  void aTruncatedFrameFollowedByADisconnectLeavesTheNodeServing() throws Exception {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    AcquirerRequest.newBuilder().setCorrelationId(1)
        .setHello(Hello.newBuilder().setAcquirerId("demo").setSecret(SECRET)).build().writeDelimitedTo(frame);
    byte[] bytes = frame.toByteArray();
    try (SwitchClient client = connect()) {
      client.sendRaw(java.util.Arrays.copyOf(bytes, bytes.length - 3));
    }
    assertNodeStillServes();
  }

  @Test
  void anIdleConnectionIsToldWhyAndClosed() throws Exception {
    try (SwitchClient client = session()) {
      List<AcquirerResponse> unsolicited = new ArrayList<>();
      client.onUnsolicited(unsolicited::add);
      client.closed().get(10, TimeUnit.SECONDS);
      assertThat(unsolicited).extracting(AcquirerResponse::getResult).containsExactly(ResultCode.TIMEOUT);
      assertThat(unsolicited.get(0).getField()).isEqualTo("connection");
    }
  }

  @Test
  void invalidRequestsAreRefusedWithTheFieldBeforeAnyPaymentExists() throws Exception {
    record Case(AcquirerRequest.Builder request, String field) {}
    String ref = "bad-" + UUID.randomUUID();
    List<Case> cases = List.of(
        new Case(authorize(ref, 0), "authorize.amount.minor_units"),
        new Case(authorize(ref, -10), "authorize.amount.minor_units"),
        new Case(authorize(ref, 100).setRequestId(""), "request_id"),
        new Case(mutate(authorize(ref, 100), a -> a.getAmountBuilder().setCurrency("XYZ")),
            "authorize.amount.currency"),
        new Case(mutate(authorize(ref, 100), a -> a.getAmountBuilder().setCurrency("eur")),
            "authorize.amount.currency"),
        new Case(mutate(authorize(ref, 100), a -> a.getCardBuilder().setPan("4111111111111112")),
            "authorize.card.pan"),
        new Case(mutate(authorize(ref, 100), a -> a.getCardBuilder().setPan("41111111111a1111")),
            "authorize.card.pan"),
        new Case(mutate(authorize(ref, 100), a -> a.getCardBuilder().setPan("4111")), "authorize.card.pan"),
        new Case(mutate(authorize(ref, 100), a -> a.getCardBuilder().setExpiryYear(2020)),
            "authorize.card.expiry_year"),
        new Case(mutate(authorize(ref, 100), a -> a.getCardBuilder().setExpiryMonth(13)),
            "authorize.card.expiry_month"),
        new Case(mutate(authorize(ref, 100), a -> a.clearCard()), "authorize.card"),
        new Case(mutate(authorize(ref, 100), a -> a.setMerchantId("m".repeat(65))), "authorize.merchant_id"),
        new Case(mutate(authorize(ref, 100), a -> a.setAcquirerReference("")), "authorize.acquirer_reference"),
        new Case(mutate(authorize(ref, 200_000_000_000L), a -> { }), "authorize.amount.minor_units"),
        new Case(mutate(authorize(ref, 100), a -> a.setDeviceId("d".repeat(129))), "authorize.device_id"),
        new Case(mutate(authorize(ref, 100), a -> a.setDeviceId("dev\n1")), "authorize.device_id"),
        new Case(mutate(authorize(ref, 100), a -> a.setIpAddress("256.1.1.1")), "authorize.ip_address"),
        new Case(mutate(authorize(ref, 100), a -> a.setIpAddress("localhost")), "authorize.ip_address"),
        new Case(mutate(authorize(ref, 100), a -> a.setIpAddress("2001:db8::g")), "authorize.ip_address"),
        new Case(mutate(authorize(ref, 100), a -> a.setChannelValue(42)), "authorize.channel"),
        new Case(mutate(authorize(ref, 100), a -> a.setMerchantCategory("541")), "authorize.merchant_category"),
        new Case(mutate(authorize(ref, 100), a -> a.setMerchantCategory("54x1")), "authorize.merchant_category"),
        new Case(mutate(authorize(ref, 100), a -> a.setMerchantCountry("de")), "authorize.merchant_country"),
        new Case(mutate(authorize(ref, 100), a -> a.setMerchantCountry("DEU")), "authorize.merchant_country"),
        new Case(capture("not-a-payment-id", 100, false), "capture.payment_id"),
        new Case(AcquirerRequest.newBuilder().setRequestId("x"), "operation"));
    try (SwitchClient client = session()) {
      for (Case c : cases) {
        AcquirerResponse answer = call(client, c.request());
        assertThat(answer.getResult()).as(c.field()).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(answer.getField()).isEqualTo(c.field());
        assertThat(answer.getReason()).isNotBlank().doesNotContain("4111111111111112");
      }
      AcquirerResponse lookup = call(client, AcquirerRequest.newBuilder()
          .setGet(GetPayment.newBuilder().setAcquirerReference(ref)));
      assertThat(lookup.getResult()).as("no payment was created").isEqualTo(ResultCode.NOT_FOUND);
    }
  }

  @Test
  void thePresentmentAnAcquirerGivesIsRecordedWithThePaymentAndIsOptional() throws Exception {
    String withIt;
    String without;
    try (SwitchClient client = session()) {
      withIt = call(client, mutate(authorize("pres-" + UUID.randomUUID(), 1_000), a -> a.setDeviceId("dev-7f3a")
          .setIpAddress("2001:DB8::1").setChannel(dev.switchyard.protocol.v1.Channel.ECOMMERCE)
          .setMerchantCategory("5411").setMerchantCountry("DE")))
          .getPayment().getPaymentId();
      AcquirerResponse plain = call(client, authorize("pres-" + UUID.randomUUID(), 1_000));
      assertThat(plain.getResult()).as("a client that says nothing of it").isEqualTo(ResultCode.APPROVED);
      without = plain.getPayment().getPaymentId();
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    String base = node.managementUri().replaceAll("/$", "");
    com.fasterxml.jackson.databind.JsonNode requested = json.readTree(http.send(OperatorHttp.request(
        base + "/payments/" + withIt).build(), HttpResponse.BodyHandlers.ofString()).body())
        .at("/timeline/0/event/authorizationRequested");
    assertThat(requested.get("deviceId").asText()).isEqualTo("dev-7f3a");
    assertThat(requested.get("ipAddress").asText()).as("canonical form").isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(requested.get("channel").asText()).isEqualTo("ECOMMERCE");
    assertThat(requested.get("merchantCategory").asText()).isEqualTo("5411");
    assertThat(requested.get("merchantCountry").asText()).isEqualTo("DE");
    com.fasterxml.jackson.databind.JsonNode plain = json.readTree(http.send(OperatorHttp.request(
        base + "/payments/" + without).build(), HttpResponse.BodyHandlers.ofString()).body())
        .at("/timeline/0/event/authorizationRequested");
    assertThat(plain.path("deviceId").asText()).isEmpty();
    assertThat(plain.path("ipAddress").asText()).isEmpty();
    assertThat(plain.path("channel").asText("CHANNEL_UNSPECIFIED")).isEqualTo("CHANNEL_UNSPECIFIED");
  }

  private static AcquirerRequest.Builder mutate(AcquirerRequest.Builder request,
      java.util.function.Consumer<Authorize.Builder> change) {
    change.accept(request.getAuthorizeBuilder());
    return request;
  }

  @Test
  void beyondTheInFlightLimitTheAnswerIsOverloaded() throws Exception {
    try (SwitchClient client = session()) {
      // Four in flight per connection here, of which authorizations may take three (new-payment-share 0.8).
      List<CompletableFuture<AcquirerResponse>> slow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        slow.add(client.send(authorize("busy-" + UUID.randomUUID(), 1_091)));
      }
      AcquirerResponse fourth = client.send(authorize("busy-" + UUID.randomUUID(), 1_000)).get(5, TimeUnit.SECONDS);
      assertThat(fourth.getResult()).isEqualTo(ResultCode.OVERLOADED);
      assertThat(fourth.getReason()).contains("new payments in flight on this connection");
      // The slot kept for payments already let in still takes a request on one of them.
      AcquirerResponse read = call(client, get("pay_0123456789abcdef0123456789abcdef"));
      assertThat(read.getResult()).isEqualTo(ResultCode.NOT_FOUND);
      for (CompletableFuture<AcquirerResponse> f : slow) {
        assertThat(f.get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      }
    }
  }

  /** Hole 7: the gateway waits for the issuer deadline, so a silent issuer gets its documented first answer. */
  @Test
  void anIssuerThatNeverAnswersGetsTheDocumentedFirstAnswerNotATimeout() throws Exception {
    try (SwitchClient client = session()) {
      // request-timeout is 1 s here, the issuer's deadline 3 s: the answer comes at 3 s, before the gateway gives up.
      AcquirerResponse first = call(client, authorize("silent-" + UUID.randomUUID(), 2_091));
      assertThat(first.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      assertThat(first.getReason()).isEqualTo("no issuer answer in time");
      assertThat(first.getPayment().getState()).isEqualTo(PaymentState.IN_DOUBT);
    }
  }

  /** Hole 7 too: a capture waiting behind an increment the issuer is deciding gets its answer, not TIMEOUT. */
  @Test
  void aCaptureBehindAnIncrementWithTheIssuerIsAnsweredNotTimedOut() throws Exception {
    try (SwitchClient client = session()) {
      String id = call(client, authorize("behind-" + UUID.randomUUID(), 5_000)).getPayment().getPaymentId();
      // The issuer never answers this increment: it holds the payment for its 3 s deadline, three times the
      // gateway's request timeout here; the capture sent meanwhile waits for it.
      CompletableFuture<AcquirerResponse> increment = client.send(AcquirerRequest.newBuilder()
          .setRequestId("inc-" + UUID.randomUUID()).setIncrement(IncrementAuthorization.newBuilder()
              .setPaymentId(id).setAmount(dev.switchyard.protocol.v1.Money.newBuilder()
                  .setMinorUnits(1_091).setCurrency("EUR"))));
      AcquirerResponse capture = call(client, capture(id, 5_000, true));
      assertThat(capture.getResult()).isEqualTo(ResultCode.APPROVED);
      assertThat(capture.getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
      AcquirerResponse withdrawn = increment.get(10, TimeUnit.SECONDS);
      assertThat(withdrawn.getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
      assertThat(withdrawn.getPayment().getAuthorizedMinor()).isEqualTo(5_000);
    }
  }

  @Test
  void operatorRoutesShowThePaymentTimelineAndStatsWithoutACardNumber() throws Exception {
    String id;
    try (SwitchClient client = session()) {
      id = call(client, authorize("ops-" + UUID.randomUUID(), 1_200)).getPayment().getPaymentId();
      call(client, capture(id, 1_200, false));
    }
    // Two disputes, the first lost: both stay in the payment and its timeline.
    for (var command : List.<org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<
        dev.switchyard.payment.Reply>, PaymentCommand>>of(
        r -> new PaymentCommand.OpenDispute("bo-1-" + id, "CB-first", Money.of(200, "EUR"), "10.4", 0, r),
        r -> new PaymentCommand.DecideDispute("bo-2-" + id, "CB-first", false, r),
        r -> new PaymentCommand.OpenDispute("bo-3-" + id, "CB-second", Money.of(300, "EUR"), "4837", 0, r))) {
      assertThat(node.ask(id, command, Duration.ofSeconds(5)).toCompletableFuture().get().outcome())
          .isEqualTo(dev.switchyard.payment.Outcome.APPROVED);
    }
    HttpClient http = HttpClient.newHttpClient();
    String base = node.managementUri().replaceAll("/$", "");
    HttpResponse<String> payment = http.send(OperatorHttp.request(base + "/payments/" + id).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(payment.statusCode()).isEqualTo(200);
    assertThat(payment.body()).contains("\"state\":\"CAPTURED\"").contains("\"type\":\"authorization_requested\"")
        .contains("\"type\":\"captured\"").contains("\"last4\":\"1111\"").doesNotContain("4111111111111111");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payment.body());
    assertThat(json.at("/payment/disputes")).extracting(d -> d.get("disputeId").asText())
        .containsExactly("CB-first", "CB-second");
    List<String> timelineDisputes = new ArrayList<>();
    json.at("/timeline").forEach(e -> {
      if (e.has("disputeId")) {
        timelineDisputes.add(e.get("disputeId").asText());
      }
    });
    assertThat(timelineDisputes).containsExactly("CB-first", "CB-first", "CB-second");
    HttpResponse<String> missing = http.send(OperatorHttp.request(
        base + "/payments/pay_00000000000000000000000000000000").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpResponse<String> stats = http.send(OperatorHttp.request(base + "/stats").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("\"authorize\"").contains("\"p99\"").contains("\"approvalRate\"");
    HttpResponse<String> issuers = http.send(OperatorHttp.request(base + "/issuers").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(issuers.statusCode()).isEqualTo(200);
    var simulatorRoute = json(issuers.body()).at("/routes/0");
    assertThat(simulatorRoute.get("route").asText()).isEqualTo("simulator");
    assertThat(simulatorRoute.get("state").asText()).isEqualTo("UP");
    assertThat(simulatorRoute.get("connectionsReady").asInt()).isEqualTo(2);
    assertThat(simulatorRoute.get("answered").asLong()).isPositive();
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String body) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
  }
}
