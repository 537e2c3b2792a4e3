package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.issuer.iso.JposPeer;
import dev.switchyard.issuer.iso.LinkFailure;
import dev.switchyard.payment.AuthorizationRequest;
import dev.switchyard.payment.Card;
import dev.switchyard.payment.IssuerGateway.Decision;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Outcome;
import dev.switchyard.payment.Pan;
import dev.switchyard.payment.Trace;
import dev.switchyard.protocol.v1.ReversalKind;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The switch's issuer side against jPOS: what it sends, and what it makes of each answer. */
class IsoIssuerGatewayIT {

  private static final Card CARD = new Card("378282", "0005", "ab".repeat(32), 11, 2031);
  private static final Pan PAN = new Pan("378282246310005");

  private JposPeer issuer;
  private IssuerSide side;

  @BeforeEach
  void start() throws Exception {
    issuer = new JposPeer();
    IssuerSettings settings = IssuerSettings.create(ConfigFactory.parseMap(Map.of(
        "switch.issuer.simulator.embedded", false,
        "switch.issuer.default-route", "jpos",
        "switch.issuer.routes", List.of(Map.of("name", "jpos", "host", "127.0.0.1", "port", issuer.port())),
        "switch.issuer.link.connections", 1))
        .withFallback(dev.switchyard.node.SwitchNode.loadConfig("local", ConfigFactory.empty())));
    side = IssuerSide.start(settings, Clock.systemUTC());
    assertThat(side.links().get("jpos").readyConnections()).isEqualTo(1);
    assertThat(issuer.next().getString(70)).isEqualTo("001");
  }

  @AfterEach
  void stop() {
    side.close();
    issuer.close();
  }

  private static final String PAYMENT = "pay_0123456789abcdef0123456789abcdef";

  private Decision authorize(Trace trace, long amount) throws Exception {
    return side.gateway().authorize(trace, new AuthorizationRequest(PAYMENT, "acq-1", "merchant-with-a-long-id",
            CARD, PAN, Money.of(amount, "EUR")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAuthorizationCarriesTheCardOnceAndEachResponseCodeMapsToItsOutcome() throws Exception {
    Trace trace = side.gateway().trace(PAYMENT, "acq-1", CARD);
    assertThat(trace.route()).isEqualTo("jpos");
    assertThat(trace.rrn()).isEqualTo("456789ABCDEF");
    Decision approved = authorize(trace, 2_500);
    assertThat(approved.approved()).isTrue();
    assertThat(approved.authCode()).isEqualTo("A1B2C3");
    ISOMsg sent = issuer.next();
    assertThat(sent.getMTI()).isEqualTo("0100");
    assertThat(sent.getString(2)).isEqualTo("378282246310005");
    assertThat(sent.getString(4)).isEqualTo("000000002500");
    assertThat(sent.getString(11)).isEqualTo(trace.stan());
    assertThat(sent.getString(14)).isEqualTo("3111");
    assertThat(sent.getString(32)).isEqualTo("1000");
    assertThat(sent.getString(37)).isEqualTo("456789ABCDEF");
    assertThat(sent.getString(42)).isEqualTo("merchant-with-a");
    assertThat(sent.getString(49)).isEqualTo("978");

    for (Map.Entry<String, Outcome> code : Map.of("05", Outcome.DO_NOT_HONOR, "13", Outcome.INVALID_AMOUNT,
        "51", Outcome.INSUFFICIENT_FUNDS, "54", Outcome.EXPIRED_CARD, "59", Outcome.SUSPECTED_FRAUD,
        "62", Outcome.RESTRICTED_CARD, "N7", Outcome.DO_NOT_HONOR).entrySet()) {
      issuer.answer(request -> JposPeer.Answer.now(JposPeer.response(request, code.getKey())));
      Decision declined = authorize(side.gateway().trace(PAYMENT, "acq-1", CARD), 100);
      assertThat(declined.approved()).as(code.getKey()).isFalse();
      assertThat(declined.outcome()).as(code.getKey()).isEqualTo(code.getValue());
      assertThat(declined.reason()).contains(code.getKey());
    }
  }

  @Test
  void aResponseWithoutAResponseCodeIsNoDecision() throws Exception {
    issuer.answer(request -> {
      ISOMsg r = JposPeer.response(request, "00");
      r.unset(39);
      return JposPeer.Answer.now(r);
    });
    assertThatThrownBy(() -> authorize(side.gateway().trace(PAYMENT, "acq-1", CARD), 100))
        .hasCauseInstanceOf(LinkFailure.class);
  }

  @Test
  void aReversalIsA0420ThenA0421NamingTheOriginalWithoutTheCardNumber() throws Exception {
    Trace original = side.gateway().trace(PAYMENT, "acq-1", CARD);
    issuer.answer(request -> request.getString(0).startsWith("042") && "0420".equals(request.getString(0))
        ? JposPeer.Answer.now(JposPeer.response(request, "96")) : JposPeer.approve(request));
    assertThatThrownBy(() -> side.gateway().reverse(original, CARD, ReversalKind.REVERSAL_OF_AUTHORIZATION,
        Money.of(700, "EUR"), 1).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(LinkFailure.class);
    side.gateway().reverse(original, CARD, ReversalKind.REVERSAL_OF_AUTHORIZATION, Money.of(700, "EUR"), 2)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ISOMsg first = issuer.next();
    ISOMsg repeat = issuer.next();
    assertThat(first.getMTI()).isEqualTo("0420");
    assertThat(repeat.getMTI()).isEqualTo("0421");
    for (ISOMsg advice : List.of(first, repeat)) {
      assertThat(advice.hasField(2)).as("no card number").isFalse();
      assertThat(advice.getString(37)).isEqualTo(original.rrn());
      assertThat(advice.getString(90)).startsWith("0100" + original.stan()).hasSize(42);
      assertThat(advice.getString(4)).isEqualTo("000000000700");
    }
    assertThat(first.getString(11)).as("each attempt has its own STAN").isNotEqualTo(repeat.getString(11));
  }
}
