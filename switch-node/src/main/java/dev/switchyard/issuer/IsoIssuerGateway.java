package dev.switchyard.issuer;

import com.solab.iso8583.IsoMessage;
import dev.switchyard.issuer.iso.IsoLink;
import dev.switchyard.issuer.iso.IsoMessages;
import dev.switchyard.issuer.iso.LinkFailure;
import dev.switchyard.payment.AuthorizationRequest;
import dev.switchyard.payment.Card;
import dev.switchyard.payment.IssuerGateway;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Outcome;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Trace;
import dev.switchyard.protocol.v1.AdviceQueued;
import dev.switchyard.protocol.v1.DecisionSource;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.StandInApproval;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The issuer side over ISO 8583 links (docs/issuer-protocol.md): each request goes to the route of its card's BIN,
 * under the STAN its trace names, through the route's circuit breaker. The card number is sent once, in the
 * authorization; an increment and a reversal name the authorization they are about by RRN (field 37) and original
 * data elements (field 90). When a route's issuer is unreachable (no connection signed on, or its breaker open)
 * nothing is sent: an authorization is stood in for within the limits, through the route's advice queue, or
 * declined, as the route's policy says ({@link StandInRules}); an increment is declined.
 */
public final class IsoIssuerGateway implements IssuerGateway, AdviceQueue.Sender {

  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL_DATE = DateTimeFormatter.ofPattern("MMdd").withZone(ZoneOffset.UTC);

  private final Map<String, IsoLink> links;
  private final Map<String, RouteHealth> health = new ConcurrentHashMap<>();
  private final IssuerSettings settings;
  private final Clock clock;
  private volatile Routes routes;
  /** Set once the node's actor system runs: the advice queues live there. Until then nothing is stood in for. */
  private volatile ActorSystem<?> system;

  IsoIssuerGateway(Map<String, IsoLink> links, Routes routes, IssuerSettings settings, Clock clock) {
    this.links = links;
    this.routes = routes;
    this.settings = settings;
    this.clock = clock;
  }

  /** The advice queues are reachable from now on (the node's sharding runs). */
  void attach(ActorSystem<?> running) {
    this.system = running;
  }

  /** From now on new payments are routed by {@code next}; payments already routed keep their route. */
  void routes(Routes next) {
    this.routes = next;
  }

  Routes routes() {
    return routes;
  }

  /** The health of {@code route} on this node. */
  RouteHealth health(String route) {
    return health.computeIfAbsent(route, r -> new RouteHealth(r, settings.breaker()));
  }

  @Override
  public Trace trace(String paymentId, String acquirerId, Card card) {
    return next(routes.route(acquirerId, card.bin()), PaymentIds.rrn(paymentId));
  }

  @Override
  public Trace followUp(String paymentId, Trace original) {
    return next(original.route().isEmpty() ? routes.defaultRoute() : original.route(),
        original.rrn().isEmpty() ? PaymentIds.rrn(paymentId) : original.rrn());
  }

  private Trace next(String route, String rrn) {
    IsoLink link = links.get(route);
    return new Trace(route, link == null ? "000000" : link.nextStan(), clock.millis(), rrn);
  }

  @Override
  public CompletionStage<Decision> authorize(Trace trace, AuthorizationRequest r) {
    IsoMessage m = request(IsoMessages.AUTHORIZATION, trace, r.amount());
    IsoMessages.digits(m, 2, r.pan().digits());
    IsoMessages.numeric(m, 14, String.format("%02d%02d", r.card().expiryYear() % 100, r.card().expiryMonth()), 4);
    IsoMessages.text(m, 42, merchant(r.merchantId()), 15);
    return decision(trace.route(), m, cause -> standInOrDecline(trace, r, cause));
  }

