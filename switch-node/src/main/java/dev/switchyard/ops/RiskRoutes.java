package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.risk.RiskRules;
import dev.switchyard.risk.RiskRulesVersion;
import dev.switchyard.risk.RiskSide;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /risk/rules}: the risk rule set in force on this node (version, who posted it and when, the set).
 * {@code POST /risk/rules} (unless route providers are read-only) replaces it on every node: 200 with the set in
 * force once a majority holds it, 400 naming the field of a set refused (nothing changes), 409 when another change
 * won, 503 when a majority did not confirm in time. Decisions already under way keep the set they started with.
 * Every change, refused or not, is a line on the {@code switch.audit} logger with who, from where and what.
 */
public final class RiskRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger AUDIT = LoggerFactory.getLogger("switch.audit");

  private final ActorSystem<?> system;

  public RiskRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path(segment("risk").slash("rules"), () -> concat(
        get(() -> complete(withRisk(risk -> OperatorRoutes.json(StatusCodes.OK, rules(risk))))),
        OperatorRoutes.operatorChange(settings, "rule changes", this::change)));
  }

  private HttpResponse withRisk(java.util.function.Function<RiskSide, HttpResponse> answer) {
    RiskSide risk = NodeServices.get(system).risk();
    return risk == null ? OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, "risk decisions are not started")
        : answer.apply(risk);
  }

  private CompletionStage<HttpResponse> change(String body, String operator, String from) {
    RiskSide risk = NodeServices.get(system).risk();
    if (risk == null) {
      return CompletableFuture.completedFuture(
          OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, "risk decisions are not started"));
    }
    RiskRules rules;
    try {
      rules = RiskRules.parse(body);
    } catch (PostedDocument.Invalid e) {
      AUDIT.warn("risk rule set change by {} from {} refused: {}", operator, from, e.getMessage());
      return CompletableFuture.completedFuture(OperatorRoutes.refused(e));
    }
    return risk.propose(rules, operator).handle((result, failure) -> {
      if (failure != null || result.error() != null) {
        String why = failure != null ? "no answer from the rule set's register: " + failure.getMessage()
            : result.error();
        AUDIT.warn("risk rule set change by {} from {} not in force: {}", operator, from, why);
        ObjectNode answer = rules(risk);
        answer.put("error", why);
        return OperatorRoutes.json(failure == null && result.conflict() ? StatusCodes.CONFLICT
            : StatusCodes.SERVICE_UNAVAILABLE, answer);
      }
      RiskRulesVersion v = result.inForce();
      AUDIT.info("risk rule set change by {} from {}: version {} in force, {} rules, review at {}, decline at {}",
          operator, from, v.version(), rules.rules().size(), rules.reviewScore(), rules.declineScore());
      return OperatorRoutes.json(StatusCodes.OK, rules(risk));
    });
  }

  /** The rule set in force on this node. */
  private static ObjectNode rules(RiskSide risk) {
    ObjectNode root = JSON.createObjectNode();
    RiskRulesVersion v = risk.inForce();
    root.put("version", v.version());
    root.put("by", v.operator());
    if (v.atMillis() > 0) {
      root.put("at", java.time.Instant.ofEpochMilli(v.atMillis()).toString());
    }
    root.put("enabled", risk.enabled());
    try {
      root.set("ruleSet", JSON.readTree(v.rules()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (risk.refused() != null) {
      root.put("refused", risk.refused());
    }
    return root;
  }
}
