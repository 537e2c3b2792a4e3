package dev.switchyard.issuer;

import dev.switchyard.issuer.iso.IsoLink;
import dev.switchyard.issuer.sim.IsoIssuerSimulator;
import dev.switchyard.payment.IssuerGateway;
import dev.switchyard.payment.IssuerSimulator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's issuer side, as {@code switch.issuer} says: ISO 8583 links to the configured routes (and, by default, to
 * a simulator this node starts on a loopback port, so that a node with nothing else installed goes through the
 * real link), or the simulator inside the node with no link. Waits at start, at most the connect and sign-on
 * timeouts, for each link's first connection; an issuer that is down does not keep the node from starting.
 */
public final class IssuerSide implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IssuerSide.class);

  private final IssuerGateway gateway;
  private final Map<String, IsoLink> links;
  private final IsoIssuerSimulator simulator;
  private final EventLoopGroup group;
  private final IssuerSettings settings;
  private final Clock clock;

  private IssuerSide(IssuerGateway gateway, Map<String, IsoLink> links, IsoIssuerSimulator simulator,
      EventLoopGroup group, IssuerSettings settings, Clock clock) {
    this.gateway = gateway;
    this.links = links;
    this.simulator = simulator;
    this.group = group;
    this.settings = settings;
    this.clock = clock;
  }

  public static IssuerSide start(IssuerSettings settings, Clock clock) {
    IssuerSettings.Simulator sim = settings.simulator();
    if (settings.kind() == IssuerSettings.Kind.IN_PROCESS) {
      return new IssuerSide(new IssuerSimulator(sim.delay(), sim.neverAnswerSuffix(), sim.reversalFailures()),
          Map.of(), null, null, settings, clock);
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
    } catch (IllegalArgumentException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.close();
      }
      throw new IllegalArgumentException("switch.issuer." + e.getMessage(), e);
    }
    for (IssuerSettings.RouteSettings route : routes) {
      links.put(route.name(), new IsoLink(settings.linkFor(route), group, clock).start());
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
        clock);
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
    }
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
