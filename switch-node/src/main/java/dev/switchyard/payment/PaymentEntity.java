package dev.switchyard.payment;

import dev.switchyard.payment.Decision.Accept;
import dev.switchyard.payment.Decision.Refusal;
import dev.switchyard.payment.PaymentCommand.AcceptDispute;
import dev.switchyard.payment.PaymentCommand.AcquirerCommand;
import dev.switchyard.payment.PaymentCommand.Authorize;
import dev.switchyard.payment.PaymentCommand.Capture;
import dev.switchyard.payment.PaymentCommand.DecideDispute;
import dev.switchyard.payment.PaymentCommand.Get;
import dev.switchyard.payment.PaymentCommand.IncrementAnswered;
import dev.switchyard.payment.PaymentCommand.IncrementAuthorization;
import dev.switchyard.payment.PaymentCommand.IssuerAnswered;
import dev.switchyard.payment.PaymentCommand.IssuerFailed;
import dev.switchyard.payment.PaymentCommand.OpenDispute;
import dev.switchyard.payment.PaymentCommand.PreArbitrate;
import dev.switchyard.payment.PaymentCommand.Refund;
import dev.switchyard.payment.PaymentCommand.RequestCommand;
import dev.switchyard.payment.PaymentCommand.ReversalAnswered;
import dev.switchyard.payment.PaymentCommand.SubmitDisputeEvidence;
import dev.switchyard.payment.PaymentCommand.VoidAuthorization;
import dev.switchyard.payment.PaymentCommand.WakeUp;
import dev.switchyard.payment.PaymentCommand.RiskAnswered;
import dev.switchyard.protocol.v1.Declined;
import dev.switchyard.protocol.v1.DecisionSource;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.RequestRefused;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskDecision;
import dev.switchyard.protocol.v1.RiskOperation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One card payment, the single writer of its own money; its phases and their rules are the records of
 * {@link Payment}. Every command gets exactly one answer. Before any phase sees a request, the payment checks its
 * owner and its request id: a request id already answered gets that answer again (refusals included, since they
 * are events too), and with other parameters {@code IDEMPOTENCY_CONFLICT}. Every call to the issuer is preceded by
 * an event saying it is made, so a restart during the call leaves an outcome the payment resolves by itself; every
 * reversal it owes the issuer is retried until acknowledged. Deadlines are data in the events; the deadline sweeper
 * (and, while in memory, a timer) wakes the payment with {@link WakeUp}, and the payment re-checks them.
 *
 * <ul>
 *   <li>{@code Authorize}: creates the payment and asks the issuer.
 *   <li>{@code IncrementAuthorization}: raises the hold while nothing is captured (the issuer decides).
 *   <li>{@code Capture}, {@code VoidAuthorization}, {@code Refund}: move the payment's money.
 *   <li>{@code OpenDispute} … {@code PreArbitrate}: the dispute lifecycle, from the back office.
 *   <li>{@code Get}: reads it; {@code WakeUp}: checks its deadlines.
 * </ul>
 */
