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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private IssuerSide(IssuerGateway gateway, Map<String, IsoLink> links, IsoIssuerSimulator simulator,
      EventLoopGroup group) {
    this.gateway = gateway;
    this.links = links;
    this.simulator = simulator;
    this.group = group;
  }

  public static IssuerSide start(IssuerSettings settings, Clock clock) {
    IssuerSettings.Simulator sim = settings.simulator();
    if (settings.kind() == IssuerSettings.Kind.IN_PROCESS) {
      return new IssuerSide(new IssuerSimulator(sim.delay(), sim.neverAnswerSuffix(), sim.reversalFailures()),
          Map.of(), null, null);
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
    Map<String, IsoLink> links = new LinkedHashMap<>();
    for (IssuerSettings.RouteSettings route : routes) {
      links.put(route.name(), new IsoLink(settings.linkFor(route), group, clock).start());
    }
    if (!links.containsKey(settings.defaultRoute())) {
      links.values().forEach(IsoLink::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalArgumentException("switch.issuer.default-route '" + settings.defaultRoute()
          + "' is not a route: " + links.keySet());
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
    return new IssuerSide(new IsoIssuerGateway(links, new Routes(settings.routes(), settings.defaultRoute()),
        settings, clock), Map.copyOf(links), embedded, group);
  }

  public IssuerGateway gateway() {
    return gateway;
  }

  /** The links by route; empty for the in-process simulator. */
  public Map<String, IsoLink> links() {
    return links;
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
