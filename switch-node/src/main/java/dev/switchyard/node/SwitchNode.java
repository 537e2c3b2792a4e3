package dev.switchyard.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.gateway.GatewayServer;
import dev.switchyard.gateway.GatewaySettings;
import dev.switchyard.issuer.IssuerSettings;
import dev.switchyard.issuer.IssuerSide;
import dev.switchyard.issuer.JdbcStanBlocks;
import dev.switchyard.mirror.PulsarLink;
import dev.switchyard.mirror.QuickwitLink;
import dev.switchyard.mirror.QuickwitLogShipper;
import dev.switchyard.mirror.QuickwitSettings;
import dev.switchyard.mirror.PulsarSettings;
import dev.switchyard.ops.ManagementServer;
import dev.switchyard.ops.Metrics;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.IssuerGateway;
import dev.switchyard.payment.PaymentDeadlines;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.risk.RiskSide;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentSettings;
import dev.switchyard.payment.Reply;
import dev.switchyard.ops.KamonPaymentMetrics;
import dev.switchyard.ops.NodeServices;
import dev.switchyard.persistence.DatabaseSettings;
import dev.switchyard.persistence.Databases;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch node: migrates the schema, starts the actor system, joins the cluster and starts the payment
 * entities and their deadline daemons. What faces the outside (gateway, operator HTTP) hangs off this.
 */
