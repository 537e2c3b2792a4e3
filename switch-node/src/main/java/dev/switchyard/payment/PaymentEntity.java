package dev.switchyard.payment;

import dev.switchyard.CborSerializable;
import dev.switchyard.ops.Metrics;
import dev.switchyard.protocol.v1.AuthorizationExpired;
import dev.switchyard.protocol.v1.AuthorizationInDoubt;
import dev.switchyard.protocol.v1.AuthorizationIncremented;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Authorized;
import dev.switchyard.protocol.v1.Declined;
import dev.switchyard.protocol.v1.DisputeClosed;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.RequestRecord;
import dev.switchyard.protocol.v1.Reversed;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One card payment, the single writer of its own money. Lifecycle: an authorization creates it in AUTHORIZING
 * and asks the issuer; the answer makes it AUTHORIZED or DECLINED, and no answer in time makes it IN_DOUBT, from
 * which the switch reverses it until the issuer acknowledges (VOIDED). From AUTHORIZED: incremental
 * authorization and void while nothing is captured, captures (partial, multiple, final) towards
 * PARTIALLY_CAPTURED and CAPTURED, expiry of the hold. Captured payments take refunds (REFUNDED once all is
 * returned) and disputes: NEEDS_RESPONSE → UNDER_REVIEW → WON | LOST, with pre-arbitration after a win.
 *
 * <p>Every command gets exactly one answer; a refused one persists nothing. Each answer is kept per request_id,
 * so a retry with the same parameters gets the original answer and a reuse with other parameters is refused.
 * Deadlines (issuer answer, hold expiry, reversal retry, dispute response) are data in the events; the deadline
 * projection and sweeper wake the payment with {@link WakeUp}, and the payment re-checks them itself.
 */
