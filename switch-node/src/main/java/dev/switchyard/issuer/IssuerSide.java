package dev.switchyard.issuer;

import dev.switchyard.cluster.ConfigRegister;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.issuer.iso.IsoLink;
import dev.switchyard.issuer.iso.StanBlocks;
import dev.switchyard.issuer.sim.IsoIssuerSimulator;
import dev.switchyard.payment.IssuerGateway;
import dev.switchyard.payment.IssuerSimulator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's issuer side, as {@code switch.issuer} says: ISO 8583 links to the configured routes (and, by default, to
 * a simulator this node starts on a loopback port, so that a node with nothing else installed goes through the
 * real link), or the simulator inside the node with no link. Waits at start, at most the connect and sign-on
 * timeouts, for each link's first connection; an issuer that is down does not keep the node from starting.
 */
public final class IssuerSide implements AutoCloseable, ConfigRegister.Holder<RoutingVersion> {

  private static final Logger log = LoggerFactory.getLogger(IssuerSide.class);

  private final IssuerGateway gateway;
  private final Map<String, IsoLink> links;
  private final IsoIssuerSimulator simulator;
  private final EventLoopGroup group;
  private final IssuerSettings settings;
  private final Clock clock;
  private final StanBlocks stans;
  /** The routing table version in force on this node, and the newest this node has seen (it may refuse one). */
  private volatile RoutingVersion routing;
  private volatile long newestRouting;
  private volatile String refusedRouting;
  private volatile ActorRef<ConfigRegister.Command> replicator;
  private volatile ActorSystem<?> system;
  /** Tickets of {@link #apply} calls, and of the last one that swapped the table in. */
  private long applied;
  private long swapped;

  private IssuerSide(IssuerGateway gateway, Map<String, IsoLink> links, IsoIssuerSimulator simulator,
      EventLoopGroup group, IssuerSettings settings, Clock clock, StanBlocks stans) {
    this.gateway = gateway;
    this.links = links;
    this.simulator = simulator;
    this.group = group;
    this.settings = settings;
    this.clock = clock;
    this.stans = stans;
    this.routing = RoutingVersion.configured(settings.routingTable());
  }

  /** An issuer side whose links' STANs are unique on this node only until it restarts (tests, tools). */
  public static IssuerSide start(IssuerSettings settings, Clock clock) {
    return start(settings, clock, StanBlocks.inMemory());
  }

