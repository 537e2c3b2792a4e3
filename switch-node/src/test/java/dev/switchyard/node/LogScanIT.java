package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.ops.OperatorHttp;
import dev.switchyard.payment.SaltedSecret;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every log line of a node's whole life, from start to stop, at INFO and above from every logger, with its MDC
 * and stack traces: a run through approvals, declines, an issuer that never answers (so a reversal), captures,
 * refunds, a void, refusals of bad cards, wrong secrets and a secret typed as an acquirer id, and the operator
 * routes with the demo operator's token and a wrong one. Not one line may hold more of a card number used than its
 * BIN and last four (the numbers refused as malformed included), an acquirer secret or operator token, right or
 * wrong, or the card-hash key.
 */
class LogScanIT {

  private static final String HASH_KEY = "log-scan-card-hash-key-0173";
  private static final String SECRET = "log-scan-acquirer-secret-8841";
  private static final String WRONG_SECRET = "a-wrong-secret-someone-tried-5527";
  private static final String WRONG_TOKEN = "an-operator-token-someone-guessed-3318";

  @TempDir Path dir;

  @Test
  void noLogLineOfAFullRunHoldsACardNumberOrASecret() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    // INFO everywhere the shipped configuration has INFO (the tests' own quiets these), j8583 off as it ships.
    List<Logger> loggers = java.util.stream.Stream.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.pekko",
        "org.flywaydb", "dev.switchyard").map(name -> (Logger) LoggerFactory.getLogger(name)).toList();
    Map<Logger, Level> before = new java.util.HashMap<>();
    loggers.forEach(l -> before.put(l, l.getLevel()));
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    loggers.forEach(l -> l.setLevel(Level.INFO));
    List<String> pans = List.of("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117");
    try {
      Path acquirers = Files.writeString(dir.resolve("acquirers.conf"),
          "scan = \"" + SaltedSecret.hash(SECRET) + "\"\n");
      try (SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
          "pekko.remote.artery.canonical.port", 0,
          "pekko.management.http.port", 0,
          "switch.metrics.enabled", false,
          "switch.data-dir", dir.resolve("data").toString(),
          "switch.gateway.port", 0,
          "switch.gateway.acquirers-file", acquirers.toString(),
          "switch.card.pan-hash-key", HASH_KEY,
          "switch.payment.issuer-timeout", "1s"))))) {
        run(node, pans);
      }
    } finally {
      root.detachAppender(lines);
      before.forEach(Logger::setLevel);
    }
    // The test's own directory has a random number in its name.
    List<String> text = lines.list.stream().map(e -> render(e).replace(dir.toString(), "<dir>")).toList();
    assertThat(text).as("a run that logged nothing proves nothing").hasSizeGreaterThan(20);
    List<String> leaks = new ArrayList<>();
    List<String> cards = new ArrayList<>(pans);
    pans.forEach(p -> cards.add(offByOne(p)));
    for (String line : text) {
      for (String secret : List.of(SECRET, WRONG_SECRET, HASH_KEY, WRONG_TOKEN, OperatorHttp.DEMO_TOKEN)) {
        if (line.contains(secret)) {
          leaks.add("secret in: " + line);
        }
      }
      for (String pan : cards) {
        // The whole number, or its first twelve digits: more than BIN and last four.
        if (line.contains(pan.substring(0, 12))) {
          leaks.add("card number " + pan.substring(0, 6) + "… in: " + line);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static void run(SwitchNode node, List<String> pans) throws Exception {
    int port = node.gateway().address().getPort();
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
      assertThat(client.hello("scan", SECRET).get(5, TimeUnit.SECONDS).getResult()).isEqualTo(ResultCode.APPROVED);
      int n = 0;
      for (String pan : pans) {
        // Approved, then captured and refunded; declined twice; never answered (IN_DOUBT, reversed).
        AcquirerResponse ok = call(client, GatewayIT.authorize("scan-" + n++, 2_500, pan));
        String id = ok.getPayment().getPaymentId();
        call(client, GatewayIT.capture(id, 2_500, true));
        call(client, GatewayIT.refund(id, 1_000));
        call(client, GatewayIT.authorize("scan-" + n++, 2_551, pan));
        call(client, GatewayIT.authorize("scan-" + n++, 2_505, pan));
        call(client, GatewayIT.authorize("scan-" + n++, 2_591, pan));
        AcquirerResponse toVoid = call(client, GatewayIT.authorize("scan-" + n++, 700, pan));
        call(client, dev.switchyard.protocol.v1.AcquirerRequest.newBuilder().setRequestId("void-" + n)
            .setVoid(dev.switchyard.protocol.v1.Void.newBuilder()
                .setPaymentId(toVoid.getPayment().getPaymentId())));
        // A card number off by one digit (fails Luhn) and one expired: refused, the number not echoed.
        String bad = offByOne(pan);
        assertThat(call(client, GatewayIT.authorize("scan-bad-" + n, 100, bad)).getReason()).doesNotContain(bad);
        call(client, GatewayIT.authorize("scan-" + n++, 100, pan).setAuthorize(
            GatewayIT.authorize("x", 100, pan).getAuthorizeBuilder().setCard(
                dev.switchyard.protocol.v1.CardData.newBuilder().setPan(pan).setExpiryMonth(1).setExpiryYear(2020))));
      }
    }
    for (String[] hello : new String[][] {{"scan", WRONG_SECRET}, {"someone-" + SECRET, SECRET}}) {
      try (SwitchClient client = SwitchClient.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
        assertThat(client.hello(hello[0], hello[1]).get(5, TimeUnit.SECONDS).getResult())
            .isEqualTo(ResultCode.UNAUTHENTICATED);
      }
    }
    HttpClient http = HttpClient.newHttpClient();
    String base = node.managementUri().replaceAll("/$", "");
    for (String path : List.of("/stats", "/issuers", "/risk/rules", "/cluster/members", "/ready",
        "/payments/pay_0123456789abcdef0123456789abcdef")) {
      http.send(OperatorHttp.request(base + path).build(), HttpResponse.BodyHandlers.discarding());
      http.send(OperatorHttp.request(base + path, WRONG_TOKEN).build(), HttpResponse.BodyHandlers.discarding());
    }
    // A header that does not parse as a bearer token, which Pekko HTTP would otherwise repeat in a warning.
    http.send(HttpRequest.newBuilder(URI.create(base + "/stats")).header("Authorization", "Bearer " + WRONG_TOKEN
        + " , \"x").build(), HttpResponse.BodyHandlers.discarding());
    // A change, let through and audited, and one refused for a wrong token.
    http.send(OperatorHttp.request(base + "/risk/rules").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.discarding());
    http.send(OperatorHttp.request(base + "/risk/rules", WRONG_TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build(), HttpResponse.BodyHandlers.discarding());
  }

  /** The card number with its last digit changed: it fails the Luhn check. */
  private static String offByOne(String pan) {
    return pan.substring(0, pan.length() - 1) + (char) ('0' + (pan.charAt(pan.length() - 1) - '0' + 1) % 10);
  }

  private static AcquirerResponse call(SwitchClient client, dev.switchyard.protocol.v1.AcquirerRequest.Builder r)
      throws Exception {
    return client.send(r).get(15, TimeUnit.SECONDS);
  }

  private static String render(ILoggingEvent e) {
    String mdc = e.getMDCPropertyMap().entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
        .collect(Collectors.joining(" "));
    String thrown = e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy());
    return e.getLoggerName() + " " + e.getFormattedMessage() + " " + mdc + " " + thrown;
  }
}