public final class PaymentEntity
    extends EventSourcedBehaviorWithEnforcedReplies<PaymentEntity.Command, PaymentEvent, PaymentEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Payment");

  /** What every payment needs from its node. */
  public record Dependencies(PaymentSettings settings, IssuerGateway issuer, Clock clock) {}

  public static void init(ActorSystem<?> system, Dependencies deps) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), deps)));
  }

  public static Behavior<Command> create(String paymentId, Dependencies deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PaymentEntity(ctx, timers, paymentId, deps)));
  }

  private static final BackoffSupervisorStrategy RESTART =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  private static final int REFUSALS_REMEMBERED = 256;

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String paymentId;
  private final Dependencies deps;
  // Not persisted: what this incarnation is waiting for. A restart loses it, and recovery handles that.
  private final List<ActorRef<PaymentReply>> awaitingDecision = new ArrayList<>();
  private final Map<String, RequestRecord> refusals =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RequestRecord> eldest) {
          return size() > REFUSALS_REMEMBERED;
        }
      };
  private boolean issuerCallInFlight;
  private boolean reversalInFlight;
  private int reversalAttempts;
  private IncrementAuthorization incrementInFlight;

  private PaymentEntity(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, String paymentId, Dependencies deps) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), paymentId), RESTART);
    this.ctx = ctx;
    this.timers = timers;
    this.paymentId = paymentId;
    this.deps = deps;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  /**
   * Snapshots are written (every switch.persistence.snapshot-every events) but only read when
   * switch.persistence.load-snapshots is on: a payment rarely has more than a handful of events, and looking
   * for a snapshot costs every new payment one more query on its first recovery (docs/benchmarks.md).
   */
  @Override
  public Recovery recovery() {
    return deps.settings().loadSnapshots()
        ? Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.latest())
        : Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public Set<String> tagsFor(PaymentEvent event) {
    return Set.of(deps.settings().tags().tagFor(paymentId));
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  // --- messages ---------------------------------------------------------------------------------------

  /** Everything a payment accepts. */
  public sealed interface Command extends CborSerializable {}

  /** A command from outside that carries an idempotency key and wants one answer. */
  public sealed interface RequestCommand extends Command {
    String requestId();

    ActorRef<PaymentReply> replyTo();

    /** Digest of the parameters (everything but the request id and the reply address). */
    long paramsHash();
  }

  /** A command from an acquirer: it may only touch the acquirer's own payments. */
  public sealed interface AcquirerCommand extends RequestCommand {
    String acquirerId();
  }

  /** Creates the payment and asks the issuer. */
  public record Authorize(
      String requestId, String acquirerId, String reference, String merchantId, Money amount, Card card,
      ActorRef<PaymentReply> replyTo) implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("authorize", acquirerId, reference, merchantId, amount, card.panHash(),
          card.expiryMonth(), card.expiryYear());
    }
  }

  /** Raises the hold while nothing is captured. */
  public record IncrementAuthorization(
      String requestId, String acquirerId, Money amount, ActorRef<PaymentReply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("increment", acquirerId, amount);
    }
  }

  /** Captures part or all of what is authorized. */
  public record Capture(
      String requestId, String acquirerId, Money amount, boolean finalCapture, ActorRef<PaymentReply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("capture", acquirerId, amount, finalCapture);
    }
  }

  /** Cancels an authorization with nothing captured. */
  public record VoidAuthorization(String requestId, String acquirerId, ActorRef<PaymentReply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("void", acquirerId);
    }
  }

  /** Returns captured money. */
  public record Refund(String requestId, String acquirerId, Money amount, ActorRef<PaymentReply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("refund", acquirerId, amount);
    }
  }

  /** Opens a chargeback (card network, through the back office). */
  public record OpenDispute(
      String requestId, String disputeId, Money amount, String reasonCode, int respondWithinDays,
      ActorRef<PaymentReply> replyTo) implements RequestCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-open", disputeId, amount, reasonCode, respondWithinDays);
    }
  }

  /** The merchant answered the dispute with evidence. */
  public record SubmitDisputeEvidence(
      String requestId, String disputeId, String evidenceRef, ActorRef<PaymentReply> replyTo)
      implements RequestCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-evidence", disputeId, evidenceRef);
    }
  }

  /** The merchant accepts the chargeback. */
  public record AcceptDispute(String requestId, String disputeId, ActorRef<PaymentReply> replyTo)
      implements RequestCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-accept", disputeId);
    }
  }

  /** The network decided the dispute. */
  public record DecideDispute(String requestId, String disputeId, boolean won, ActorRef<PaymentReply> replyTo)
      implements RequestCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-decide", disputeId, won);
    }
  }

  /** Pre-arbitration / second chargeback after a won dispute. */
  public record PreArbitrate(
      String requestId, String disputeId, String reasonCode, int respondWithinDays,
      ActorRef<PaymentReply> replyTo) implements RequestCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-prearb", disputeId, reasonCode, respondWithinDays);
    }
  }

  /** Reads the payment; an empty acquirer id means an operator, who may read any payment. */
  public record Get(String acquirerId, ActorRef<PaymentReply> replyTo) implements Command {}

  /** From the deadline sweeper: re-check every deadline against the payment's own state. Needs no answer. */
  public record WakeUp() implements Command {}

  private record IssuerAnswered(IssuerGateway.Decision decision) implements Command {}

  private record IssuerFailed(String reason) implements Command {}

  private record IncrementAnswered(IssuerGateway.Decision decision, String failure) implements Command {}

  private record ReversalFinished(boolean acknowledged, String failure) implements Command {}

  private record RetryReversal() implements Command {}

  // --- state ------------------------------------------------------------------------------------------

  /** No payment yet, or a {@link Payment}. */
  public sealed interface State permits Empty, Payment {
    State apply(PaymentEvent event);
  }

  /** Before the first event. */
  public record Empty() implements State {
    @Override
    public State apply(PaymentEvent event) {
      if (event.getBodyCase() != PaymentEvent.BodyCase.AUTHORIZATION_REQUESTED) {
        throw new IllegalStateException("A payment must start with an authorization, got " + event.getBodyCase());
      }
      return Payment.start(event);
    }
  }

  @Override
  public EventHandler<State, PaymentEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(PostStop.instance(), state -> Metrics.PAYMENTS_ALIVE.decrement())
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              Metrics.PAYMENTS_ALIVE.increment();
              // An issuer call or reversal of an earlier incarnation died with it: its outcome is unknown.
              if (state instanceof Payment p && p.status() == PaymentState.AUTHORIZING) {
                ctx.getSelf().tell(new IssuerFailed("the node restarted while waiting for the issuer"));
              } else if (state instanceof Payment p && p.status() == PaymentState.IN_DOUBT) {
                ctx.getSelf().tell(new RetryReversal());
              }
            })
        .build();
  }

  // --- commands ---------------------------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, PaymentEvent, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, PaymentEvent, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forStateType(Empty.class).onAnyCommand(this::onEmpty);
    builder.forStateType(Payment.class).onAnyCommand(this::onPayment);
    return builder.build();
  }

  private ReplyEffect<PaymentEvent, State> onEmpty(Empty state, Command command) {
    if (command instanceof Authorize a) {
      Refusal invalid = Rules.checkAmount("authorize.amount", a.amount());
      if (invalid != null) {
        return refuse(null, a, invalid);
      }
      PaymentEvent event =
          event(state, a, PaymentEvent.newBuilder().setAcquirerId(a.acquirerId()).setAuthorizationRequested(
              AuthorizationRequested.newBuilder()
                  .setPaymentId(paymentId)
                  .setAcquirerId(a.acquirerId())
                  .setAcquirerReference(a.reference())
                  .setMerchantId(a.merchantId())
                  .setAmount(a.amount().toProto())
                  .setCard(a.card().toProto())
                  .setIssuerDeadlineMillis(now() + deps.settings().issuerTimeout().toMillis())));
      awaitingDecision.add(a.replyTo());
      return persist(event).thenRun(s -> askIssuer((Payment) s, a)).thenNoReply();
    }
    if (command instanceof Get g) {
      return Effect().reply(g.replyTo(), notFound());
    }
    if (command instanceof RequestCommand r) {
      return Effect().reply(r.replyTo(), notFound());
    }
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PaymentEvent, State> onPayment(Payment p, Command command) {
    if (command instanceof Get g) {
      boolean visible = g.acquirerId().isEmpty() || g.acquirerId().equals(p.acquirerId());
      return Effect().reply(g.replyTo(), visible ? p.reply(ResultCode.APPROVED) : notFound());
    }
    if (command instanceof RequestCommand r) {
      return onRequest(p, r);
    }
    if (command instanceof IssuerAnswered m) {
      return onIssuerAnswered(p, m.decision());
    }
    if (command instanceof IssuerFailed m) {
      return onIssuerFailed(p, m.reason());
    }
    if (command instanceof IncrementAnswered m) {
      return onIncrementAnswered(p, m);
    }
    if (command instanceof ReversalFinished m) {
      return onReversalFinished(p, m);
    }
    if (command instanceof RetryReversal || command instanceof WakeUp) {
      return onWakeUp(p);
    }
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PaymentEvent, State> onRequest(Payment p, RequestCommand r) {
    if (r instanceof AcquirerCommand a && !a.acquirerId().equals(p.acquirerId())) {
      return Effect().reply(r.replyTo(), notFound());
    }
    RequestRecord earlier = p.answered(r.requestId());
    if (earlier == null) {
      earlier = refusals.get(r.requestId());
    }
    if (earlier != null) {
      return earlier.getParamsHash() == r.paramsHash()
          ? Effect().reply(r.replyTo(), earlier.getReply())
          : Effect().reply(r.replyTo(), conflict(p, r));
    }
    if (r instanceof Authorize a) {
      return onRepeatedAuthorize(p, a);
    }
    if (incrementInFlight != null) {
      return Effect().stash();
    }
    Decision decision = Rules.decide(p, r, now(), deps.settings());
    if (decision instanceof Refusal refusal) {
      return refuse(p, r, refusal);
    }
    PaymentEvent.Builder body = ((Accepted) decision).event();
    if (r instanceof IncrementAuthorization inc) {
      return startIncrement(p, inc);
    }
    PaymentEvent event = event(p, r, body);
    if (r instanceof VoidAuthorization) {
      return Effect()
          .persist(event)
          .thenRun(s -> releaseHold((Payment) s))
          .thenReply(r.replyTo(), s -> answerTo(s, r));
    }
    return persist(event).thenReply(r.replyTo(), s -> answerTo(s, r));
  }

  private ReplyEffect<PaymentEvent, State> onRepeatedAuthorize(Payment p, Authorize a) {
    if (!a.requestId().equals(p.creatingRequestId())) {
      return refuse(p, a, new Refusal(ResultCode.IDEMPOTENCY_CONFLICT, "authorize.acquirer_reference",
          "this acquirer_reference was already used by another request"));
    }
    if (a.paramsHash() != p.creatingParamsHash()) {
      return Effect().reply(a.replyTo(), conflict(p, a));
    }
    // Same request, decision pending: answer when the issuer does.
    awaitingDecision.add(a.replyTo());
    return Effect().none().thenNoReply();
  }

  // --- the issuer -------------------------------------------------------------------------------------

  private void askIssuer(Payment p, Authorize a) {
    issuerCallInFlight = true;
    long budget = Math.max(1, p.issuerDeadlineMillis() - now());
    ctx.pipeToSelf(
        deps.issuer().authorize(paymentId, a.card(), a.merchantId(), a.amount())
            .toCompletableFuture()
            .orTimeout(budget, TimeUnit.MILLISECONDS),
        (decision, failure) -> failure == null ? new IssuerAnswered(decision) : new IssuerFailed(describe(failure)));
  }

  private ReplyEffect<PaymentEvent, State> onIssuerAnswered(Payment p, IssuerGateway.Decision d) {
    issuerCallInFlight = false;
    if (p.status() != PaymentState.AUTHORIZING) {
      return Effect().none().thenNoReply();
    }
    PaymentEvent.Builder body = d.approved()
        ? PaymentEvent.newBuilder().setAuthorized(Authorized.newBuilder()
            .setAuthCode(d.authCode())
            .setExpiresAtMillis(now() + deps.settings().holdWindow().toMillis()))
        : PaymentEvent.newBuilder().setDeclined(Declined.newBuilder()
            .setResult(d.declineCode())
            .setReason(d.reason()));
    return persist(event(p, null, body)).thenRun(this::answerAwaiting).thenNoReply();
  }

  private ReplyEffect<PaymentEvent, State> onIssuerFailed(Payment p, String reason) {
    issuerCallInFlight = false;
    if (p.status() != PaymentState.AUTHORIZING) {
      return Effect().none().thenNoReply();
    }
    ctx.getLog().warn("Payment {} is in doubt: {}", paymentId, reason);
    PaymentEvent.Builder body = PaymentEvent.newBuilder().setInDoubt(AuthorizationInDoubt.newBuilder()
        .setReason(reason)
        .setNextRetryAtMillis(now() + deps.settings().reversalRetryMin().toMillis()));
    return Effect()
        .persist(event(p, null, body))
        .thenRun(this::answerAwaiting)
        .thenRun(s -> sendReversal((Payment) s))
        .thenNoReply();
  }

  private void answerAwaiting(State state) {
    Payment p = (Payment) state;
    PaymentReply reply = p.answered(p.creatingRequestId()).getReply();
    awaitingDecision.forEach(ref -> ref.tell(reply));
    awaitingDecision.clear();
  }

  private ReplyEffect<PaymentEvent, State> startIncrement(Payment p, IncrementAuthorization inc) {
    incrementInFlight = inc;
    Card card = new Card(p.card().getBin(), p.card().getLast4(), p.card().getPanHash(),
        p.card().getExpiryMonth(), p.card().getExpiryYear());
    ctx.pipeToSelf(
        deps.issuer().increment(paymentId, card, inc.amount())
            .toCompletableFuture()
            .orTimeout(deps.settings().issuerTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (decision, failure) -> new IncrementAnswered(decision, failure == null ? null : describe(failure)));
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PaymentEvent, State> onIncrementAnswered(Payment p, IncrementAnswered m) {
    IncrementAuthorization inc = incrementInFlight;
    incrementInFlight = null;
    if (inc == null) {
      return Effect().none().thenNoReply();
    }
    if (m.failure() != null) {
      // The issuer may have raised the hold: release the increment, then tell the acquirer it is unknown.
      deps.issuer().reverse(paymentId, inc.amount()).whenComplete((ok, failure) -> {
        if (failure != null) {
          ctx.getSystem().log().warn("Reversal of increment on {} failed: {}", paymentId, describe(failure));
        }
      });
      return refuseAndUnstash(p, inc, new Refusal(ResultCode.ISSUER_UNAVAILABLE, "", m.failure()));
    }
    if (!m.decision().approved()) {
      return refuseAndUnstash(p, inc, new Refusal(m.decision().declineCode(), "", m.decision().reason()));
    }
    PaymentEvent.Builder body = PaymentEvent.newBuilder().setIncremented(AuthorizationIncremented.newBuilder()
        .setAmount(inc.amount().toProto())
        .setAuthCode(m.decision().authCode())
        .setExpiresAtMillis(Math.max(p.expiresAtMillis(), now() + deps.settings().holdWindow().toMillis())));
    return Effect()
        .persist(event(p, inc, body))
        .thenReply(inc.replyTo(), s -> answerTo(s, inc))
        .thenUnstashAll();
  }

  private ReplyEffect<PaymentEvent, State> refuseAndUnstash(Payment p, RequestCommand r, Refusal refusal) {
    PaymentReply reply = remember(p, r, refusal);
    return Effect().reply(r.replyTo(), reply).thenUnstashAll();
  }

  // --- reversal of an in-doubt authorization ------------------------------------------------------------

  private void sendReversal(Payment p) {
    if (reversalInFlight || p.status() != PaymentState.IN_DOUBT) {
      return;
    }
    reversalInFlight = true;
    reversalAttempts++;
    ctx.pipeToSelf(
        deps.issuer().reverse(paymentId, new Money(p.authorized(), p.currency()))
            .toCompletableFuture()
            .orTimeout(deps.settings().issuerTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (ok, failure) -> new ReversalFinished(failure == null, failure == null ? "" : describe(failure)));
  }

  private ReplyEffect<PaymentEvent, State> onReversalFinished(Payment p, ReversalFinished m) {
    reversalInFlight = false;
    if (p.status() != PaymentState.IN_DOUBT) {
      return Effect().none().thenNoReply();
    }
    if (!m.acknowledged()) {
      long backoff = Math.min(
          deps.settings().reversalRetryMax().toMillis(),
          deps.settings().reversalRetryMin().toMillis() << Math.min(reversalAttempts - 1, 20));
      ctx.getLog().warn("Reversal {} of payment {} failed, retrying in {} ms: {}",
          reversalAttempts, paymentId, backoff, m.failure());
      timers.startSingleTimer(new RetryReversal(), Duration.ofMillis(backoff));
      return Effect().none().thenNoReply();
    }
    PaymentEvent.Builder body =
        PaymentEvent.newBuilder().setReversed(Reversed.newBuilder().setAttempts(reversalAttempts));
    return persist(event(p, null, body)).thenNoReply();
  }

  private void releaseHold(Payment p) {
    // Best effort: the void is recorded either way; the issuer's hold also lapses on its own.
    deps.issuer().reverse(paymentId, new Money(p.authorized(), p.currency())).whenComplete((ok, failure) -> {
      if (failure != null) {
        ctx.getSystem().log().warn("Releasing the hold of voided {} failed: {}", paymentId, describe(failure));
      }
    });
  }

  // --- deadlines --------------------------------------------------------------------------------------

  private ReplyEffect<PaymentEvent, State> onWakeUp(Payment p) {
    long now = now();
    switch (p.status()) {
      case AUTHORIZING -> {
        if (!issuerCallInFlight && now >= p.issuerDeadlineMillis()) {
          return onIssuerFailed(p, "no issuer answer before the deadline");
        }
      }
      case IN_DOUBT -> sendReversal(p);
      case AUTHORIZED, PARTIALLY_CAPTURED -> {
        if (!p.finalCaptured() && p.expiresAtMillis() > 0 && now >= p.expiresAtMillis()) {
          PaymentEvent.Builder body = PaymentEvent.newBuilder().setExpired(
              AuthorizationExpired.newBuilder().setReleasedMinor(p.authorized() - p.captured()));
          return persist(event(p, null, body)).thenNoReply();
        }
      }
      default -> { }
    }
    Dispute d = p.dispute();
    if (d != null && d.state() == DisputeState.NEEDS_RESPONSE && now >= d.respondByMillis()) {
      PaymentEvent.Builder body = PaymentEvent.newBuilder().setDisputeClosed(DisputeClosed.newBuilder()
          .setDisputeId(d.id())
          .setOutcome(DisputeState.LOST)
          .setReason("response window expired"));
      return persist(event(p, null, body)).thenNoReply();
    }
    return Effect().none().thenNoReply();
  }

  // --- helpers ----------------------------------------------------------------------------------------

  /** The outcome of checking a command against the payment: an event to persist, or a refusal. */
  sealed interface Decision permits Accepted, Refusal {}

  record Accepted(PaymentEvent.Builder event) implements Decision {}

  record Refusal(ResultCode code, String field, String reason) implements Decision {}

  /** Persists one event, timing the journal's acknowledgement. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<PaymentEvent, State> persist(PaymentEvent event) {
    long start = System.nanoTime();
    return Effect().persist(event).thenRun(s -> Metrics.JOURNAL_WRITE.record(System.nanoTime() - start));
  }

  /** Stamps time, acquirer, the causing request and the state after it. */
  private PaymentEvent event(State state, RequestCommand cause, PaymentEvent.Builder body) {
    body.setAtMillis(now());
    if (state instanceof Payment p) {
      body.setAcquirerId(p.acquirerId()).setMerchantId(p.merchantId())
          .setCardBin(p.card().getBin()).setCardLast4(p.card().getLast4());
    } else if (body.hasAuthorizationRequested()) {
      AuthorizationRequested first = body.getAuthorizationRequested();
      body.setMerchantId(first.getMerchantId())
          .setCardBin(first.getCard().getBin()).setCardLast4(first.getCard().getLast4());
    }
    if (cause != null) {
      body.setRequestId(cause.requestId()).setParamsHash(cause.paramsHash());
    }
    State after = state.apply(body.build());
    return body.setStateAfter(((Payment) after).status()).build();
  }

  private PaymentReply answerTo(State state, RequestCommand r) {
    return ((Payment) state).answered(r.requestId()).getReply();
  }

  private ReplyEffect<PaymentEvent, State> refuse(Payment p, RequestCommand r, Refusal refusal) {
    return Effect().reply(r.replyTo(), remember(p, r, refusal));
  }

  /** Refusals are not persisted; this incarnation remembers them so that a retry gets the same answer. */
  private PaymentReply remember(Payment p, RequestCommand r, Refusal refusal) {
    PaymentReply.Builder reply =
        PaymentReply.newBuilder().setResult(refusal.code()).setField(refusal.field()).setReason(refusal.reason());
    if (p != null) {
      reply.setPayment(p.view());
    }
    PaymentReply built = reply.build();
    refusals.put(r.requestId(), RequestRecord.newBuilder()
        .setRequestId(r.requestId()).setParamsHash(r.paramsHash()).setReply(built).build());
    return built;
  }

  private static PaymentReply conflict(Payment p, RequestCommand r) {
    return PaymentReply.newBuilder()
        .setResult(ResultCode.IDEMPOTENCY_CONFLICT)
        .setPayment(p.view())
        .setField("request_id")
        .setReason("request_id " + r.requestId() + " was already used with different parameters")
        .build();
  }

  private static PaymentReply notFound() {
    return PaymentReply.newBuilder()
        .setResult(ResultCode.NOT_FOUND)
        .setField("payment_id")
        .setReason("no such payment for this acquirer")
        .build();
  }

  private long now() {
    return deps.clock().millis();
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof java.util.concurrent.TimeoutException
        ? "no issuer answer in time" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