public final class SwitchNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchNode.class);

  private final ActorSystem<Void> system;
  private final HikariDataSource dataSource;
  private final String managementUri;
  private volatile IssuerSide issuers;

  private SwitchNode(ActorSystem<Void> system, HikariDataSource dataSource, String managementUri) {
    this.managementUri = managementUri;
    this.system = system;
    this.dataSource = dataSource;
  }

  /**
   * The node's configuration: {@code overrides}, then the overlays of cluster-config named in {@code overlays}
   * (comma-separated, later ones win: {@code multi-node,postgres-journal}), then the node's application.conf and
   * the libraries' reference.conf.
   */
  public static Config loadConfig(String overlays, Config overrides) {
    Config merged = ConfigFactory.parseResources("application.conf");
    for (String overlay : overlays.split(",")) {
      String name = overlay.trim();
      try {
        merged = ConfigFactory.parseResources(
            "switch/" + name + ".conf", ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(merged);
      } catch (com.typesafe.config.ConfigException.IO e) {
        throw new IllegalArgumentException("No configuration overlay named '" + name + "'", e);
      }
    }
    return ConfigFactory.load(overrides.withFallback(merged));
  }

  /** A node with the issuer side {@code switch.issuer} describes. */
  public static SwitchNode start(Config config) {
    // The database first: the issuer links reserve their STANs in it from their first sign-on.
    HikariDataSource dataSource = database(config);
    IssuerSide issuers;
    try {
      issuers = IssuerSide.start(IssuerSettings.create(config), Clock.systemUTC(), new JdbcStanBlocks(dataSource));
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    try {
      SwitchNode node = start(config, issuers.gateway(), Clock.systemUTC(), system -> {
        issuers.attach(system);
        NodeServices.get(system).registerIssuers(issuers);
      }, dataSource);
      node.issuers = issuers;
      node.system.getWhenTerminated().whenComplete((done, failure) -> issuers.close());
      return node;
    } catch (RuntimeException e) {
      issuers.close();
      throw e;
    }
  }

  /** A node whose payments ask {@code issuer}. */
  public static SwitchNode start(Config config, IssuerGateway issuer, Clock clock) {
    return start(config, issuer, clock, system -> { }, database(config));
  }

  /** The node's own connection pool, on a schema migrated to this version. */
  private static HikariDataSource database(Config config) {
    JournalCapacity.check(config);
    DatabaseSettings db = DatabaseSettings.create(config);
    var migrated = Databases.migrate(db);
    log.info("Schema of {} at version {} ({} migrations applied now)",
        db, migrated.targetSchemaVersion, migrated.migrationsExecuted);
    return Databases.pool(db, "switch-own");
  }

  /**
   * A node whose payments ask {@code issuer}; {@code beforeServing} runs once the actor system is up, before the
   * payments' sharding and the gateway.
   */
  private static SwitchNode start(Config config, IssuerGateway issuer, Clock clock,
      java.util.function.Consumer<ActorSystem<Void>> beforeServing, HikariDataSource dataSource) {
    DatabaseSettings db = DatabaseSettings.create(config);
    PaymentSettings settings = PaymentSettings.create(config);
    RiskSide risk = RiskSide.create(config, clock);
    PaymentEntity.Dependencies deps =
        new PaymentEntity.Dependencies(settings, issuer, clock, new KamonPaymentMetrics(), risk);
    PaymentDeadlines.Settings deadlines = PaymentDeadlines.Settings.create(config);
    boolean joinSelf = config.getBoolean("switch.cluster.join-self");
    Metrics.start(config);
    PulsarSettings pulsar = PulsarSettings.create(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "switch", db.withJournalSchema(config));
    // Sharding and daemons are initialized before start() returns, so callers can send at once.
    if (joinSelf) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    // The issuer side first: a payment woken at once finds its advice queues (a reversal waits behind an advice).
    beforeServing.accept(system);
    risk.attach(system);
    NodeServices.get(system).registerRisk(risk);
    PaymentEntity.init(system, deps);
    PaymentDeadlines.init(system, dataSource, settings.tags(), deadlines, clock);
    JournalAnalyzer.Settings analyze = JournalAnalyzer.Settings.create(config);
    if (db.vendor() == DatabaseSettings.Vendor.POSTGRESQL && analyze.enabled()) {
      JournalAnalyzer.init(system, dataSource, analyze);
    }
    if (pulsar.enabled()) {
      PulsarLink.start(system, dataSource, settings.tags(), pulsar);
    }
    String nodeName = config.getString("switch.node-name");
    QuickwitSettings quickwit = QuickwitSettings.create(config);
    QuickwitLink.start(system, dataSource, settings.tags(), quickwit, nodeName);
    String managementUri;
    GatewayServer gateway = null;
    try {
      if (config.getBoolean("switch.gateway.enabled")) {
        CardProtector cards = CardProtector.create(config);
        gateway = GatewayServer.start(system, GatewaySettings.create(config), cards, clock, nodeName);
      }
      NodeServices.get(system).register(nodeName, gateway, dataSource);
      managementUri = ManagementServer.start(system, config, dataSource, nodeName);
      if (config.getBoolean("switch.cluster.bootstrap")) {
        ClusterBootstrap.get(Adapter.toClassic(system)).start();
      }
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("The node could not start: " + e.getMessage(), e);
    }
    system.getWhenTerminated().whenComplete((done, failure) -> {
      if (quickwit.configured() && quickwit.logs().enabled()) {
        QuickwitLogShipper.stopAll();
      }
      dataSource.close();
      Metrics.stop();
    });
    log.info("Node {} up: gateway {}, management {}", nodeName,
        gateway == null ? "off" : gateway.address(), managementUri);
    return new SwitchNode(system, dataSource, managementUri);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Base URI of the management HTTP server (health, cluster and operator routes). */
  public String managementUri() {
    return managementUri;
  }

  /** The issuer side the node started, or null when it was given an issuer gateway. */
  public IssuerSide issuers() {
    return issuers;
  }

  /** The acquirer gateway, or null when disabled. */
  public GatewayServer gateway() {
    return NodeServices.get(system).gateway();
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  /** Sends one command to a payment wherever it lives in the cluster, and waits at most {@code timeout}. */
  public CompletionStage<Reply> ask(
      String paymentId, Function<ActorRef<Reply>, PaymentCommand> command, Duration timeout) {
    return ClusterSharding.get(system).entityRefFor(PaymentEntity.ENTITY_KEY, paymentId).ask(command, timeout);
  }

  /** Stops the node through Pekko's coordinated shutdown and waits for it. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("The actor system did not terminate cleanly: {}", e.toString());
    }
    dataSource.close();
  }
}
