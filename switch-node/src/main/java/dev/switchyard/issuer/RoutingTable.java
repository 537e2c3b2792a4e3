package dev.switchyard.issuer;

import static dev.switchyard.cluster.PostedDocument.key;
import static dev.switchyard.cluster.PostedDocument.string;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.cluster.PostedDocument.Invalid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A routing table as an operator posts it to {@code POST /issuers/routing} (the shape of {@code switch.issuer}'s
 * {@code routes}, {@code default-route} and {@code acquirer-routes}): every route with its BIN prefixes, and host and
 * port for a route the node has no link to yet. {@link #parse} checks its shape and names the field of the first
 * fault; whether the routes exist on a node, and the prefixes themselves, are checked by {@link Routes}.
 */
public record RoutingTable(List<IssuerSettings.RouteSettings> routes, String defaultRoute,
    List<Routes.AcquirerRoute> acquirerRoutes) {

  /** A table in force, as GET /issuers shows it: the default route and, by BIN prefix, each prefix's route. */
  public record View(String defaultRoute, Map<String, String> prefixes,
      Map<String, Map<String, String>> acquirerPrefixes) {}

  private static final Set<String> KEYS = Set.of("routes", "default-route", "acquirer-routes");



  /** The table in a HOCON or JSON document, which may not include others nor refer to anything outside it. */
  public static RoutingTable parse(String document) {
    try {
      return parse(PostedDocument.parse(document));
    } catch (Invalid e) {
      throw e;
    } catch (ConfigException e) {
      throw new Invalid("body", "not a routing table document: " + e.getMessage());
    }
  }

  public static RoutingTable parse(Config c) {
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new Invalid(key, "not a key of a routing table (routes, default-route, acquirer-routes)");
      }
    }
    if (!c.hasPath("routes")) {
      throw new Invalid("routes", "missing: the list of routes with their BIN prefixes");
    }
    List<IssuerSettings.RouteSettings> routes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<ConfigObject> entries = objects(c, "routes");
    for (int i = 0; i < entries.size(); i++) {
      String at = "routes[" + i + "]";
      Config r = entries.get(i).toConfig();
      String name = string(r, "name", at);
      if (!name.matches("[A-Za-z0-9._-]{1,40}")) {
        throw new Invalid(at + ".name", "'" + name + "' is not 1 to 40 letters, digits, '.', '_' or '-'");
      }
      if (!names.add(name)) {
        throw new Invalid(at + ".name", "route " + name + " is listed twice");
      }
      List<String> bins = r.hasPath("bins") ? strings(r, "bins", at) : List.of();
      String host = "";
      int port = 0;
      if (r.hasPath("host") || r.hasPath("port")) {
        host = string(r, "host", at);
        if (!r.hasPath("port") || r.getValue("port").valueType() != ConfigValueType.NUMBER) {
          throw new Invalid(at + ".port", "missing or not a number: a route with a host needs a port");
        }
        Number number = r.getNumber("port");
        if (number.doubleValue() != Math.rint(number.doubleValue()) || number.doubleValue() < 1
            || number.doubleValue() > 65_535) {
          throw new Invalid(at + ".port", number + " is not a TCP port (1 to 65535)");
        }
        port = number.intValue();
      }
      for (String key : r.root().keySet()) {
        if (!Set.of("name", "bins", "host", "port").contains(key)) {
          throw new Invalid(at + "." + key, "not a key of a route (name, bins, host, port); a route's stand-in "
              + "policy and limits are set in the configuration");
        }
      }
      routes.add(new IssuerSettings.RouteSettings(name, host, port, bins));
    }
    if (!c.hasPath("default-route")) {
      throw new Invalid("default-route", "missing: the route of cards no BIN prefix matches");
    }
    String defaultRoute = string(c, "default-route", "");
    List<Routes.AcquirerRoute> overrides = new ArrayList<>();
    if (c.hasPath("acquirer-routes")) {
      List<ConfigObject> list = objects(c, "acquirer-routes");
      for (int i = 0; i < list.size(); i++) {
        String at = "acquirer-routes[" + i + "]";
        Config a = list.get(i).toConfig();
        overrides.add(new Routes.AcquirerRoute(string(a, "acquirer", at), string(a, "route", at),
            strings(a, "bins", at)));
      }
    }
    return new RoutingTable(List.copyOf(routes), defaultRoute, List.copyOf(overrides));
  }


  private static List<ConfigObject> objects(Config c, String key) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.LIST) {
      throw new Invalid(key, "not a list");
    }
    List<ConfigObject> out = new ArrayList<>();
    ConfigList list = (ConfigList) v;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).valueType() != ConfigValueType.OBJECT) {
        throw new Invalid(key + "[" + i + "]", "not an object");
      }
      out.add((ConfigObject) list.get(i));
    }
    return out;
  }


  private static List<String> strings(Config c, String key, String at) {
    if (!c.hasPath(key) || c.getValue(key).valueType() != ConfigValueType.LIST) {
      throw new Invalid(key(at, key), "missing or not a list of BIN prefixes");
    }
    List<String> out = new ArrayList<>();
    for (ConfigValue v : (ConfigList) c.getValue(key)) {
      if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
        throw new Invalid(key(at, key), "not a list of BIN prefixes");
      }
      out.add(String.valueOf(v.unwrapped()));
    }
    return List.copyOf(out);
  }

  /** The table as a JSON document {@link #parse} reads back to an equal table. */
  public String render() {
    List<Object> rs = new ArrayList<>();
    for (IssuerSettings.RouteSettings r : routes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("bins", r.bins());
      if (!r.host().isEmpty()) {
        m.put("host", r.host());
        m.put("port", r.port());
      }
      rs.add(m);
    }
    List<Object> as = new ArrayList<>();
    for (Routes.AcquirerRoute a : acquirerRoutes) {
      as.add(Map.of("acquirer", a.acquirer(), "route", a.route(), "bins", a.bins()));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("routes", rs);
    root.put("default-route", defaultRoute);
    root.put("acquirer-routes", as);
    return ConfigFactory.parseMap(root).root().render(ConfigRenderOptions.concise());
  }
}
