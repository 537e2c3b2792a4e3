package dev.switchyard.risk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.switchyard.cluster.ConfigRegister;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.payment.Card;
import dev.switchyard.payment.RiskAssessor;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskInputs;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's risk decisions ({@code switch.risk}): the rule set in force (the configuration's, or the newest an
 * operator posted, cluster-wide through a {@link ConfigRegister}), the velocity counters' entities, and the stats.
 * A decision observes the authorization on its card, merchant, device and IP address counters at once, waits for
 * them at most {@code velocity-timeout}, and evaluates the rules ({@link RiskEngine}).
 */
public final class RiskSide implements RiskAssessor, ConfigRegister.Holder<RiskRulesVersion> {

  private static final Logger log = LoggerFactory.getLogger(RiskSide.class);

  /** A version and its parsed rules, swapped together. */
  private record InForce(RiskRulesVersion version, RiskRules rules) {}

  private final boolean enabled;
  private final Duration velocityTimeout;
  private final Duration writeTimeout;
  private final Clock clock;
  private final RiskStats stats = new RiskStats();
  private volatile InForce inForce;
  private volatile long newest;
  private volatile String refused;
  private volatile ActorSystem<?> system;
  private volatile ActorRef<ConfigRegister.Command> register;

  private RiskSide(boolean enabled, Duration velocityTimeout, Duration writeTimeout, RiskRules rules, Clock clock) {
    this.enabled = enabled;
    this.velocityTimeout = velocityTimeout;
    this.writeTimeout = writeTimeout;
    this.clock = clock;
    this.inForce = new InForce(new RiskRulesVersion(0, rules.render(), "configuration", 0), rules);
  }

  /** The risk side {@code switch.risk} describes; throws for a configured rule set it refuses, naming the key. */
  public static RiskSide create(Config config, Clock clock) {
    Config c = config.getConfig("switch.risk");
    RiskRules rules;
    try {
      rules = RiskRules.parse(c.getConfig("rule-set"));
    } catch (PostedDocument.Invalid e) {
      throw new IllegalArgumentException("switch.risk.rule-set." + e.getMessage(), e);
    }
    return new RiskSide(c.getBoolean("enabled"), c.getDuration("velocity-timeout"), c.getDuration("write-timeout"),
        rules, clock);
  }

  /** Starts the velocity counters' entities and this node's part of the rule set's register. */
  public void attach(ActorSystem<?> system) {
    Velocity.init(system, clock);
    this.register = system.systemActorOf(ConfigRegister.create("risk-rules", this, writeTimeout), "risk-rules",
        Props.empty());
    this.system = system;
  }

  @Override
  public boolean enabled() {
    return enabled && system != null;
  }

  @Override
  public CompletionStage<RiskAssessed> assess(Request r) {
    long start = System.nanoTime();
    InForce now = inForce;
    String hash = r.card().panHash();
    String device = r.presentment().deviceId();
    String ip = r.presentment().ipAddress();
    long amount = r.amount().minorUnits();
    String currency = r.amount().currency().getCurrencyCode();
    CompletableFuture<Velocity.Counts> card = observe(Velocity.card(hash), r.key(), amount, currency, device);
    CompletableFuture<Velocity.Counts> merchant =
        observe(Velocity.merchant(r.acquirerId(), r.merchantId()), r.key(), amount, currency, "");
    CompletableFuture<Velocity.Counts> byDevice = device.isEmpty() ? CompletableFuture.completedFuture(null)
        : observe(Velocity.device(device), r.key(), amount, currency, hash);
    CompletableFuture<Velocity.Counts> byIp = ip.isEmpty() ? CompletableFuture.completedFuture(null)
        : observe(Velocity.ip(ip), r.key(), amount, currency, hash);
    RiskInputs inputs = RiskInputs.newBuilder()
        .setCardBin(r.card().bin()).setCardLast4(r.card().last4()).setCardHash(hash)
        .setMerchantId(r.merchantId()).setMerchantCategory(r.presentment().merchantCategory())
        .setMerchantCountry(r.presentment().merchantCountry()).setCardCountry(now.rules().countryOf(r.card().bin()))
        .setAmount(r.amount().toProto()).setChannel(r.presentment().channel())
        .setDeviceId(device).setIpAddress(ip).build();
    return CompletableFuture.allOf(card, merchant, byDevice, byIp).thenApply(all -> {
      Set<String> missing = new HashSet<>();
      Velocity.Counts c = answered(card, "card", missing);
      Velocity.Counts m = answered(merchant, "merchant", missing);
      Velocity.Counts d = device.isEmpty() ? null : answered(byDevice, "device", missing);
      Velocity.Counts i = ip.isEmpty() ? null : answered(byIp, "ip", missing);
      RiskAssessed decided = RiskEngine.decide(now.rules(), now.version().version(), inputs,
              new RiskEngine.Observed(c, m, d, i, Set.copyOf(missing)))
          .setOperation(r.operation())
          .setDurationMicros((System.nanoTime() - start) / 1_000)
          .build();
      stats.record(decided);
      return decided;
    });
  }

