package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.issuer.iso.IsoLink;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /issuers}: this node's issuer links, one per route: the endpoint, whether it is up (a connection
 * signed on), how many connections are signed on of how many kept, and what the link has seen since start.
 */
public final class IssuerRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;

  public IssuerRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("issuers", () -> get(() -> complete(OperatorRoutes.json(StatusCodes.OK, issuers()))));
  }

  private ObjectNode issuers() {
    ObjectNode root = JSON.createObjectNode();
    root.put("node", NodeServices.get(system).nodeName());
    ArrayNode routes = root.putArray("routes");
    for (IsoLink link : NodeServices.get(system).issuerLinks().values()) {
      ObjectNode r = routes.addObject();
      IsoLink.Settings s = link.settings();
      IsoLink.Counts c = link.counts();
      r.put("route", link.name());
      r.put("endpoint", s.host() + ":" + s.port());
      r.put("state", link.readyConnections() > 0 ? "UP" : "DOWN");
      r.put("connectionsReady", link.readyConnections());
      r.put("connections", s.connections());
      r.put("sent", c.sent());
      r.put("answered", c.answered());
      r.put("timedOut", c.timedOut());
      r.put("unmatched", c.unmatched());
      r.put("protocolErrors", c.protocolErrors());
      r.put("reconnects", c.reconnects());
    }
    return root;
  }
}
