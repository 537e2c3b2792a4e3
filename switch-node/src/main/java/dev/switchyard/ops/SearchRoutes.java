package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.mirror.QuickwitLink;
import dev.switchyard.mirror.QuickwitSettings;
import dev.switchyard.persistence.quickwit.QuickwitClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /search?q=…&from=…&to=…&limit=…&index=events|logs} on the management port: an operator's search of
 * the payment events (or the node logs) in Quickwit. {@code q} is Quickwit's query language
 * ({@code acquirer_id:acme AND event_type:declined}); {@code from} and {@code to} are ISO-8601 instants or epoch
 * seconds (from inclusive, to exclusive); {@code limit} defaults to 20. Newest first. Without a configured
 * Quickwit it answers 503 and says so.
 */
public final class SearchRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;

  public SearchRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("search", () -> get(() -> parameterMap(params -> completeWithFuture(search(params)))));
  }

  private CompletionStage<HttpResponse> search(Map<String, String> params) {
    QuickwitLink link = QuickwitLink.get(system);
    QuickwitClient client = link.client();
    QuickwitSettings settings = link.settings();
    if (client == null) {
      return done(OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
          "search needs Quickwit, and none is configured on this switch (switch.quickwit.url, env SWITCH_QUICKWIT_URL)"));
    }
    Map<String, String> query = new LinkedHashMap<>();
    String q = params.getOrDefault("q", "").trim();
    query.put("query", q.isEmpty() ? "*" : q);
    try {
      if (params.containsKey("from")) {
        query.put("start_timestamp", Long.toString(seconds(params.get("from"))));
      }
      if (params.containsKey("to")) {
        query.put("end_timestamp", Long.toString(seconds(params.get("to"))));
      }
    } catch (IllegalArgumentException e) {
      return done(OperatorRoutes.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    int limit;
    try {
      limit = Integer.parseInt(params.getOrDefault("limit", "20"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > settings.searchMaxLimit()) {
      return done(OperatorRoutes.error(StatusCodes.BAD_REQUEST,
          "limit: a whole number from 1 to " + settings.searchMaxLimit()));
    }
    query.put("max_hits", Integer.toString(limit));
    query.put("sort_by", "timestamp");
    String index = switch (params.getOrDefault("index", "events")) {
      case "events" -> settings.mirror().indexId();
      case "logs" -> settings.logs().indexId();
      default -> null;
    };
    if (index == null) {
      return done(OperatorRoutes.error(StatusCodes.BAD_REQUEST, "index: events or logs"));
    }
    return client.search(index, query).handle((answer, failure) -> {
      if (failure == null) {
        ObjectNode body = JSON.createObjectNode();
        body.put("index", index);
        body.put("numHits", answer.path("num_hits").asLong());
        body.set("hits", answer.path("hits"));
        return OperatorRoutes.json(StatusCodes.OK, body);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof QuickwitClient.QuickwitException qe && qe.status() == 400) {
        return OperatorRoutes.error(StatusCodes.BAD_REQUEST, "Quickwit refused the search: " + qe.getMessage());
      }
      return OperatorRoutes.error(StatusCodes.BAD_GATEWAY, "Quickwit did not answer the search: " + cause.getMessage());
    });
  }

  /** An instant as epoch seconds: ISO-8601 ({@code 2026-11-24T10:00:00Z}) or a number of seconds. */
  static long seconds(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notANumber) {
      try {
        return Instant.parse(text).getEpochSecond();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("from/to: an ISO-8601 instant (2026-11-24T10:00:00Z) or epoch seconds, not '"
            + text + "'");
      }
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
