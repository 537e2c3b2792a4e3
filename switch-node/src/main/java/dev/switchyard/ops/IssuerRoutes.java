package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.issuer.AdviceQueue;
import dev.switchyard.issuer.IssuerSide;
import dev.switchyard.issuer.RouteHealth;
import dev.switchyard.issuer.iso.IsoLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /issuers}: this node's issuer routes. Per route the link (endpoint, UP when a connection is signed on,
 * connections signed on of those kept, what it has seen since start), the route's health on this node (breaker
 * state, the breaker window's failure and slow-call rates, success rate and answer latency since start, what was
 * decided without the issuer) and its store-and-forward queue (cluster-wide: depth, age of the oldest advice).
 */
public final class IssuerRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final Duration timeout;

  public IssuerRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.timeout = classic.settings().config().getDuration("switch.operator.ask-timeout");
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("issuers", () -> get(() -> completeWithFuture(issuers())));
  }

  private CompletionStage<HttpResponse> issuers() {
    ObjectNode root = JSON.createObjectNode();
    root.put("node", NodeServices.get(system).nodeName());
    ArrayNode routes = root.putArray("routes");
    IssuerSide side = NodeServices.get(system).issuers();
    if (side == null) {
      return CompletableFuture.completedFuture(OperatorRoutes.json(StatusCodes.OK, root));
    }
    List<CompletableFuture<Void>> queues = new ArrayList<>();
    for (Map.Entry<String, IsoLink> e : new TreeMap<>(side.links()).entrySet()) {
      ObjectNode r = routes.addObject();
      link(r, e.getValue());
      health(r.putObject("health"), side.health(e.getKey()).view());
      ObjectNode advices = r.putObject("advices");
      queues.add(ClusterSharding.get(system).entityRefFor(AdviceQueue.ENTITY_KEY, e.getKey())
          .<AdviceQueue.QueueStatus>ask(AdviceQueue.Status::new, timeout)
          .<Void>handle((status, failure) -> {
            synchronized (root) {
              if (failure != null) {
                advices.put("error", "the queue did not answer: " + failure.getClass().getSimpleName());
              } else {
                advices.put("depth", status.depth());
                advices.put("oldestAgeSeconds", status.depth() == 0 ? 0
                    : Math.max(0, (System.currentTimeMillis() - status.oldestApprovedAtMillis()) / 1000));
                advices.put("acknowledged", status.acknowledged());
                advices.put("headAttempts", status.headAttempts());
              }
            }
            return null;
          }).toCompletableFuture());
    }
    return CompletableFuture.allOf(queues.toArray(CompletableFuture[]::new)).thenApply(done -> {
      synchronized (root) {
        return OperatorRoutes.json(StatusCodes.OK, root);
      }
    });
  }

  private static void link(ObjectNode r, IsoLink link) {
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

  private static void health(ObjectNode h, RouteHealth.View v) {
    h.put("breaker", v.breakerState());
    h.put("windowCalls", v.windowCalls());
    h.put("windowFailureRate", v.windowFailureRate());
    h.put("windowSlowCallRate", v.windowSlowCallRate());
    h.put("answered", v.answered());
    h.put("noAnswer", v.failed());
    h.put("notPermitted", v.notPermitted());
    h.put("successRate", v.successRate());
    ObjectNode latency = h.putObject("latencyMillis");
    latency.put("p50", v.p50Millis());
    latency.put("p90", v.p90Millis());
    latency.put("p99", v.p99Millis());
    latency.put("max", v.maxMillis());
    h.put("standInApproved", v.standInApproved());
    h.put("standInDeclined", v.standInDeclined());
    h.put("declinedUnreachable", v.declinedUnreachable());
  }
}