  @Override
  public CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount) {
    IsoMessage m = request(IsoMessages.AUTHORIZATION, trace, amount);
    IsoMessages.numeric(m, 90, originalData(original), 42);
    return decision(trace.route(), m, cause -> {
      health(trace.route()).declinedUnreachable();
      return CompletableFuture.completedFuture(Decision.declineBy(DecisionSource.SWITCH,
          Outcome.ISSUER_UNREACHABLE, "route " + trace.route() + " unreachable (" + cause
              + "); an incremental authorization is never stood in for"));
    });
  }

  /** What to do with a request when nothing was sent, given why. */
  private interface Unreachable {
    CompletionStage<Decision> decide(String cause);
  }

  /**
   * Sends {@code request} to the route's issuer through its breaker and reads the decision; when nothing can be
   * sent, asks {@code unreachable}. A request that was sent and got no answer fails (the outcome is unknown).
   */
  private CompletionStage<Decision> decision(String route, IsoMessage request, Unreachable unreachable) {
    IsoLink link = links.get(route);
    if (link == null) {
      return unreachable.decide("no link");
    }
    if (link.readyConnections() == 0) {
      return unreachable.decide("link down");
    }
    RouteHealth h = health(route);
    if (!h.permit()) {
      return unreachable.decide("breaker open");
    }
    long started = System.nanoTime();
    return link.send(request, settings.requestTimeout()).handle((answer, failure) -> {
      Throwable cause = unwrapped(failure);
      if (cause instanceof LinkFailure lost && !lost.sent()) {
        h.notSent();
        return unreachable.decide("link down");
      }
      if (cause != null) {
        h.failed(System.nanoTime() - started, cause);
        return CompletableFuture.<Decision>failedFuture(cause);
      }
      h.answered(System.nanoTime() - started);
      return CompletableFuture.completedFuture(read(answer));
    }).thenCompose(stage -> stage);
  }

  /** A link call's failure as the link raised it, not the wrapper a later stage of the future put around it. */
  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  private static Decision read(IsoMessage answer) {
    String code = IsoMessages.get(answer, 39);
    if (code == null || answer.getType() != IsoMessages.AUTHORIZATION_RESPONSE) {
      // Not an answer the switch can act on: the outcome stays unknown (in doubt), never a decision.
      throw new LinkFailure("a " + IsoMessages.type(answer) + " without a response code answered the request");
    }
    return "00".equals(code)
        ? Decision.approve(String.valueOf(IsoMessages.get(answer, 38)).trim())
        : Decision.decline(ResponseCodes.outcome(code), "issuer response code " + code);
  }

  /** The route's issuer cannot be reached: stand in within the limits, or decline, as the route's policy says. */
  private CompletionStage<Decision> standInOrDecline(Trace trace, AuthorizationRequest r, String cause) {
    String route = trace.route();
    RouteHealth h = health(route);
    ActorSystem<?> running = system;
    if (settings.standIn().policy(route) == StandInRules.Policy.DECLINE || running == null) {
      h.declinedUnreachable();
      return CompletableFuture.completedFuture(Decision.declineBy(DecisionSource.SWITCH, Outcome.ISSUER_UNREACHABLE,
          "route " + route + " unreachable (" + cause + ") and it does not stand in"));
    }
    StandInRules.Limits limits = settings.standIn().limits(route, r.card().bin());
    String queue = AdviceQueue.entityId(route, r.card().panHash());
    return ClusterSharding.get(running).entityRefFor(AdviceQueue.ENTITY_KEY, queue)
        .<AdviceQueue.StandInAnswer>ask(reply -> new AdviceQueue.StandIn(r.paymentId(), trace.rrn(), r.acquirerId(),
            r.merchantId(), r.card().bin(), r.card().last4(), r.card().panHash(), r.amount().minorUnits(),
            r.amount().currency().getCurrencyCode(), limits, reply), settings.standInTimeout())
        .thenApply(answer -> {
          h.standIn(answer.approved());
          return answer.approved()
              ? Decision.standIn(answer.authCode(), StandInApproval.newBuilder()
                  .setRoute(route).setCause(cause).setLimits(limits.describe()).setAdviceSequence(answer.sequence())
                  .setAdviceQueue(queue)
                  .build())
              : Decision.declineBy(DecisionSource.STAND_IN, Outcome.STAND_IN_DECLINED,
                  "route " + route + " unreachable (" + cause + "); " + answer.refusal());
        });
  }

  @Override
  public CompletionStage<Void> reverse(Trace original, Card card, ReversalKind kind, Money amount,
      int transmission) {
    String route = original.route().isEmpty() ? routes.defaultRoute() : original.route();
    IsoLink link = links.get(route);
    if (link == null) {
      return CompletableFuture.failedFuture(new NotSent("no route " + route));
    }
    return behindAdvice(AdviceQueue.entityId(route, card.panHash()),
        original.rrn(), () -> {
      Trace now = new Trace(route, link.nextStan(), clock.millis(), original.rrn());
      IsoMessage m = request(transmission <= 1 ? IsoMessages.REVERSAL_ADVICE : IsoMessages.REVERSAL_ADVICE_REPEAT,
          now, amount);
      IsoMessages.numeric(m, 90, originalData(original), 42);
      return link.send(m, settings.requestTimeout()).handle((answer, failure) -> {
        Throwable cause = unwrapped(failure);
        if (cause instanceof LinkFailure lost && !lost.sent()) {
          throw new NotSent(lost.getMessage());
        }
        if (cause != null) {
          throw cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
        }
        String code = IsoMessages.get(answer, 39);
        // 25: the issuer has no such original, so it holds nothing to release.
        if (!"00".equals(code) && !"25".equals(code)) {
          throw new LinkFailure("reversal answered with response code " + code);
        }
        return null;
      });
    });
  }

  /**
   * Runs {@code send} once queue {@code queue} holds no stand-in advice for the payment of {@code rrn}: the issuer
   * must learn of a stand-in approval before its reversal. While one is queued the reversal fails, and the payment
   * repeats it later.
   */
  private CompletionStage<Void> behindAdvice(String queue, String rrn, Supplier<CompletionStage<Void>> send) {
    ActorSystem<?> running = system;
    if (running == null) {
      return send.get();
    }
    return ClusterSharding.get(running).entityRefFor(AdviceQueue.ENTITY_KEY, queue)
        .<AdviceQueue.Holding>ask(reply -> new AdviceQueue.Undelivered(rrn, reply), settings.standInTimeout())
        .thenCompose(holding -> holding.undelivered()
            ? CompletableFuture.failedFuture(new NotSent("the stand-in advice of this payment is not "
                + "acknowledged yet; the reversal waits behind it"))
            : send.get());
  }

  // --- advices ----------------------------------------------------------------------------------------

  @Override
  public boolean ready(String route) {
    IsoLink link = links.get(route);
    return link != null && link.readyConnections() > 0;
  }

  @Override
  public CompletionStage<String> send(String route, AdviceQueued advice, int attempt) {
    IsoLink link = links.get(route);
    if (link == null) {
      return CompletableFuture.failedFuture(LinkFailure.notSent("no route " + route));
    }
    Money amount = Money.of(advice.getAmount().getMinorUnits(), advice.getAmount().getCurrency());
    Trace now = new Trace(route, link.nextStan(), clock.millis(), advice.getRrn());
    IsoMessage m = request(attempt <= 1 ? IsoMessages.ADVICE : IsoMessages.ADVICE_REPEAT, now, amount);
    Instant approved = Instant.ofEpochMilli(advice.getApprovedAtMillis());
    IsoMessages.numeric(m, 12, LOCAL_TIME.format(approved), 6);
    IsoMessages.numeric(m, 13, LOCAL_DATE.format(approved), 4);
    IsoMessages.text(m, 38, advice.getAuthCode(), 6);
    IsoMessages.text(m, 39, "00", 2);
    IsoMessages.text(m, 42, merchant(advice.getMerchantId()), 15);
    return link.send(m, settings.adviceTimeout()).thenApply(answer -> {
      if (answer.getType() != IsoMessages.ADVICE_RESPONSE) {
        throw new LinkFailure("a " + IsoMessages.type(answer) + " answered an advice");
      }
      String code = IsoMessages.get(answer, 39);
      return code == null ? "" : code;
    });
  }

  // --- fields -----------------------------------------------------------------------------------------

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

  private static String merchant(String merchantId) {
    return merchantId.length() > 15 ? merchantId.substring(0, 15) : merchantId;
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
