package dev.switchyard.issuer;

import dev.switchyard.CborSerializable;
import dev.switchyard.protocol.v1.AdviceAcknowledged;
import dev.switchyard.protocol.v1.AdviceEvent;
import dev.switchyard.protocol.v1.AdviceQueueSnapshot;
import dev.switchyard.protocol.v1.AdviceQueued;
import dev.switchyard.protocol.v1.AdviceSent;
import dev.switchyard.protocol.v1.CardDay;
import dev.switchyard.protocol.v1.Money;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import kamon.Kamon;
import kamon.metric.Gauge;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A store-and-forward queue of an issuer route, one sharded, event-sourced entity per route and partition (a card
 * always falls in the same partition, by its keyed hash, so the partitions share a route's stand-in load): it
 * grants stand-in approvals within their daily limits per card, and in the same event queues the advice (0120)
 * each owes the issuer. It sends its oldest advice when the route's link is up, one at a time so the issuer gets a
 * card's advices in order, and repeats it (0121, after {@code AdviceSent} was recorded) until a 0130 answers; then
 * the next. The journal keeps the queue through restarts and failover: after either, the next attempt of the head
 * advice is a repeat.
 */
public final class AdviceQueue extends EventSourcedBehavior<AdviceQueue.Command, AdviceEvent, AdviceQueue.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "IssuerAdvices");

  /** What the queue is told. */
  public sealed interface Command {}

  /**
   * Approve {@code amountMinor} for the card of {@code panHash} if {@code limits} allow, and owe the issuer its
   * advice. Answered with a {@link StandInAnswer}.
   */
  public record StandIn(String paymentId, String rrn, String acquirerId, String merchantId, String bin,
      String last4, String panHash, long amountMinor, String currency, StandInRules.Limits limits,
      ActorRef<StandInAnswer> replyTo) implements Command, CborSerializable {}

  /** Send the head advice if the link is up and none is on the wire. Every node says it every nudge interval. */
  public enum Deliver implements Command, CborSerializable { INSTANCE }

  /** Whether an advice for the payment of {@code rrn} is still queued (a reversal must wait behind it). */
  public record Undelivered(String rrn, ActorRef<Holding> replyTo) implements Command, CborSerializable {}

  /** The queue's depth and age. */
  public record Status(ActorRef<QueueStatus> replyTo) implements Command, CborSerializable {}

  private record Answered(long sequence, String responseCode, Throwable failure) implements Command {}

  /** A stand-in decision: approved with a code and the advice's sequence, or refused naming the limit. */
  public record StandInAnswer(boolean approved, String authCode, long sequence, String refusal)
      implements CborSerializable {}

  public record Holding(boolean undelivered) implements CborSerializable {}

  /** Depth, the oldest advice's approval time (0 when empty), sequence numbers and the head's attempts. */
  public record QueueStatus(String route, int depth, long oldestApprovedAtMillis, long nextSequence,
      long acknowledged, int headAttempts) implements CborSerializable {}

  /** How the queue reaches its issuer: whether the route's link is up, and one advice sent for its 0130. */
  public interface Sender {
    boolean ready(String route);

    /** Sends {@code advice} (a repeat when {@code attempt} > 1); completes with the 0130's field 39. */
    CompletionStage<String> send(String route, AdviceQueued advice, int attempt);
  }

  /** {@code switch.issuer.advices}. */
  public record Settings(Duration nudgeInterval, int snapshotEvery) {}

  /**
   * Queues per route. Fixed, not a setting: a card's queue must be the same for its approval, its reversal and
   * the day's limits, across restarts and versions, or a reversal could pass its advice.
   */
  public static final int PARTITIONS = 16;

  /** The entity id of {@code route}'s queue {@code partition}. */
  public static String entityId(String route, int partition) {
    return route + "#" + partition;
  }

  /** The entity id of the queue that decides and advises for the card of {@code panHash} on {@code route}. */
  public static String entityId(String route, String panHash) {
    return entityId(route, Math.floorMod(panHash.hashCode(), PARTITIONS));
  }

  /** The queue's state. Changed only by the event handler, on the entity's thread. */
  public static final class State {
    long nextSequence = 1;
    final ArrayDeque<AdviceQueued> pending = new ArrayDeque<>();
    int headAttempts;
    long acknowledged;
    long epochDay;
    final Map<String, long[]> cards = new HashMap<>();
  }

  private static final org.apache.pekko.actor.typed.BackoffSupervisorStrategy RESTART =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  public static void init(ActorSystem<?> system, Sender sender, Settings settings, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity ->
        create(entity.getEntityId(), sender, settings, clock)));
  }

  /** The queue of {@code entityId} ({@link #entityId(String, int)}). */
  static Behavior<Command> create(String entityId, Sender sender, Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> new AdviceQueue(ctx, entityId, sender, settings, clock));
  }

  private final ActorContext<Command> ctx;
  private final String route;
  private final int partition;
  private final Sender sender;
  private final Settings settings;
  private final Clock clock;
  private final Gauge depth;
  private final Gauge age;
  /** An advice is on the wire; a restart forgets it, and the head is sent again as a repeat. */
  private boolean sending;

  private AdviceQueue(ActorContext<Command> ctx, String entityId, Sender sender, Settings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId), RESTART);
    this.ctx = ctx;
    int hash = entityId.lastIndexOf('#');
    this.route = hash < 0 ? entityId : entityId.substring(0, hash);
    this.partition = hash < 0 ? 0 : Integer.parseInt(entityId.substring(hash + 1));
    this.sender = sender;
    this.settings = settings;
    this.clock = clock;
    this.depth = Kamon.gauge("switch.issuer.advices.depth", "Stand-in advices owed to the route's issuer")
        .withTag("route", route).withTag("partition", partition);
    this.age = Kamon.gauge("switch.issuer.advices.age.seconds", "Age of the oldest advice owed to the issuer")
        .withTag("route", route).withTag("partition", partition);
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State s) {
        return snapshot(s);
      }

      @Override
      public State fromJournal(Object from) {
        return restore((AdviceQueueSnapshot) from);
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          gauges(s);
          if (!s.pending.isEmpty()) {
            ctx.getLog().info("Advice queue {} of route {}: {} advices owed, the oldest approved at {}", partition,
                route, s.pending.size(), java.time.Instant.ofEpochMilli(s.pending.peekFirst().getApprovedAtMillis()));
            ctx.getSelf().tell(Deliver.INSTANCE);
          }
        })
        .onSignal(PostStop.instance(), s -> {
          depth.update(0);
          age.update(0);
        })
        .build();
  }

  // --- commands ---------------------------------------------------------------------------------------

  @Override
  public CommandHandler<Command, AdviceEvent, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(StandIn.class, this::standIn)
        .onCommand(Deliver.class, this::deliver)
        .onCommand(Answered.class, this::answered)
        .onCommand(Undelivered.class, (s, u) -> {
          u.replyTo().tell(new Holding(s.pending.stream().anyMatch(a -> a.getRrn().equals(u.rrn()))));
          return Effect().none();
        })
        .onCommand(Status.class, (s, q) -> {
          q.replyTo().tell(new QueueStatus(route, s.pending.size(),
              s.pending.isEmpty() ? 0 : s.pending.peekFirst().getApprovedAtMillis(), s.nextSequence,
              s.acknowledged, s.headAttempts));
          return Effect().none();
        })
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<AdviceEvent, State> standIn(State s, StandIn c) {
    long now = clock.millis();
    long day = Math.floorDiv(now, 86_400_000L);
    long[] today = day == s.epochDay ? s.cards.get(key(c.panHash(), c.currency())) : null;
    String refusal = c.limits().refusal(c.amountMinor(), today == null ? 0 : (int) today[0],
        today == null ? 0 : today[1]);
    if (refusal != null) {
      c.replyTo().tell(new StandInAnswer(false, "", 0, refusal));
      return Effect().none();
    }
    long sequence = s.nextSequence;
    // S, the partition in hex, then the sequence in four base-36 digits: unique per route for 1,679,616
    // approvals of each partition.
    String digits = Long.toString(sequence % 1_679_616L, 36).toUpperCase(java.util.Locale.ROOT);
    String authCode = "S" + Integer.toHexString(partition).toUpperCase(java.util.Locale.ROOT)
        + "0000".substring(digits.length()) + digits;
    AdviceQueued queued = AdviceQueued.newBuilder()
        .setSequence(sequence)
        .setPaymentId(c.paymentId())
        .setRrn(c.rrn())
        .setAuthCode(authCode)
        .setAmount(Money.newBuilder().setMinorUnits(c.amountMinor()).setCurrency(c.currency()))
        .setMerchantId(c.merchantId())
        .setAcquirerId(c.acquirerId())
        .setCardBin(c.bin())
        .setCardLast4(c.last4())
        .setPanHash(c.panHash())
        .setApprovedAtMillis(now)
        .setEpochDay(day)
        .build();
    return Effect().persist(event(now).setQueued(queued).build())
        .thenRun(after -> {
          gauges(after);
          c.replyTo().tell(new StandInAnswer(true, authCode, sequence, ""));
        });
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<AdviceEvent, State> deliver(State s, Deliver d) {
    gauges(s);
    if (sending || s.pending.isEmpty() || !sender.ready(route)) {
      return Effect().none();
    }
    AdviceQueued head = s.pending.peekFirst();
    int attempt = s.headAttempts + 1;
    sending = true;
    return Effect().persist(event(clock.millis())
            .setSent(AdviceSent.newBuilder().setSequence(head.getSequence()).setAttempt(attempt)).build())
        .thenRun(after -> ctx.pipeToSelf(sender.send(route, head, attempt),
            (code, failure) -> new Answered(head.getSequence(), code, failure)));
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<AdviceEvent, State> answered(State s, Answered a) {
    sending = false;
    AdviceQueued head = s.pending.peekFirst();
    if (head == null || head.getSequence() != a.sequence()) {
      return Effect().none();
    }
    if (a.failure() != null) {
      ctx.getLog().warn("Advice {} of route {} (payment {}), attempt {}: no acknowledgement ({}); repeated later",
          a.sequence(), route, head.getPaymentId(), s.headAttempts, a.failure().toString());
      return Effect().none();
    }
    if (!"00".equals(a.responseCode())) {
      ctx.getLog().warn("Advice {} of route {} (payment {}) acknowledged with response code {}", a.sequence(), route,
          head.getPaymentId(), a.responseCode());
    }
    return Effect().persist(event(clock.millis()).setAcknowledged(AdviceAcknowledged.newBuilder()
            .setSequence(a.sequence()).setResponseCode(String.valueOf(a.responseCode()))).build())
        .thenRun(after -> {
          gauges(after);
          ctx.getSelf().tell(Deliver.INSTANCE);
        });
  }

  // --- events -----------------------------------------------------------------------------------------

  @Override
  public EventHandler<State, AdviceEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(AdviceQueue::apply);
  }

  static State apply(State s, AdviceEvent e) {
    switch (e.getBodyCase()) {
      case QUEUED -> {
        AdviceQueued q = e.getQueued();
        if (q.getEpochDay() > s.epochDay) {
          s.cards.clear();
          s.epochDay = q.getEpochDay();
        }
        if (q.getEpochDay() == s.epochDay) {
          long[] today = s.cards.computeIfAbsent(key(q.getPanHash(), q.getAmount().getCurrency()), k -> new long[2]);
          today[0]++;
          today[1] += q.getAmount().getMinorUnits();
        }
        s.pending.addLast(q);
        s.nextSequence = q.getSequence() + 1;
      }
      case SENT -> s.headAttempts = e.getSent().getAttempt();
      case ACKNOWLEDGED -> {
        AdviceQueued head = s.pending.peekFirst();
        if (head != null && head.getSequence() == e.getAcknowledged().getSequence()) {
          s.pending.removeFirst();
          s.headAttempts = 0;
          s.acknowledged++;
        }
      }
      default -> { }
    }
    return s;
  }

  private void gauges(State s) {
    depth.update(s.pending.size());
    age.update(s.pending.isEmpty() ? 0
        : Math.max(0, (clock.millis() - s.pending.peekFirst().getApprovedAtMillis()) / 1000));
  }

  private static AdviceEvent.Builder event(long now) {
    return AdviceEvent.newBuilder().setAtMillis(now);
  }

  private static String key(String panHash, String currency) {
    return panHash + "/" + currency;
  }

  static AdviceQueueSnapshot snapshot(State s) {
    AdviceQueueSnapshot.Builder b = AdviceQueueSnapshot.newBuilder()
        .setNextSequence(s.nextSequence)
        .addAllPending(s.pending)
        .setHeadAttempts(s.headAttempts)
        .setAcknowledged(s.acknowledged)
        .setEpochDay(s.epochDay);
    s.cards.forEach((k, v) -> b.addCards(CardDay.newBuilder().setKey(k).setCount((int) v[0]).setAmountMinor(v[1])));
    return b.build();
  }

  static State restore(AdviceQueueSnapshot snapshot) {
    State s = new State();
    s.nextSequence = snapshot.getNextSequence();
    s.pending.addAll(snapshot.getPendingList());
    s.headAttempts = snapshot.getHeadAttempts();
    s.acknowledged = snapshot.getAcknowledged();
    s.epochDay = snapshot.getEpochDay();
    snapshot.getCardsList().forEach(c -> s.cards.put(c.getKey(), new long[] {c.getCount(), c.getAmountMinor()}));
    return s;
  }
}
