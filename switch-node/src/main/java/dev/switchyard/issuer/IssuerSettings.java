package dev.switchyard.issuer;

import com.typesafe.config.Config;
import dev.switchyard.issuer.iso.IsoLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code switch.issuer}, read once at start. */
public record IssuerSettings(
    Kind kind,
    boolean embeddedSimulator,
    Simulator simulator,
    String acquiringInstitution,
    List<RouteSettings> routes,
    String defaultRoute,
    List<Routes.AcquirerRoute> acquirerRoutes,
    Link link,
    Duration requestTimeout,
    RouteHealth.Settings breaker,
    StandInRules standIn,
    Duration standInTimeout,
    AdviceQueue.Settings advices,
    Duration adviceTimeout,
    Duration routingWriteTimeout) {

  /** How authorizations reach issuers. */
  public enum Kind { ISO, IN_PROCESS }

  /** The simulator's rules and delays. */
  public record Simulator(Duration delay, Duration slowDelay, int neverAnswerSuffix, int reversalFailures) {}

  /** One issuer endpoint and the BIN prefixes it serves. */
  public record RouteSettings(String name, String host, int port, List<String> bins) {}

  /** How every link keeps its connections. */
  public record Link(int connections, Duration connectTimeout, Duration signOnTimeout, Duration echoInterval,
      Duration reconnectMin, Duration reconnectMax, int maxFrameBytes) {}

  /** The name of the embedded simulator's route. */
  public static final String SIMULATOR_ROUTE = "simulator";

  public static IssuerSettings create(Config config) {
    Config c = config.getConfig("switch.issuer");
    Config sim = c.getConfig("simulator");
    Config link = c.getConfig("link");
    List<RouteSettings> routes = routes(c, true);
    String institution = c.getString("acquiring-institution");
    if (!institution.matches("[0-9]{1,11}")) {
      throw new IllegalArgumentException("switch.issuer.acquiring-institution must be 1 to 11 digits");
    }
    String kind = c.getString("kind").toUpperCase(Locale.ROOT).replace('-', '_');
    return new IssuerSettings(
        Kind.valueOf(kind),
        sim.getBoolean("embedded"),
        new Simulator(sim.getDuration("delay"), sim.getDuration("slow-delay"), sim.getInt("never-answer-suffix"),
            sim.getInt("reversal-failures")),
        institution,
        List.copyOf(routes),
        c.getString("default-route"),
        acquirerRoutes(c),
        new Link(link.getInt("connections"), link.getDuration("connect-timeout"),
            link.getDuration("sign-on-timeout"), link.getDuration("echo-interval"),
            link.getDuration("reconnect-min"), link.getDuration("reconnect-max"),
            (int) link.getBytes("max-frame-size").longValue()),
        config.getDuration("switch.payment.issuer-timeout"),
        RouteHealth.Settings.create(c.getConfig("breaker")),
        StandInRules.create(c),
        c.getDuration("stand-in.decision-timeout"),
        new AdviceQueue.Settings(c.getDuration("advices.nudge-interval"), c.getInt("advices.snapshot-every")),
        c.getDuration("advices.timeout"),
        c.getDuration("routing.write-timeout"));
  }

  /**
   * The {@code routes} of a routing table: name, BIN prefixes and, where {@code endpoints} or given, host and port
   * (a reloaded table names routes the node has by name alone; port 0 then).
   */
  static List<RouteSettings> routes(Config table, boolean endpoints) {
    List<RouteSettings> routes = new ArrayList<>();
    for (Config r : table.getConfigList("routes")) {
      boolean endpoint = endpoints || r.hasPath("host") || r.hasPath("port");
      routes.add(new RouteSettings(r.getString("name"), endpoint ? r.getString("host") : "",
          endpoint ? r.getInt("port") : 0, r.hasPath("bins") ? List.copyOf(r.getStringList("bins")) : List.of()));
    }
    return List.copyOf(routes);
  }

  /** The {@code acquirer-routes} of a routing table (none when absent). */
  static List<Routes.AcquirerRoute> acquirerRoutes(Config table) {
    if (!table.hasPath("acquirer-routes")) {
      return List.of();
    }
    List<Routes.AcquirerRoute> overrides = new ArrayList<>();
    for (Config a : table.getConfigList("acquirer-routes")) {
      overrides.add(new Routes.AcquirerRoute(a.getString("acquirer"), a.getString("route"),
          List.copyOf(a.getStringList("bins"))));
    }
    return List.copyOf(overrides);
  }

  /** The routing table of the configuration. */
  public RoutingTable routingTable() {
    return new RoutingTable(routes, defaultRoute, acquirerRoutes);
  }

  /** A link's settings for {@code route}. */
  public IsoLink.Settings linkFor(RouteSettings route) {
    return new IsoLink.Settings(route.name(), route.host(), route.port(), link.connections(), link.connectTimeout(),
        link.signOnTimeout(), link.echoInterval(), link.reconnectMin(), link.reconnectMax(), link.maxFrameBytes());
  }
}