public final class PaymentEntity
    extends EventSourcedBehaviorWithEnforcedReplies<PaymentCommand, PaymentEvent, Payment> {

  public static final EntityTypeKey<PaymentCommand> ENTITY_KEY = EntityTypeKey.create(PaymentCommand.class, "Payment");

  /** What every payment needs from its node. */
  public record Dependencies(PaymentSettings settings, IssuerGateway issuer, Clock clock, PaymentMetrics metrics,
      RiskAssessor risk) {

    /** Without risk decisions. */
    public Dependencies(PaymentSettings settings, IssuerGateway issuer, Clock clock, PaymentMetrics metrics) {
      this(settings, issuer, clock, metrics, RiskAssessor.OFF);
    }
  }

  public static void init(ActorSystem<?> system, Dependencies deps) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), deps)));
    StashOverflow.start(system);
  }

  public static Behavior<PaymentCommand> create(String paymentId, Dependencies deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PaymentEntity(ctx, timers, paymentId, deps)));
  }

  private PaymentEntity(
      ActorContext<PaymentCommand> ctx, TimerScheduler<PaymentCommand> timers, String paymentId, Dependencies deps) {
    super(PersistenceId.of(ENTITY_KEY.name(), paymentId), RESTART);
    this.ctx = ctx;
    this.timers = timers;
    this.paymentId = paymentId;
    this.deps = deps;
    this.issuer = new IssuerCalls(ctx, paymentId, deps);
  }

  /** Journal failures (writes, recoveries) restart the payment after a pause. */
  private static final BackoffSupervisorStrategy RESTART =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  private final ActorContext<PaymentCommand> ctx;
  private final TimerScheduler<PaymentCommand> timers;
  private final String paymentId;
  private final Dependencies deps;
  // This incarnation's conversations, not state: who waits for the authorization's decision, and the calls to the
  // issuer in flight. A restart loses both, and the durable state says what to do again.
  private final List<ActorRef<Reply>> awaitingDecision = new ArrayList<>();
  private final IssuerCalls issuer;
  // Risk decisions asked and not yet used, by RiskAssessor.Request#key; lost with the incarnation, and asked again.
  private final Map<String, RiskAssessed> assessed = new HashMap<>();
  private final Set<String> assessing = new HashSet<>();

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  /** Snapshots are written, but read only when switch.persistence.load-snapshots is on (see its comment). */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(deps.settings().loadSnapshots()
        ? SnapshotSelectionCriteria.latest() : SnapshotSelectionCriteria.none());
  }

  @Override
  public Set<String> tagsFor(PaymentEvent event) {
    return Set.of(deps.settings().tags().tagFor(paymentId));
  }

  @Override
  public Payment emptyState() {
    return new Payment.Empty();
  }

  @Override
  public EventHandler<Payment, PaymentEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(Payment::apply);
  }

  @Override
  public SignalHandler<Payment> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(PostStop.instance(), state -> deps.metrics().alive(-1))
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .build();
  }

  private void recovered(Payment state) {
    deps.metrics().alive(1);
    if (state instanceof Payment.Unreadable u) {
      deps.metrics().unreadable();
      ctx.getLog().error("Payment {} cannot be read by this node and refuses every command: {}", paymentId, u.why());
    } else if (state instanceof Payment.Live live) {
      PaymentCommand resume = live.resumeAfterRecovery();
      if (resume != null) {
        ctx.getSelf().tell(resume);
      }
    }
  }

  // --- commands ---------------------------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<PaymentCommand, PaymentEvent, Payment> commandHandler() {
    CommandHandlerWithReply<PaymentCommand, PaymentEvent, Payment> byPhase = byPhase();
    return (state, command) -> {
      if (!assessing.isEmpty() && command instanceof RequestCommand) {
        // A request behind one waiting for its risk decision waits too: requests are handled in order.
        return Effect().stash();
      }
      if (state instanceof Payment.Live live && command instanceof RequestCommand request) {
        ReplyEffect<PaymentEvent, Payment> early = answeredOrBusy(live, request);
        if (early != null) {
          return early;
        }
      }
      return byPhase.apply(state, command);
    };
  }

  /** The first handler that matches the phase and the command wins; the later ones hold for every phase. */
  private CommandHandlerWithReply<PaymentCommand, PaymentEvent, Payment> byPhase() {
    CommandHandlerWithReplyBuilder<PaymentCommand, PaymentEvent, Payment> b = newCommandHandlerWithReplyBuilder();
    b.forStateType(Payment.Empty.class)
        .onCommand(Authorize.class, this::create)
        .onCommand(RequestCommand.class, (s, r) -> Effect().reply(r.replyTo(), Reply.notFound()))
        .onCommand(Get.class, (s, g) -> Effect().reply(g.replyTo(), Reply.notFound()));
    b.forStateType(Payment.Unreadable.class)
        .onCommand(RequestCommand.class, (s, r) -> Effect().reply(r.replyTo(), Reply.unreadable()))
        .onCommand(Get.class, (s, g) -> Effect().reply(g.replyTo(), Reply.unreadable()));
    b.forStateType(Authorizing.class)
        .onCommand(Authorize.class, this::awaitDecision)
        .onCommand(IssuerAnswered.class, (s, m) -> persist(s, "", 0, s.decided(m.decision(), now(), settings()))
            .thenRun(this::answerAwaiting)
            .thenRun(after -> deps.risk().outcome(s.origin().cardData(), m.decision().approved()))
            .thenNoReply())
        .onCommand(IssuerFailed.class, (s, m) -> inDoubt(s, m.failure()))
        .onCommand(WakeUp.class, (s, w) -> s.deadlinePassed(now())
            ? inDoubt(s, IssuerFailure.DEADLINE_PASSED) : Effect().none().thenNoReply());
    // Another authorization for a reference already used is a conflict in every phase, never recorded.
    b.forStateType(Payment.Live.class)
        .onCommand(Authorize.class, (s, a) -> Effect().reply(a.replyTo(), Reply.referenceTaken(s.view())));
    b.forStateType(Open.class)
        .onCommand(Capture.class, (s, c) -> decide(s, c, s.capture(c, now())))
        .onCommand(VoidAuthorization.class, (s, v) -> decide(s, v, s.voidAuthorization(v, now(), settings())))
        .onCommand(IncrementAuthorization.class, this::increment)
        .onCommand(IncrementAnswered.class, this::incrementAnswered);
    b.forStateType(Funded.class)
        .onCommand(Refund.class, (s, r) -> decide(s, r, s.refund(r)))
        .onCommand(OpenDispute.class, (s, o) -> decide(s, o, s.openDispute(o, now(), settings())))
        .onCommand(SubmitDisputeEvidence.class, (s, e) -> decide(s, e, s.evidence(e)))
        .onCommand(AcceptDispute.class, (s, a) ->
            decide(s, a, s.closeDispute(a.disputeId(), DisputeState.LOST, "accepted")))
        .onCommand(DecideDispute.class, (s, d) -> decide(s, d,
            s.closeDispute(d.disputeId(), d.won() ? DisputeState.WON : DisputeState.LOST, d.won() ? "won" : "lost")))
        .onCommand(PreArbitrate.class, (s, p) -> decide(s, p, s.preArbitration(p, now(), settings())));
    b.forStateType(Closed.class)
        .onCommand(RequestCommand.class, (s, r) -> decide(s, r, s.refusal()));
    b.forStateType(Payment.Live.class)
        .onCommand(Get.class, this::get)
        .onCommand(RequestCommand.class, (s, r) -> decide(s, r, Decision.invalidState(r.operation(), s.status())))
        .onCommand(WakeUp.class, (s, w) -> wake(s))
        .onCommand(ReversalAnswered.class, this::reversalAnswered);
    b.forAnyState().onCommand(RiskAnswered.class, (s, r) -> {
      assessing.remove(r.key());
      assessed.put(r.key(), r.assessed());
      return Effect().none().thenNoReply().thenUnstashAll();
    });
    b.forAnyState().onAnyCommand(() -> Effect().none().thenNoReply());
    return b.build();
  }

  /**
   * Checked before the phase: another acquirer's payment is not found; an answered request id gets its answer
   * again (or a conflict); while an increment waits for the issuer, other requests wait for it in the stash.
   */
  private ReplyEffect<PaymentEvent, Payment> answeredOrBusy(Payment.Live p, RequestCommand r) {
    if (r instanceof AcquirerCommand a && !a.acquirerId().equals(p.origin().acquirerId())) {
      return Effect().reply(r.replyTo(), Reply.notFound());
    }
    Answers.Answer earlier = p.core().answers().get(r.requestId());
    if (earlier != null) {
      return Effect().reply(r.replyTo(), r.sameParams(earlier.paramsHash())
          ? earlier.reply().asReplay() : Reply.requestIdTaken(r.requestId(), p.view()));
    }
    if (p instanceof Open open && open.pending() != null) {
      // One increment at a time: another is refused by the phase; everything else, and a retry of this one, waits.
      boolean another = r instanceof IncrementAuthorization && !r.requestId().equals(open.pending().requestId());
      return another ? null : Effect().stash();
    }
    return null;
  }

  /** Persists the event of an allowed command and answers with the payment after it; records a refusal. */
  private ReplyEffect<PaymentEvent, Payment> decide(Payment.Live s, RequestCommand r, Decision d) {
    if (d instanceof Refusal refusal) {
      return refuse(s, r, refusal);
    }
    return persist(s, r.requestId(), r.paramsHash(), ((Accept) d).event())
        .thenRun(after -> sendOwed(s, after))
        .thenReply(r.replyTo(), after -> answerOf(after, r.requestId()));
  }

  /**
   * A refusal is recorded as an event that moves nothing, so a retry gets the same answer after passivation,
   * restart or failover; beyond switch.payment.max-recorded-refusals it is only answered.
   */
  private ReplyEffect<PaymentEvent, Payment> refuse(Payment.Live s, RequestCommand r, Refusal refusal) {
    if (s.core().answers().refusals() >= settings().maxRecordedRefusals()) {
      return Effect().reply(r.replyTo(), Reply.of(refusal.outcome(), refusal.field(), refusal.reason(), s.view()));
    }
    PaymentEvent.Builder body = PaymentEvent.newBuilder().setRequestRefused(RequestRefused.newBuilder()
        .setResult(ResultCodes.toWire(refusal.outcome())).setField(refusal.field()).setReason(refusal.reason()));
    return persist(s, r.requestId(), r.paramsHash(), body)
        .thenReply(r.replyTo(), after -> answerOf(after, r.requestId()));
  }

  private ReplyEffect<PaymentEvent, Payment> get(Payment.Live s, Get g) {
    boolean visible = g.acquirerId().isEmpty() || g.acquirerId().equals(s.origin().acquirerId());
    return Effect().reply(g.replyTo(), visible ? Reply.approved(s.view()) : Reply.notFound());
  }

  // --- the authorization ------------------------------------------------------------------------------

  private ReplyEffect<PaymentEvent, Payment> create(Payment.Empty s, Authorize a) {
    Refusal invalid = Decision.positive("authorize.amount", a.amount());
    if (invalid != null) {
      return Effect().reply(a.replyTo(), Reply.of(invalid.outcome(), invalid.field(), invalid.reason(), null));
    }
    RiskAssessed risk = null;
    if (deps.risk().enabled()) {
      risk = assessed.remove(paymentId);
      if (risk == null) {
        return askRisk(new RiskAssessor.Request(paymentId, RiskOperation.RISK_AUTHORIZATION, a.acquirerId(),
            a.merchantId(), a.card(), a.amount(), a.presentment()));
      }
    }
    awaitingDecision.add(a.replyTo());
    Trace trace = deps.issuer().trace(paymentId, a.acquirerId(), a.card());
    List<PaymentEvent.Builder> bodies = new ArrayList<>();
    bodies.add(Authorizing.requested(paymentId, a, trace, now(), settings()));
    if (risk != null) {
      bodies.add(PaymentEvent.newBuilder().setRiskAssessed(risk));
      if (risk.getDecision() == RiskDecision.RISK_DECLINE) {
        // Declined by the switch: answered now, and nothing goes to the issuer.
        bodies.add(PaymentEvent.newBuilder().setDeclined(Declined.newBuilder()
            .setResult(ResultCodes.toWire(Outcome.RISK_DECLINED)).setReason(riskReason(risk))
            .setSource(DecisionSource.SWITCH)));
        return persistAll(s, a.requestId(), a.paramsHash(), bodies).thenRun(this::answerAwaiting).thenNoReply();
      }
    }
    return persistAll(s, a.requestId(), a.paramsHash(), bodies)
        .thenRun(after -> issuer.authorize((Authorizing) after, a))
        .thenNoReply();
  }

  /**
   * Asks for the risk decision on {@code r} (once, however many of its requests arrive meanwhile) and keeps the
   * request in the stash until it is answered ({@link RiskAnswered}); then the request is handled again.
   */
  private ReplyEffect<PaymentEvent, Payment> askRisk(RiskAssessor.Request r) {
    if (assessing.add(r.key())) {
      ctx.pipeToSelf(deps.risk().assess(r), (decided, failure) -> {
        if (failure == null) {
          return new RiskAnswered(r.key(), decided);
        }
        ctx.getLog().error("Risk decision on {} failed; approved without one", r.key(), failure);
        return new RiskAnswered(r.key(), RiskAssessed.newBuilder().setOperation(r.operation())
            .setDecision(RiskDecision.RISK_APPROVE).addUnavailable("engine").build());
      });
    }
    return Effect().stash();
  }

  /** What the acquirer is told of a risk decline: the reason codes, never the rules' limits. */
  private static String riskReason(RiskAssessed risk) {
    return "declined by the switch's risk rules (" + String.join(", ", risk.getReasonsList()) + ")";
  }

  /** The same authorization again while the issuer decides: answered with the decision. */
  private ReplyEffect<PaymentEvent, Payment> awaitDecision(Authorizing s, Authorize a) {
    if (!a.requestId().equals(s.origin().requestId()) || !a.sameParams(s.origin().paramsHash())) {
      return Effect().reply(a.replyTo(), Reply.referenceTaken(s.view()));
    }
    awaitingDecision.add(a.replyTo());
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PaymentEvent, Payment> inDoubt(Authorizing s, IssuerFailure failure) {
    ctx.getLog().warn("Payment {} is in doubt: {}", paymentId, failure.reason());
    return persist(s, "", 0, s.inDoubt(failure, now(), settings()))
        .thenRun(this::answerAwaiting)
        .thenRun(after -> sendOwed(s, after))
        .thenNoReply();
  }

  /** The decision to everyone who asked: the first request's answer, and to its retries the same as a replay. */
  private void answerAwaiting(Payment after) {
    Reply reply = answerOf(after, ((Payment.Live) after).origin().requestId());
    for (int i = 0; i < awaitingDecision.size(); i++) {
      awaitingDecision.get(i).tell(i == 0 ? reply : reply.asReplay());
    }
    awaitingDecision.clear();
  }

  // --- increments -------------------------------------------------------------------------------------

  private ReplyEffect<PaymentEvent, Payment> increment(Open s, IncrementAuthorization i) {
    Decision d = s.increment(i, now(), settings());
    if (d instanceof Refusal refusal) {
      return refuse(s, i, refusal);
    }
    List<PaymentEvent.Builder> bodies = new ArrayList<>();
    if (deps.risk().enabled()) {
      String key = paymentId + "/" + i.requestId();
      RiskAssessed risk = assessed.remove(key);
      if (risk == null) {
        return askRisk(new RiskAssessor.Request(key, RiskOperation.RISK_INCREMENT, s.origin().acquirerId(),
            s.origin().merchantId(), s.origin().cardData(), i.amount(), s.origin().presentment()));
      }
      bodies.add(PaymentEvent.newBuilder().setRiskAssessed(risk));
      if (risk.getDecision() == RiskDecision.RISK_DECLINE) {
        bodies.add(PaymentEvent.newBuilder().setRequestRefused(RequestRefused.newBuilder()
            .setResult(ResultCodes.toWire(Outcome.RISK_DECLINED)).setReason(riskReason(risk))));
        return persistAll(s, i.requestId(), i.paramsHash(), bodies)
            .thenReply(i.replyTo(), after -> answerOf(after, i.requestId()));
      }
    }
    // Only an increment that goes to the issuer takes a trace (and its STAN).
    PaymentEvent.Builder requested = ((Accept) d).event();
    requested.getIncrementRequestedBuilder()
        .setIssuer(deps.issuer().followUp(paymentId, s.origin().trace()).toProto());
    bodies.add(requested);
    return persistAll(s, i.requestId(), i.paramsHash(), bodies)
        .thenRun(after -> issuer.increment((Open) after, i))
        .thenNoReply();
  }

  private ReplyEffect<PaymentEvent, Payment> incrementAnswered(Open s, IncrementAnswered m) {
    PendingIncrement pending = s.pending();
    if (pending == null || !pending.requestId().equals(m.requestId())) {
      return Effect().none().thenNoReply();
    }
    EffectBuilder<PaymentEvent, Payment> effect = persist(s, pending.requestId(), pending.paramsHash(),
        s.incrementDecided(m.decision(), m.failure(), now(), settings()))
        .thenRun(after -> sendOwed(s, after));
    return (m.replyTo() == null
        ? effect.thenNoReply()
        : effect.thenReply(m.replyTo(), after -> answerOf(after, pending.requestId())))
        .thenUnstashAll();
  }

  // --- deadlines and reversals owed to the issuer -----------------------------------------------------

  private ReplyEffect<PaymentEvent, Payment> wake(Payment.Live s) {
    PaymentEvent.Builder due = s.due(now());
    if (due == null) {
      issuer.reverse(s, true);
      return Effect().none().thenNoReply();
    }
    return persist(s, "", 0, due).thenRun(after -> issuer.reverse(after, true)).thenNoReply();
  }

  private ReplyEffect<PaymentEvent, Payment> reversalAnswered(Payment.Live s, ReversalAnswered m) {
    PaymentEvent.Builder event = issuer.reversed(s, m);
    if (event == null) {
      // What was on the wire is no longer what is owed (a void's release replaced an increment's reversal).
      issuer.reverse(s, false);
      return Effect().none().thenNoReply();
    }
    return persist(s, "", 0, event).thenRun(after -> {
      Owed next = ((Payment.Live) after).owed();
      if (next != null) {
        timers.startSingleTimer("reversal", new WakeUp(), Duration.ofMillis(next.nextAttemptAtMillis() - now()));
      }
    }).thenNoReply();
  }

  // --- helpers ----------------------------------------------------------------------------------------

  /** A reversal this event made owed goes out at once; one owed before goes out only when its time has come. */
  private void sendOwed(Payment.Live before, Payment after) {
    Owed owed = after instanceof Payment.Live live ? live.owed() : null;
    issuer.reverse(after, owed == null || owed.equals(before.owed()));
  }

  /** Persists one event, stamped with what every event carries, timing the journal's acknowledgement. */
  private EffectBuilder<PaymentEvent, Payment> persist(
      Payment state, String requestId, long paramsHash, PaymentEvent.Builder body) {
    PaymentEvent event = Stamp.event(state, body, requestId, paramsHash, now());
    long start = System.nanoTime();
    return Effect().persist(event).thenRun(s -> deps.metrics().journalWrite(System.nanoTime() - start));
  }

  /** Persists several events in one journal write, each stamped as {@link #persist} does. */
  private EffectBuilder<PaymentEvent, Payment> persistAll(
      Payment state, String requestId, long paramsHash, List<PaymentEvent.Builder> bodies) {
    if (bodies.size() == 1) {
      return persist(state, requestId, paramsHash, bodies.get(0));
    }
    List<PaymentEvent> events = new ArrayList<>();
    Payment at = state;
    for (PaymentEvent.Builder body : bodies) {
      PaymentEvent event = Stamp.event(at, body, requestId, paramsHash, now());
      events.add(event);
      at = at.apply(event);
    }
    long start = System.nanoTime();
    return Effect().persist(events).thenRun(s -> deps.metrics().journalWrite(System.nanoTime() - start));
  }

  private static Reply answerOf(Payment after, String requestId) {
    return ((Payment.Live) after).core().answers().get(requestId).reply();
  }

  private PaymentSettings settings() {
    return deps.settings();
  }

  private long now() {
    return deps.clock().millis();
  }
}
