package dev.switchyard.issuer;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which route serves a card: the one with the longest BIN prefix the card's BIN starts with, else the default. */
final class Routes {

  private final TreeMap<String, String> byPrefix = new TreeMap<>();
  private final String defaultRoute;

  Routes(List<IssuerSettings.RouteSettings> routes, String defaultRoute) {
    for (IssuerSettings.RouteSettings route : routes) {
      for (String prefix : route.bins()) {
        if (!prefix.matches("[0-9]{1,8}")) {
          throw new IllegalArgumentException("switch.issuer.routes." + route.name() + ".bins: '" + prefix
              + "' is not a BIN prefix of 1 to 8 digits");
        }
        String taken = byPrefix.putIfAbsent(prefix, route.name());
        if (taken != null) {
          throw new IllegalArgumentException("switch.issuer.routes: BIN prefix " + prefix + " is in routes " + taken
              + " and " + route.name());
        }
      }
    }
    this.defaultRoute = defaultRoute;
  }

  /** The route of a card with this BIN (or longer number). */
  String route(String bin) {
    for (int length = Math.min(bin.length(), 8); length > 0; length--) {
      String route = byPrefix.get(bin.substring(0, length));
      if (route != null) {
        return route;
      }
    }
    return defaultRoute;
  }

  Map<String, String> prefixes() {
    return Map.copyOf(byPrefix);
  }
}
