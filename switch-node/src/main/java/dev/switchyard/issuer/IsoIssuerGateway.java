package dev.switchyard.issuer;

import com.solab.iso8583.IsoMessage;
import dev.switchyard.issuer.iso.IsoLink;
import dev.switchyard.issuer.iso.IsoMessages;
import dev.switchyard.issuer.iso.LinkFailure;
import dev.switchyard.payment.Card;
import dev.switchyard.payment.IssuerGateway;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Pan;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Trace;
import dev.switchyard.protocol.v1.ReversalKind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The issuer side over ISO 8583 links (docs/issuer-protocol.md): each request goes to the route of its card's BIN,
 * under the STAN its trace names. The card number is sent once, in the authorization; an increment and a reversal
 * name the authorization they are about by RRN (field 37) and original data elements (field 90).
 */
public final class IsoIssuerGateway implements IssuerGateway {

  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL_DATE = DateTimeFormatter.ofPattern("MMdd").withZone(ZoneOffset.UTC);

  private final Map<String, IsoLink> links;
  private final Routes routes;
  private final IssuerSettings settings;
  private final Clock clock;

  IsoIssuerGateway(Map<String, IsoLink> links, Routes routes, IssuerSettings settings, Clock clock) {
    this.links = Map.copyOf(links);
    this.routes = routes;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Trace trace(String paymentId, Card card) {
    String route = routes.route(card.bin());
    IsoLink link = links.get(route);
    String stan = link == null ? "000000" : link.nextStan();
    return new Trace(route, stan, clock.millis(), PaymentIds.rrn(paymentId));
  }

  @Override
  public CompletionStage<Decision> authorize(Trace trace, Card card, Pan pan, String merchantId, Money amount) {
    IsoMessage m = request(IsoMessages.AUTHORIZATION, trace, amount);
    IsoMessages.digits(m, 2, pan.digits());
    IsoMessages.numeric(m, 14, String.format("%02d%02d", card.expiryYear() % 100, card.expiryMonth()), 4);
    IsoMessages.text(m, 42, merchantId.length() > 15 ? merchantId.substring(0, 15) : merchantId, 15);
    return decision(trace.route(), m);
  }

  @Override
  public CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount) {
    IsoMessage m = request(IsoMessages.AUTHORIZATION, trace, amount);
    IsoMessages.numeric(m, 90, originalData(original), 42);
    return decision(trace.route(), m);
  }

  @Override
  public CompletionStage<Void> reverse(Trace original, ReversalKind kind, Money amount, int attempt) {
    String route = original.route().isEmpty() ? settings.defaultRoute() : original.route();
    IsoLink link = links.get(route);
    if (link == null) {
      return CompletableFuture.failedFuture(new LinkFailure("no route " + route));
    }
    Trace now = new Trace(route, link.nextStan(), clock.millis(), original.rrn());
    IsoMessage m = request(attempt <= 1 ? IsoMessages.REVERSAL_ADVICE : IsoMessages.REVERSAL_ADVICE_REPEAT, now,
        amount);
    IsoMessages.numeric(m, 90, originalData(original), 42);
    return link.send(m, settings.requestTimeout()).thenApply(answer -> {
      String code = IsoMessages.get(answer, 39);
      // 25: the issuer has no such original, so it holds nothing to release.
      if (!"00".equals(code) && !"25".equals(code)) {
        throw new LinkFailure("reversal answered with response code " + code);
      }
      return null;
    });
  }

  private CompletionStage<Decision> decision(String route, IsoMessage request) {
    IsoLink link = links.get(route);
    if (link == null) {
      return CompletableFuture.failedFuture(new LinkFailure("no route " + route));
    }
    return link.send(request, settings.requestTimeout()).thenApply(answer -> {
      String code = IsoMessages.get(answer, 39);
      if (code == null || answer.getType() != IsoMessages.AUTHORIZATION_RESPONSE) {
        // Not an answer the switch can act on: the outcome stays unknown (in doubt), never a decision.
        throw new LinkFailure("a " + IsoMessages.type(answer) + " without a response code answered the request");
      }
      return "00".equals(code)
          ? Decision.approve(String.valueOf(IsoMessages.get(answer, 38)).trim())
          : Decision.decline(ResponseCodes.outcome(code), "issuer response code " + code);
    });
  }

  /** The fields every request of this switch carries. */
  private IsoMessage request(int type, Trace trace, Money amount) {
    IsoMessage m = IsoMessages.create(type);
    Instant at = Instant.ofEpochMilli(trace.transmittedAtMillis());
    IsoMessages.numeric(m, 3, "000000", 6);
    IsoMessages.numeric(m, 4, String.valueOf(amount.minorUnits()), 12);
    IsoMessages.numeric(m, 7, IsoMessages.TRANSMISSION_TIME.format(at), 10);
    IsoMessages.numeric(m, 11, trace.stan(), 6);
    IsoMessages.numeric(m, 12, LOCAL_TIME.format(at), 6);
    IsoMessages.numeric(m, 13, LOCAL_DATE.format(at), 4);
    IsoMessages.digits(m, 32, settings.acquiringInstitution());
    IsoMessages.text(m, 37, trace.rrn(), 12);
    IsoMessages.text(m, 49, String.format("%03d", amount.currency().getNumericCode()), 3);
    return m;
  }

  /** Field 90: original type, STAN, transmission time, acquiring and forwarding institution. */
  private String originalData(Trace original) {
    String time = original.transmittedAtMillis() == 0 ? "0000000000"
        : IsoMessages.TRANSMISSION_TIME.format(Instant.ofEpochMilli(original.transmittedAtMillis()));
    String stan = original.stan().isEmpty() ? "000000" : original.stan();
    return "0100" + stan + time + String.format("%011d", Long.parseLong(settings.acquiringInstitution()))
        + "00000000000";
  }
}