  /** An issuer side whose links take their STANs from {@code stans} (a node: its database). */
  public static IssuerSide start(IssuerSettings settings, Clock clock, StanBlocks stans) {
    IssuerSettings.Simulator sim = settings.simulator();
    if (settings.kind() == IssuerSettings.Kind.IN_PROCESS) {
      return new IssuerSide(new IssuerSimulator(sim.delay(), sim.neverAnswerSuffix(), sim.reversalFailures()),
          Map.of(), null, null, settings, clock, stans);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<IssuerSettings.RouteSettings> routes = new ArrayList<>(settings.routes());
    IsoIssuerSimulator embedded = null;
    if (settings.embeddedSimulator()) {
      embedded = IsoIssuerSimulator.start(new IsoIssuerSimulator.Settings("127.0.0.1", 0, sim.delay(),
          sim.slowDelay(), sim.neverAnswerSuffix(), settings.link().maxFrameBytes()));
      routes.add(new IssuerSettings.RouteSettings(IssuerSettings.SIMULATOR_ROUTE, "127.0.0.1", embedded.port(),
          List.of()));
      log.info("Issuer simulator on 127.0.0.1:{} (route {})", embedded.port(), IssuerSettings.SIMULATOR_ROUTE);
    }
    Map<String, IsoLink> links = new ConcurrentHashMap<>();
    Routes table;
    try {
      table = new Routes(settings.routes(), settings.defaultRoute(), settings.acquirerRoutes(),
          routes.stream().map(IssuerSettings.RouteSettings::name).collect(Collectors.toSet()));
    } catch (PostedDocument.Invalid e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.close();
      }
      throw new IllegalArgumentException("switch.issuer." + e.getMessage(), e);
    }
    for (IssuerSettings.RouteSettings route : routes) {
      links.put(route.name(), new IsoLink(settings.linkFor(route), group, clock, stans).start());
    }
    try {
      CompletableFuture.allOf(links.values().stream().map(IsoLink::firstReady).toArray(CompletableFuture[]::new))
          .get(settings.link().connectTimeout().plus(settings.link().signOnTimeout()).toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      links.values().stream().filter(l -> l.readyConnections() == 0).forEach(l ->
          log.warn("Issuer link {} is not signed on yet; its authorizations fail until it is", l.name()));
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
    return new IssuerSide(new IsoIssuerGateway(links, table, settings, clock), links, embedded, group, settings,
        clock, stans);
  }

  /**
   * Starts what lives in the node's actor system: the routes' advice queues (sharded) and this node's monitor,
   * which nudges every queue and keeps the link and breaker gauges. Stand-in processing is possible from now on.
   */
  public void attach(ActorSystem<?> system) {
    if (gateway instanceof IsoIssuerGateway iso) {
      AdviceQueue.init(system, iso, settings.advices(), clock);
      iso.attach(system);
      system.systemActorOf(IssuerMonitor.create(this, settings.advices().nudgeInterval()), "issuer-monitor",
          org.apache.pekko.actor.typed.Props.empty());
      this.system = system;
      this.replicator = system.systemActorOf(ConfigRegister.create("issuer-routing", this,
              settings.routingWriteTimeout()),
          "issuer-routing", org.apache.pekko.actor.typed.Props.empty());
    }
  }

  /** The routing table version in force on this node. */
  public RoutingVersion routing() {
    return routing;
  }

  @Override
  public RoutingVersion inForce() {
    return routing;
  }

  /** The newest routing table version this node has seen, in force or refused. */
  @Override
  public long newest() {
    return Math.max(routing.version(), newestRouting);
  }

  /** Why this node refused the newest version it saw (it keeps the one in force), or null. */
  public String refusedRouting() {
    return refusedRouting;
  }

  /** The table in force on this node; null for the in-process simulator. */
  public RoutingTable.View routes() {
    return gateway instanceof IsoIssuerGateway iso ? iso.routes().view() : null;
  }

  /**
   * Checks {@code table} against this node, then writes it for the whole cluster and applies it here; completes
   * with the version in force on this node and, when that is not the table given, why. Throws
   * {@link PostedDocument.Invalid} for a table this node cannot serve, and {@link IllegalStateException} when the
   * node has no routing table (the in-process simulator, or not started).
   */
  public CompletionStage<ConfigRegister.Result<RoutingVersion>> propose(RoutingTable table, String operator) {
    ActorRef<ConfigRegister.Command> ref = replicator;
    ActorSystem<?> running = system;
    if (ref == null || running == null) {
      throw new IllegalStateException("this node's issuer side is in-process: it has no routing table");
    }
    check(table);
    String rendered = table.render();
    return AskPattern.ask(ref, (ActorRef<ConfigRegister.Result<RoutingVersion>> replyTo) ->
        new ConfigRegister.Propose<>(next -> new RoutingVersion(next, rendered, operator, System.currentTimeMillis()),
            replyTo),
        settings.routingWriteTimeout().multipliedBy(2).plusSeconds(5), running.scheduler());
  }

  /**
   * The table's routes on this node: refuses (naming the field) a route that has no link here and no endpoint, an
   * endpoint other than the one a route's link has (a link's endpoint is fixed while it runs), and whatever
   * {@link Routes} refuses.
   */
  private Routes check(RoutingTable table) {
    Set<String> known = new HashSet<>(links.keySet());
    for (int i = 0; i < table.routes().size(); i++) {
      IssuerSettings.RouteSettings r = table.routes().get(i);
      IsoLink link = links.get(r.name());
      if (link != null) {
        IsoLink.Settings s = link.settings();
        if (!r.host().isEmpty() && !(s.host().equals(r.host()) && s.port() == r.port())) {
          throw new PostedDocument.Invalid("routes[" + i + "].host", "route " + r.name() + " runs its link to "
              + s.host() + ":" + s.port() + ", and a link's endpoint is fixed while it runs: add the new endpoint "
              + "as a route of another name");
        }
      } else if (r.host().isEmpty()) {
        throw new PostedDocument.Invalid("routes[" + i + "]", "route " + r.name() + " has no link on this node "
            + new TreeSet<>(links.keySet()) + "; a new route needs host and port");
      } else {
        known.add(r.name());
      }
    }
    return new Routes(table.routes(), table.defaultRoute(), table.acquirerRoutes(), known);
  }

  /**
   * Puts {@code version} in force on this node: opens links to the routes it adds and waits (at most the connect
   * and sign-on timeouts) for each to sign on, so that new payments are not stood in for only because a link is
   * still connecting; then routes new payments by it (payments already routed keep their route, and every link
   * stays open for them). Completes with null, or why this node refused it and keeps the table in force. Of
   * versions applied one after another, the last one applied wins, whichever link is up first.
   */
  @Override
  public synchronized CompletionStage<String> apply(RoutingVersion version) {
    if (version.version() == 0 || version.equals(routing) || version.version() < routing.version()) {
      return CompletableFuture.completedFuture(null);
    }
    newestRouting = Math.max(newestRouting, version.version());
    if (!(gateway instanceof IsoIssuerGateway iso)) {
      return CompletableFuture.completedFuture("this node's issuer side is in-process");
    }
    RoutingTable table;
    Routes next;
    try {
      table = RoutingTable.parse(version.table());
      next = check(table);
    } catch (PostedDocument.Invalid e) {
      refusedRouting = "version " + version.version() + ": " + e.getMessage();
      log.error("Issuer routing table version {} (by {}) refused on this node, version {} stays in force: {}",
          version.version(), version.operator(), routing.version(), e.getMessage());
      return CompletableFuture.completedFuture(e.getMessage());
    }
    List<CompletableFuture<Void>> added = new ArrayList<>();
    for (IssuerSettings.RouteSettings r : table.routes()) {
      if (!links.containsKey(r.name())) {
        log.info("Issuer route {} added: link to {}:{}", r.name(), r.host(), r.port());
        IsoLink link = new IsoLink(settings.linkFor(r), group, clock, stans).start();
        links.put(r.name(), link);
        added.add(link.firstReady());
      }
    }
    long ticket = ++applied;
    Duration wait = settings.link().connectTimeout().plus(settings.link().signOnTimeout());
    return CompletableFuture.allOf(added.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(ready -> {
          synchronized (this) {
            if (ticket < swapped) {
              return null;
            }
            swapped = ticket;
            iso.routes(next);
            routing = version;
            refusedRouting = null;
          }
          log.info("Issuer routing table version {} (by {}) in force: {} routes, default route {}, {} acquirer"
              + " overrides", version.version(), version.operator(), table.routes().size(), table.defaultRoute(),
              table.acquirerRoutes().size());
          return null;
        });
  }

  /** The health of a route on this node; null for the in-process simulator. */
  public RouteHealth health(String route) {
    return gateway instanceof IsoIssuerGateway iso ? iso.health(route) : null;
  }

  public IssuerGateway gateway() {
    return gateway;
  }

  /** The links by route (a live view: a reloaded routing table may add routes); empty for the in-process simulator. */
  public Map<String, IsoLink> links() {
    return java.util.Collections.unmodifiableMap(links);
  }

  /** The simulator this node started, or null. */
  public IsoIssuerSimulator embeddedSimulator() {
    return simulator;
  }

  @Override
  public void close() {
    links.values().forEach(IsoLink::close);
    if (simulator != null) {
      simulator.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }
}
