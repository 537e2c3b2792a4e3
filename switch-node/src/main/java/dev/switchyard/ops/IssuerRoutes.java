package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.cluster.ConfigRegister;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.issuer.AdviceQueue;
import dev.switchyard.issuer.IssuerSide;
import dev.switchyard.issuer.RouteHealth;
import dev.switchyard.issuer.RoutingTable;
import dev.switchyard.issuer.RoutingVersion;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /issuers}: this node's routing table (version, who posted it and when, the default route and every
 * BIN prefix's route) and its issuer routes. Per route the link (endpoint, UP when a connection is signed on,
 * connections signed on of those kept, what it has seen since start), the route's health on this node (breaker
 * state, the breaker window's failure and slow-call rates, success rate and answer latency since start, what was
 * decided without the issuer) and its store-and-forward queue (cluster-wide: depth, age of the oldest advice).
 * {@code POST /issuers/routing} (unless route providers are read-only) replaces the routing table on every node:
 * 200 with the table in force once a majority holds it, 400 naming the field of a table refused, 503 when a
 * majority did not confirm in time. Every change, refused or not, is a line on the {@code switch.audit} logger.
 */
public final class IssuerRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Operator actions, one line each: who (the operator the token names), from where, what. */
  private static final Logger AUDIT = LoggerFactory.getLogger("switch.audit");

  private final ActorSystem<?> system;
  private final Duration timeout;

  public IssuerRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.timeout = classic.settings().config().getDuration("switch.operator.ask-timeout");
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(
        path("issuers", () -> get(() -> completeWithFuture(issuers().thenApply(
            tree -> OperatorRoutes.json(StatusCodes.OK, tree))))),
        path(segment("issuers").slash("routing"), () ->
            OperatorRoutes.operatorChange(settings, "routing changes", this::reload)));
  }

  private CompletionStage<HttpResponse> reload(String body, String operator, String from) {
    IssuerSide side = NodeServices.get(system).issuers();
    if (side == null) {
      return CompletableFuture.completedFuture(OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
          "the issuer side is not running yet"));
    }
    RoutingTable table;
    CompletionStage<ConfigRegister.Result<RoutingVersion>> written;
    try {
      table = RoutingTable.parse(body);
      written = side.propose(table, operator);
    } catch (PostedDocument.Invalid e) {
      AUDIT.warn("issuer routing change by {} from {} refused: {}", operator, from, e.getMessage());
      return CompletableFuture.completedFuture(OperatorRoutes.refused(e));
    } catch (IllegalStateException e) {
      AUDIT.warn("issuer routing change by {} from {} refused: {}", operator, from, e.getMessage());
      return CompletableFuture.completedFuture(OperatorRoutes.error(StatusCodes.CONFLICT, e.getMessage()));
    }
    return written.handle((result, failure) -> {
      if (failure != null || result.error() != null) {
        String why = failure != null ? "no answer from the routing replicator: " + failure.getMessage()
            : result.error();
        AUDIT.warn("issuer routing change by {} from {} not in force: {}", operator, from, why);
        ObjectNode answer = routing(JSON.createObjectNode(), side);
        answer.put("error", why);
        return OperatorRoutes.json(failure == null && result.conflict() ? StatusCodes.CONFLICT
            : StatusCodes.SERVICE_UNAVAILABLE, answer);
      }
      AUDIT.info("issuer routing change by {} from {}: version {} in force, {} routes, default route {}",
          operator, from, result.inForce().version(), table.routes().size(), table.defaultRoute());
      return OperatorRoutes.json(StatusCodes.OK, routing(JSON.createObjectNode(), side));
    });
  }

  /** The routing table in force on this node, into {@code root}'s {@code routing}. */
  private static ObjectNode routing(ObjectNode root, IssuerSide side) {
    ObjectNode r = root.putObject("routing");
    RoutingVersion v = side.routing();
    r.put("version", v.version());
    r.put("by", v.operator());
    if (v.atMillis() > 0) {
      r.put("at", java.time.Instant.ofEpochMilli(v.atMillis()).toString());
    }
    RoutingTable.View view = side.routes();
    if (view != null) {
      r.put("defaultRoute", view.defaultRoute());
      ObjectNode prefixes = r.putObject("prefixes");
      view.prefixes().forEach(prefixes::put);
      ObjectNode acquirers = r.putObject("acquirerPrefixes");
      view.acquirerPrefixes().forEach((a, m) -> {
        ObjectNode own = acquirers.putObject(a);
        m.forEach(own::put);
      });
    }
    if (side.refusedRouting() != null) {
      r.put("refused", side.refusedRouting());
    }
    return root;
  }

  /** What {@code GET /issuers} shows (the console's overview shows it too). */
  CompletionStage<ObjectNode> issuers() {
    ObjectNode root = JSON.createObjectNode();
    root.put("node", NodeServices.get(system).nodeName());
    ArrayNode routes = root.putArray("routes");
    IssuerSide side = NodeServices.get(system).issuers();
    if (side == null) {
      return CompletableFuture.completedFuture(root);
    }
    routing(root, side);
    List<CompletableFuture<Void>> queues = new ArrayList<>();
    for (Map.Entry<String, IsoLink> e : new TreeMap<>(side.links()).entrySet()) {
      ObjectNode r = routes.addObject();
      link(r, e.getValue());
      health(r.putObject("health"), side.health(e.getKey()).view());
      ObjectNode advices = r.putObject("advices");
      List<CompletableFuture<AdviceQueue.QueueStatus>> partitions = new ArrayList<>();
      for (int p = 0; p < AdviceQueue.PARTITIONS; p++) {
        partitions.add(ClusterSharding.get(system).entityRefFor(AdviceQueue.ENTITY_KEY,
            AdviceQueue.entityId(e.getKey(), p)).<AdviceQueue.QueueStatus>ask(AdviceQueue.Status::new, timeout)
            .toCompletableFuture());
      }
      queues.add(CompletableFuture.allOf(partitions.toArray(CompletableFuture[]::new)).<Void>handle((all, failure) -> {
        synchronized (root) {
          if (failure != null) {
            advices.put("error", "a queue did not answer: " + failure.getClass().getSimpleName());
            return null;
          }
          int depth = 0;
          long oldest = Long.MAX_VALUE;
          long acknowledged = 0;
          int headAttempts = 0;
          for (CompletableFuture<AdviceQueue.QueueStatus> f : partitions) {
            AdviceQueue.QueueStatus q = f.join();
            depth += q.depth();
            acknowledged += q.acknowledged();
            headAttempts = Math.max(headAttempts, q.headAttempts());
            if (q.depth() > 0) {
              oldest = Math.min(oldest, q.oldestApprovedAtMillis());
            }
          }
          advices.put("depth", depth);
          advices.put("oldestAgeSeconds", depth == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000));
          advices.put("acknowledged", acknowledged);
          advices.put("headAttempts", headAttempts);
          advices.put("queues", partitions.size());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(queues.toArray(CompletableFuture[]::new)).thenApply(done -> {
      synchronized (root) {
        return root;
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
