package dev.switchyard.issuer;

import dev.switchyard.cluster.PostedDocument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which route serves a card: first the acquirer's own overrides, then the routing table, each by the longest BIN
 * prefix the card's BIN starts with; else the default route. Immutable: a reloaded table is a new one.
 */
final class Routes {

  /** A BIN prefix list an acquirer routes differently from everyone else. */
  record AcquirerRoute(String acquirer, String route, List<String> bins) {}

  private final TreeMap<String, String> byPrefix = new TreeMap<>();
  private final Map<String, Map<String, String>> byAcquirer = new HashMap<>();
  private final String defaultRoute;

  /**
   * Refuses ({@link PostedDocument.Invalid}, naming the key) a BIN prefix that is not 1 to 8 digits or is in two
   * routes, and a route that is not in {@code known}.
   */
  Routes(List<IssuerSettings.RouteSettings> routes, String defaultRoute, List<AcquirerRoute> acquirerRoutes,
      Set<String> known) {
    for (IssuerSettings.RouteSettings route : routes) {
      for (String prefix : route.bins()) {
        String taken = byPrefix.putIfAbsent(prefix(prefix, "routes." + route.name() + ".bins"), route.name());
        if (taken != null) {
          throw new PostedDocument.Invalid("routes." + route.name() + ".bins", "BIN prefix " + prefix
              + " is in routes " + taken + " and " + route.name());
        }
      }
    }
    for (AcquirerRoute a : acquirerRoutes) {
      if (!known.contains(a.route())) {
        throw new PostedDocument.Invalid("acquirer-routes." + a.acquirer() + ".route", "'" + a.route()
            + "' is not a route: " + new java.util.TreeSet<>(known));
      }
      Map<String, String> own = byAcquirer.computeIfAbsent(a.acquirer(), k -> new HashMap<>());
      for (String prefix : a.bins()) {
        String taken = own.putIfAbsent(prefix(prefix, "acquirer-routes." + a.acquirer() + ".bins"), a.route());
        if (taken != null) {
          throw new PostedDocument.Invalid("acquirer-routes." + a.acquirer() + ".bins", "BIN prefix " + prefix
              + " is in routes " + taken + " and " + a.route());
        }
      }
    }
    if (!known.contains(defaultRoute)) {
      throw new PostedDocument.Invalid("default-route", "'" + defaultRoute + "' is not a route: "
          + new java.util.TreeSet<>(known));
    }
    this.defaultRoute = defaultRoute;
  }

  private static String prefix(String prefix, String key) {
    if (!prefix.matches("[0-9]{1,8}")) {
      throw new PostedDocument.Invalid(key, "'" + prefix + "' is not a BIN prefix of 1 to 8 digits");
    }
    return prefix;
  }

  /** The route of a card with this BIN (or longer number), for a payment of {@code acquirer}. */
  String route(String acquirer, String bin) {
    Map<String, String> own = byAcquirer.get(acquirer);
    if (own != null) {
      String route = longest(own, bin);
      if (route != null) {
        return route;
      }
    }
    String route = longest(byPrefix, bin);
    return route == null ? defaultRoute : route;
  }

  private static String longest(Map<String, String> prefixes, String bin) {
    for (int length = Math.min(bin.length(), 8); length > 0; length--) {
      String route = prefixes.get(bin.substring(0, length));
      if (route != null) {
        return route;
      }
    }
    return null;
  }

  String defaultRoute() {
    return defaultRoute;
  }

  /** The table, sorted by prefix. */
  RoutingTable.View view() {
    Map<String, Map<String, String>> acquirers = new TreeMap<>();
    byAcquirer.forEach((a, m) -> acquirers.put(a, new TreeMap<>(m)));
    return new RoutingTable.View(defaultRoute, new TreeMap<>(byPrefix), acquirers);
  }
}
