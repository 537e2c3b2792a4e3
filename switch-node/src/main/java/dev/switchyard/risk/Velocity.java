package dev.switchyard.risk;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.CborSerializable;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The velocity counters of one key, cluster-wide: a sharded entity per card (keyed hash), merchant, device and IP
 * address, so that every node's authorizations of a card are counted by the same one. A payment asks it before its
 * risk decision ({@link Observe}: count this authorization, answer the windows with it) and tells it the issuer's
 * answer ({@link Outcome}). The counters live in memory (docs/risk.md, "Velocity"): they are lost when the key
 * leaves memory (after {@code switch.risk.velocity.idle-timeout} unseen, or when a node holds more than
 * {@code active-entity-limit} keys, least recently used first) or with its node, and start over; a retried question
 * about the same payment counts once.
 */
public final class Velocity {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "RiskVelocity");

  public interface Command extends CborSerializable {}

  /** Counts authorization {@code key} of {@code amountMinor} in {@code currency}, seen with {@code other} or "". */
  public record Observe(String key, long amountMinor, String currency, String other, ActorRef<Counts> replyTo)
      implements Command {}

  /** The issuer's answer to an authorization of this card. */
  public record Outcome(boolean approved) implements Command {}

  /**
   * The windows after an observation, in {@link RiskRules.Window} order: authorizations, their amount in the
   * asked currency, and the other keys seen with this one (a device's cards, a card's devices).
   */
  public record Counts(long[] count, long[] amount, int[] linked, int declinesInARow) implements CborSerializable {}

  private Velocity() {}

  /** Entity ids: one per kind of key, so a device and a card never share counters. */
  static String card(String panHash) {
    return "card|" + panHash;
  }

  static String merchant(String acquirerId, String merchantId) {
    return "merchant|" + acquirerId + "|" + merchantId;
  }

  static String device(String deviceId) {
    return "device|" + deviceId;
  }

  static String ip(String ip) {
    return "ip|" + ip;
  }

  /** Starts the entities on this node, leaving memory by {@code switch.risk.velocity}'s passivation strategy. */
  static void init(ActorSystem<?> system, Clock clock) {
    Config sharding = ConfigFactory.parseString("passivation.strategy = switch-risk-velocity")
        .withFallback(system.settings().config().getConfig("pekko.cluster.sharding"));
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(clock))
        .withSettings(ClusterShardingSettings.fromConfig(sharding)));
  }

  static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(ctx -> {
      VelocityWindows windows = new VelocityWindows();
      return Behaviors.receive(Command.class)
          .onMessage(Observe.class, o -> {
            o.replyTo().tell(windows.observe(o.key(), clock.millis(), o.amountMinor(), o.currency(), o.other()));
            return Behaviors.same();
          })
          .onMessage(Outcome.class, o -> {
            windows.outcome(o.approved());
            return Behaviors.same();
          })
          .build();
    });
  }

}
