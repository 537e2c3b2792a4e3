package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.SaltedSecret;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tries to get into the management port: every route without a token, with a wrong one, with a viewer's token on
 * an operator's action and an operator's on an admin's; each answered 401 or 403 with nothing changed, and the
 * audit log holding what was let through (and what an authenticated operator was refused).
 */
class ManagementSecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String VIEWER = "vera-token-" + SaltedSecret.generate();
  private static final String OPERATOR = "olga-token-" + SaltedSecret.generate();
  private static final String PAYMENT = "/payments/pay_0123456789abcdef0123456789abcdef";
  private static final String RULES = "review-score = 500, decline-score = 900, rules = "
      + "[{ id = card-1h, kind = card-count, window = 1h, limit = 6, score = 900 }]";

  @TempDir static Path dir;
  static SwitchNode node;
  static String base;
  static String self;

  @BeforeAll
  static void start() {
    Map<String, Object> c = common(dir.resolve("plain"));
    c.put("switch.operator.operators.vera.token", SaltedSecret.hash(VIEWER));
    c.put("switch.operator.operators.vera.role", "viewer");
    c.put("switch.operator.operators.olga.token", SaltedSecret.hash(OPERATOR));
    c.put("switch.operator.operators.olga.role", "operator");
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(c)));
    base = node.managementUri();
    self = Cluster.get(node.system()).selfMember().address().toString();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Map<String, Object> common(Path dataDir) {
    Map<String, Object> c = new HashMap<>();
    c.put("pekko.remote.artery.canonical.port", 0);
    c.put("pekko.management.http.port", 0);
    c.put("pekko.management.http.route-providers-read-only", false);
    c.put("switch.metrics.enabled", false);
    c.put("switch.data-dir", dataDir.toString());
    c.put("switch.gateway.port", 0);
    return c;
  }

  /** Every route there is, reads and changes. */
  private static List<HttpRequest.Builder> everyRoute(String token) {
    String member = "/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8);
    List<HttpRequest.Builder> all = new ArrayList<>();
    for (String read : List.of(PAYMENT, PAYMENT + "/risk", "/stats", "/issuers", "/risk/rules", "/search?q=*",
        "/mirrors/pulsar", "/mirrors/quickwit", "/cluster/members", member, "/cluster/shards/Payment", "/audit")) {
      all.add(request(read, token));
    }
    all.add(request("/risk/rules", token).POST(HttpRequest.BodyPublishers.ofString(RULES)));
    all.add(request("/issuers/routing", token).POST(HttpRequest.BodyPublishers.ofString(
        "{routes = [{name = simulator, bins = [\"4\"]}], default-route = simulator}")));
    all.add(request("/mirrors/pulsar/slices/0/pause", token).POST(HttpRequest.BodyPublishers.noBody()));
    all.add(request(member, token).header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString("operation=Down")));
    all.add(request(member, token).DELETE());
    return all;
  }

  private static HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = send(request(path, token));
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void withoutATokenOrWithAWrongOneEveryRouteButTheHealthChecksIs401AndNothingChanges() throws Exception {
    long rulesBefore = get("/risk/rules", OPERATOR).get("version").asLong();
    long routingBefore = get("/issuers", OPERATOR).at("/routing/version").asLong();
    long auditBefore = auditSize();
    for (String token : new String[] {null, "not-a-token", OPERATOR + "x", ""}) {
      for (HttpRequest.Builder route : everyRoute(token)) {
        HttpRequest built = route.build();
        HttpResponse<String> r = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(built.method() + " " + built.uri() + " with " + token).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
            .startsWith("Bearer"));
        assertThat(r.body()).doesNotContain("pay_0123456789abcdef0123456789abcdef");
      }
    }
    // A basic-auth header is no bearer token either; nor does another method, a trailing slash, an encoded path or
    // a method other than GET on an open path get past the check.
    assertThat(send(request("/stats", null).header("Authorization", "Basic ZGVtbzpkZW1v")).statusCode())
        .isEqualTo(401);
    for (HttpRequest.Builder sly : List.of(request("/stats", null).method("HEAD", HttpRequest.BodyPublishers.noBody()),
        request("/stats", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
        request("/stats/", null), request("/%61udit", null), request("/alive/../stats", null),
        request("/ready", null).POST(HttpRequest.BodyPublishers.noBody()),
        request(PAYMENT + "/disputes/CB-1/accept", null).POST(HttpRequest.BodyPublishers.ofString("{}")))) {
      HttpRequest built = sly.build();
      assertThat(HTTP.send(built, HttpResponse.BodyHandlers.ofString()).statusCode())
          .as(built.method() + " " + built.uri()).isEqualTo(401);
    }
    assertThat(send(request("/alive", null)).statusCode()).isEqualTo(200);
    assertThat(send(request("/ready", null)).statusCode()).isEqualTo(200);
    assertThat(get("/risk/rules", OPERATOR).get("version").asLong()).isEqualTo(rulesBefore);
    assertThat(get("/issuers", OPERATOR).at("/routing/version").asLong()).isEqualTo(routingBefore);
    assertThat(Cluster.get(node.system()).selfMember().status()).isEqualTo(MemberStatus.up());
    assertThat(auditSize()).as("unauthenticated requests are not audited rows").isEqualTo(auditBefore);
  }

  @Test
  void aViewerReadsButChangesNothingAndAnOperatorCannotDownMembersOrReadTheAudit() throws Exception {
    long rulesBefore = get("/risk/rules", VIEWER).get("version").asLong();
    assertThat(get("/stats", VIEWER).has("node")).isTrue();
    assertThat(get("/cluster/members", VIEWER).get("members")).hasSize(1);
    assertThat(send(request(PAYMENT, VIEWER)).statusCode()).isEqualTo(404);

    HttpResponse<String> refused = send(request("/risk/rules", VIEWER)
        .POST(HttpRequest.BodyPublishers.ofString(RULES)));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("vera is viewer; this needs operator");
    assertThat(send(request("/mirrors/pulsar/slices/0/pause", VIEWER).POST(HttpRequest.BodyPublishers.noBody()))
        .statusCode()).isEqualTo(403);
    assertThat(get("/risk/rules", VIEWER).get("version").asLong()).isEqualTo(rulesBefore);

    String member = "/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8);
    for (String token : List.of(VIEWER, OPERATOR)) {
      HttpResponse<String> down = send(request(member, token)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .PUT(HttpRequest.BodyPublishers.ofString("operation=Down")));
      assertThat(down.statusCode()).as(down.body()).isEqualTo(403);
      assertThat(send(request(member, token).DELETE()).statusCode()).isEqualTo(403);
      assertThat(send(request("/audit", token)).statusCode()).isEqualTo(403);
    }
    assertThat(Cluster.get(node.system()).selfMember().status()).isEqualTo(MemberStatus.up());
  }

  @Test
  void theAuditLogHasEveryChangeLetThroughWithWhoWhatWhenAndTheAnswer() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // The operator says it is someone else, somewhere else: the log names the token's operator and the peer.
    HttpResponse<String> changed = send(request("/risk/rules", OPERATOR).header("X-Operator", "demo")
        .header("X-Forwarded-For", "203.0.113.9").POST(HttpRequest.BodyPublishers.ofString(RULES)));
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    long version = JSON.readTree(changed.body()).get("version").asLong();
    assertThat(get("/risk/rules", VIEWER).get("by").asText()).isEqualTo("olga");
    HttpResponse<String> bad = send(request("/risk/rules", OPERATOR)
        .POST(HttpRequest.BodyPublishers.ofString(RULES.replace("window = 1h", "window = 2h"))));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(send(request("/issuers/routing", VIEWER).POST(HttpRequest.BodyPublishers.ofString("{}")))
        .statusCode()).isEqualTo(403);

    JsonNode entries = get("/audit?limit=50", OperatorHttp.DEMO_TOKEN).get("entries");
    List<JsonNode> mine = new ArrayList<>();
    entries.forEach(e -> {
      if (!Instant.parse(e.get("at").asText()).isBefore(before)) {
        mine.add(e);
      }
    });
    // Newest first: the viewer's refusal, then the operator's bad set (answer, request), then the good one.
    assertThat(mine).extracting(e -> e.get("operator").asText() + " " + e.get("method").asText() + " "
        + e.get("target").asText() + " " + e.get("status").asInt())
        .containsExactly("vera POST /issuers/routing 403", "olga POST /risk/rules 400", "olga POST /risk/rules 0",
            "olga POST /risk/rules 200", "olga POST /risk/rules 0");
    JsonNode request = mine.get(4);
    JsonNode answer = mine.get(3);
    assertThat(request.get("role").asText()).isEqualTo("operator");
    assertThat(request.get("source").asText()).isEqualTo("127.0.0.1");
    assertThat(request.get("body").asText()).isEqualTo(RULES);
    assertThat(request.get("bodySha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(RULES.getBytes(StandardCharsets.UTF_8))));
    assertThat(request.get("answers").isNull()).isTrue();
    assertThat(answer.get("answers").asLong()).isEqualTo(request.get("id").asLong());
    assertThat(answer.get("outcome").asText()).contains("\"version\":" + version);
    assertThat(mine.get(1).get("outcome").asText()).contains("rules[0].window");
    assertThat(mine.get(0).get("role").asText()).isEqualTo("viewer");
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersAndPaymentDataIsNeverCached() throws Exception {
    for (HttpResponse<String> r : List.of(send(request("/alive", null)), send(request("/stats", null)),
        send(request(PAYMENT, VIEWER)), send(request("/stats", VIEWER)))) {
      assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
          .contains("default-src 'none'").contains("frame-ancestors 'none'"));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).as("plain HTTP").isEmpty();
    }
    assertThat(send(request(PAYMENT, VIEWER)).headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(send(request("/stats", VIEWER)).headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void overHttpsTheCheckIsTheSameAndAnswersCarryHsts(@TempDir Path tls) throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=Switch Test Management CA").setIsCertificateAuthority(true)
        .ecp256().buildSelfSigned();
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .addExtendedKeyUsageServerAuth().ecp256().notAfter(Instant.now().plus(30, ChronoUnit.DAYS))
        .buildIssuedBy(ca);
    Path certificate = Files.writeString(tls.resolve("tls.crt"), cert.getCertificatePEM());
    Path key = Files.writeString(tls.resolve("tls.key"), cert.getPrivateKeyPEM());
    Map<String, Object> c = common(tls.resolve("data"));
    c.put("switch.operator.https.enabled", true);
    c.put("switch.operator.https.certificate", certificate.toString());
    c.put("switch.operator.https.private-key", key.toString());
    try (SwitchNode secure = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(c)))) {
      assertThat(secure.managementUri()).startsWith("https://");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.getCertificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(context).build();
      HttpResponse<String> alive = https.send(HttpRequest.newBuilder(URI.create(secure.managementUri() + "/alive"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(alive.statusCode()).isEqualTo(200);
      assertThat(alive.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v)
          .contains("max-age=31536000"));
      assertThat(https.send(HttpRequest.newBuilder(URI.create(secure.managementUri() + "/stats")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(https.send(OperatorHttp.request(secure.managementUri() + "/stats").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      String plain = secure.managementUri().replace("https://", "http://");
      assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(plain + "/alive"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void anOperatorAnswersADisputeAndAViewerIsRefusedWithNothingChanged() throws Exception {
    String id = disputedPayment("CB-9");
    String evidence = "/payments/" + id + "/disputes/CB-9/evidence";
    String body = "{\"requestId\": \"ops-ev-1\", \"evidenceRef\": \"doc-77\"}";

    HttpResponse<String> refused = send(request(evidence, VIEWER).POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(get("/payments/" + id, VIEWER).at("/payment/dispute/state").asText()).isEqualTo("NEEDS_RESPONSE");

    HttpResponse<String> bad = send(request(evidence, OPERATOR).POST(HttpRequest.BodyPublishers.ofString(
        "{\"requestId\": \"ops-ev-2\"}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("field").asText()).isEqualTo("evidenceRef");

    HttpResponse<String> answered = send(request(evidence, OPERATOR).POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    assertThat(JSON.readTree(answered.body()).at("/payment/dispute/state").asText()).isEqualTo("UNDER_REVIEW");
    // The same request again is answered with its first outcome, and changes nothing more.
    assertThat(send(request(evidence, OPERATOR).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode())
        .isEqualTo(200);
    assertThat(disputeEvents(id)).containsExactly("dispute_opened", "dispute_evidence_submitted");

    String other = disputedPayment("CB-10");
    String accept = "/payments/" + other + "/disputes/CB-10/accept";
    assertThat(send(request(accept, VIEWER).POST(HttpRequest.BodyPublishers.ofString("{\"requestId\": \"a-1\"}")))
        .statusCode()).isEqualTo(403);
    assertThat(disputeEvents(other)).containsExactly("dispute_opened");
    HttpResponse<String> accepted = send(request(accept, OPERATOR)
        .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\": \"a-1\"}")));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(disputeEvents(other)).containsExactly("dispute_opened", "dispute_closed");
    assertThat(send(request("/payments/" + other + "/disputes/CB-10/won", OPERATOR)
        .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\": \"a-2\"}"))).statusCode())
        .as("deciding a dispute is the network's, not an operator's").isEqualTo(404);
  }

  /** A captured payment of the demo acquirer with chargeback {@code disputeId} open, as the network opens one. */
  private static String disputedPayment(String disputeId) throws Exception {
    String id = TestPayments.captured(node, "ops-" + UUID.randomUUID(), 5_000);
    TestPayments.openDispute(node, id, "net-" + disputeId, disputeId, 5_000, "10.4");
    return id;
  }

  private static List<String> disputeEvents(String id) throws Exception {
    List<String> types = new ArrayList<>();
    get("/payments/" + id, VIEWER).get("timeline").forEach(e -> types.add(e.get("type").asText()));
    return types.stream().filter(t -> t.startsWith("dispute")).toList();
  }

  private static long auditSize() throws Exception {
    return get("/audit?limit=500", OperatorHttp.DEMO_TOKEN).get("entries").size();
  }
}