  /** The counters of {@code entityId} after counting this authorization; null when they do not answer in time. */
  private CompletableFuture<Velocity.Counts> observe(String entityId, String key, long amount, String currency,
      String other) {
    return ClusterSharding.get(system).entityRefFor(Velocity.ENTITY_KEY, entityId)
        .<Velocity.Counts>ask(replyTo -> new Velocity.Observe(key, amount, currency, other, replyTo), velocityTimeout)
        .toCompletableFuture()
        .exceptionally(failure -> null);
  }

  private static Velocity.Counts answered(CompletableFuture<Velocity.Counts> f, String name, Set<String> missing) {
    Velocity.Counts c = f.join();
    if (c == null) {
      missing.add(name);
    }
    return c;
  }

  @Override
  public void outcome(Card card, boolean approved) {
    ActorSystem<?> running = system;
    if (enabled && running != null) {
      ClusterSharding.get(running).entityRefFor(Velocity.ENTITY_KEY, Velocity.card(card.panHash()))
          .tell(new Velocity.Outcome(approved));
    }
  }

  // --- the rule set -----------------------------------------------------------------------------------

  @Override
  public RiskRulesVersion inForce() {
    return inForce.version();
  }

  /** The rules in force on this node. */
  public RiskRules rules() {
    return inForce.rules();
  }

  @Override
  public long newest() {
    return Math.max(inForce.version().version(), newest);
  }

  /** Why this node refused the newest version it saw (it keeps the one in force), or null. */
  public String refused() {
    return refused;
  }

  /**
   * Writes {@code rules} for the whole cluster and puts them in force here; completes with the version in force
   * on this node and, when that is not the set given, why. Decisions already under way keep the set they started
   * with; every later one uses the new set.
   */
  public CompletionStage<ConfigRegister.Result<RiskRulesVersion>> propose(RiskRules rules, String operator) {
    ActorRef<ConfigRegister.Command> ref = register;
    ActorSystem<?> running = system;
    if (ref == null || running == null) {
      throw new IllegalStateException("this node's risk side is not started");
    }
    String rendered = rules.render();
    return AskPattern.ask(ref, (ActorRef<ConfigRegister.Result<RiskRulesVersion>> replyTo) ->
            new ConfigRegister.Propose<>(next -> new RiskRulesVersion(next, rendered, operator, clock.millis()),
                replyTo),
        writeTimeout.multipliedBy(2).plusSeconds(5), running.scheduler());
  }

  @Override
  public synchronized CompletionStage<String> apply(RiskRulesVersion version) {
    InForce current = inForce;
    if (version.version() == 0 || version.version() <= current.version().version()) {
      return CompletableFuture.completedFuture(null);
    }
    newest = Math.max(newest, version.version());
    RiskRules rules;
    try {
      rules = RiskRules.parse(version.rules());
    } catch (PostedDocument.Invalid e) {
      refused = "version " + version.version() + ": " + e.getMessage();
      log.error("Risk rule set version {} (by {}) refused on this node, version {} stays in force: {}",
          version.version(), version.operator(), current.version().version(), e.getMessage());
      return CompletableFuture.completedFuture(e.getMessage());
    }
    inForce = new InForce(version, rules);
    refused = null;
    log.info("Risk rule set version {} (by {}) in force: {} rules, review at {}, decline at {}", version.version(),
        version.operator(), rules.rules().size(), rules.reviewScore(), rules.declineScore());
    return CompletableFuture.completedFuture(null);
  }

  /** This node's decisions since start, for {@code GET /stats}. */
  public ObjectNode statsJson() {
    return stats.toJson();
  }
}
