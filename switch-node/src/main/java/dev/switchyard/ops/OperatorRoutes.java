package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.switchyard.gateway.GatewayStats;
import dev.switchyard.mirror.BackOffice;
import dev.switchyard.ops.NodeServices;
import dev.switchyard.payment.Outcome;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Reply;
import dev.switchyard.persistence.EventTypes;
import dev.switchyard.protocol.v1.AcceptDispute;
import dev.switchyard.protocol.v1.DisputeCommand;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.SubmitEvidence;
import dev.switchyard.risk.RiskSide;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Operator routes on the Pekko Management port, next to its own: {@code GET /payments/{id}} (state, amounts, every
 * dispute and the event timeline, never a card number) and {@code GET /stats} (this node's gateway since start).
 */
public final class OperatorRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger audit = org.slf4j.LoggerFactory.getLogger("switch.audit");
  private static final JsonFormat.Printer PROTO_JSON =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final ActorSystem<?> system;
  private final Duration timeout;

  public OperatorRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.timeout = classic.settings().config().getDuration("switch.operator.ask-timeout");
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(
        path(segment("payments").slash(segment()), id -> get(() ->
            completeWithFuture(payment(id, OperatorRoutes::paymentJson)))),
        path(segment("payments").slash(segment()).slash("risk"), id -> get(() ->
            completeWithFuture(payment(id, OperatorRoutes::riskJson)))),
        pathPrefix(segment("payments").slash(segment()).slash("disputes").slash(segment()),
            (id, dispute) -> path(segment(), action -> operatorChange(settings, "dispute actions",
                (body, operator, from) -> disputeAction(id, dispute, action, body, operator, from)))),
        path("stats", () -> get(() -> complete(json(StatusCodes.OK, stats())))));
  }

  /**
   * {@code POST /payments/{id}/disputes/{dispute}/evidence} ({@code {"requestId": …, "evidenceRef": …}}) or
   * {@code …/accept} ({@code {"requestId": …}}): the operator's answer to a dispute, checked as the back office's
   * commands are and sent to the payment; a repeated request id gets its first outcome.
   */
  CompletionStage<HttpResponse> disputeAction(String id, String dispute, String action, String body,
      String operator, String from) {
    JsonNode posted;
    try {
      posted = JSON.readTree(body.isBlank() ? "{}" : body);
    } catch (IOException e) {
      return done(refusedField("body", "not a JSON object"));
    }
    if (posted == null || !posted.isObject()) {
      return done(refusedField("body", "not a JSON object"));
    }
    DisputeCommand.Builder command = DisputeCommand.newBuilder().setPaymentId(id).setDisputeId(dispute)
        .setRequestId(posted.path("requestId").asText(""));
    switch (action) {
      case "evidence" -> {
        String evidence = posted.path("evidenceRef").asText("");
        if (evidence.isEmpty() || evidence.length() > 256) {
          return done(refusedField("evidenceRef", "required, at most 256 characters"));
        }
        command.setEvidence(SubmitEvidence.newBuilder().setEvidenceRef(evidence));
      }
      case "accept" -> command.setAccept(AcceptDispute.getDefaultInstance());
      default -> {
        return done(error(StatusCodes.NOT_FOUND, "no dispute action " + printable(action)
            + ": evidence or accept"));
      }
    }
    DisputeCommand valid = command.build();
    BackOffice.Refusal refusal = BackOffice.validate(valid);
    if (refusal != null) {
      return done(refusedField(refusal.field().equals("request_id") ? "requestId" : refusal.field(),
          refusal.reason()));
    }
    Executor ec = system.executionContext();
    return ClusterSharding.get(system).entityRefFor(PaymentEntity.ENTITY_KEY, id)
        .ask(BackOffice.toEntityCommand(valid), timeout)
        .thenApplyAsync(reply -> {
          audit.info("Dispute {} of {} {} by {} from {}: {}", dispute, id, action, operator, from, reply.outcome());
          ObjectNode answer = JSON.createObjectNode();
          answer.put("requestId", valid.getRequestId());
          answer.put("result", reply.outcome().name());
          if (!reply.field().isEmpty()) {
            answer.put("field", reply.field());
          }
          if (!reply.reason().isEmpty()) {
            answer.put("reason", reply.reason());
          }
          if (reply.payment() != null) {
            answer.set("payment", proto(reply.payment()));
          }
          StatusCode status = switch (reply.outcome()) {
            case APPROVED -> StatusCodes.OK;
            case NOT_FOUND -> StatusCodes.NOT_FOUND;
            case OVERLOADED -> StatusCodes.SERVICE_UNAVAILABLE;
            case INVALID_REQUEST -> StatusCodes.BAD_REQUEST;
            default -> StatusCodes.CONFLICT;
          };
          return json(status, answer);
        }, ec)
        .exceptionallyAsync(failure -> error(StatusCodes.SERVICE_UNAVAILABLE,
            "the payment did not answer in time; send the same requestId again"), ec);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return java.util.concurrent.CompletableFuture.completedFuture(response);
  }

  private static HttpResponse refusedField(String field, String reason) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", field + ": " + reason);
    body.put("field", field);
    body.put("reason", reason);
    return json(StatusCodes.BAD_REQUEST, body);
  }

  /** This node's gateway (and its TLS certificate in force) and risk decisions since start. */
  private ObjectNode stats() {
    ObjectNode root = GatewayStats.get(system).toJson(NodeServices.get(system).nodeName());
    var gateway = NodeServices.get(system).gateway();
    if (gateway != null && gateway.tlsStatus() != null) {
      root.set("tls", JSON.valueToTree(gateway.tlsStatus()));
    }
    RiskSide risk = NodeServices.get(system).risk();
    if (risk != null) {
      root.set("risk", risk.statsJson());
    }
    return root;
  }

  /** The payment {@code id} as {@code render} shows its answer and its journal events. */
  private CompletionStage<HttpResponse> payment(String id,
      java.util.function.BiFunction<Reply, List<EventEnvelope>, ObjectNode> render) {
    return fetch(id, (answer, events) -> json(StatusCodes.OK, render.apply(answer, events)));
  }

  /** What {@code GET /payments/{id}} shows, for the console: the document, or an error answer. */
  CompletionStage<HttpResponse> paymentDocument(String id) {
    return payment(id, OperatorRoutes::paymentJson);
  }

  /**
   * The payment's answer and journal events as {@code render} makes them an answer; 400 for a malformed id, 404
   * for no payment, 503 for one too busy or too slow to answer.
   */
  private CompletionStage<HttpResponse> fetch(String id,
      java.util.function.BiFunction<Reply, List<EventEnvelope>, HttpResponse> render) {
    if (!PaymentIds.isWellFormed(id)) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          error(StatusCodes.BAD_REQUEST, "not a payment id: pay_ followed by 32 lower-case hex digits"));
    }
    CompletionStage<Reply> reply = ClusterSharding.get(system)
        .entityRefFor(PaymentEntity.ENTITY_KEY, id)
        .ask(r -> new PaymentCommand.Get("", r), timeout);
    JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    // Explicit executors: the ask's stage runs every callback asynchronously, and the JDK's default executor is a
    // new thread per callback on a two-core machine.
    Executor ec = system.executionContext();
    return reply.thenComposeAsync(answer -> {
      if (answer.outcome() == Outcome.NOT_FOUND) {
        return java.util.concurrent.CompletableFuture.completedFuture(error(StatusCodes.NOT_FOUND, "no such payment"));
      }
      if (answer.outcome() == Outcome.OVERLOADED) {
        return java.util.concurrent.CompletableFuture.completedFuture(
            error(StatusCodes.SERVICE_UNAVAILABLE, "the payment is too busy to answer; try again"));
      }
      return journal.currentEventsByPersistenceId(PaymentEntity.ENTITY_KEY.name() + "|" + id, 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), system)
          .thenApplyAsync(events -> render.apply(answer, events), ec);
    }, ec).exceptionallyAsync(failure -> error(StatusCodes.SERVICE_UNAVAILABLE,
        "the payment did not answer in time; try again"), ec);
  }

  private static ObjectNode paymentJson(Reply answer, List<EventEnvelope> events) {
    ObjectNode root = JSON.createObjectNode();
    if (answer.payment() != null) {
      root.set("payment", proto(answer.payment()));
    } else {
      // An unreadable payment has no state to show; its timeline is what an operator needs to look at.
      root.put("outcome", answer.outcome().name());
      root.put("reason", answer.reason());
    }
    ObjectNode risk = null;
    ArrayNode timeline = root.putArray("timeline");
    for (EventEnvelope envelope : events) {
      if (envelope.event() instanceof PaymentEvent event) {
        if (event.hasRiskAssessed()) {
          // The latest risk decision, on top: a REVIEW is what an operator is asked to look at.
          risk = JSON.createObjectNode();
          risk.put("decision", event.getRiskAssessed().getDecision().name());
          risk.put("score", event.getRiskAssessed().getScore());
          event.getRiskAssessed().getReasonsList().forEach(risk.putArray("reasons")::add);
          risk.put("sequenceNr", envelope.sequenceNr());
        }
        ObjectNode entry = timeline.addObject();
        entry.put("sequenceNr", envelope.sequenceNr());
        entry.put("at", Instant.ofEpochMilli(event.getAtMillis()).toString());
        entry.put("type", EventTypes.of(event));
        entry.put("stateAfter", event.getStateAfter().name());
        entry.put("requestId", event.getRequestId());
        String dispute = disputeOf(event);
        if (dispute != null) {
          entry.put("disputeId", dispute);
        }
        entry.set("event", proto(event));
      }
    }
    if (risk != null) {
      root.set("risk", risk);
    }
    return root;
  }

  /** {@code GET /payments/{id}/risk}: every risk decision of the payment, as recorded, oldest first. */
  private static ObjectNode riskJson(Reply answer, List<EventEnvelope> events) {
    ObjectNode root = JSON.createObjectNode();
    if (answer.payment() != null) {
      root.put("paymentId", answer.payment().getPaymentId());
      root.put("state", answer.payment().getState().name());
    }
    ArrayNode decisions = root.putArray("decisions");
    for (EventEnvelope envelope : events) {
      if (envelope.event() instanceof PaymentEvent event && event.hasRiskAssessed()) {
        ObjectNode entry = decisions.addObject();
        entry.put("sequenceNr", envelope.sequenceNr());
        entry.put("at", Instant.ofEpochMilli(event.getAtMillis()).toString());
        entry.put("requestId", event.getRequestId());
        entry.setAll((ObjectNode) proto(event.getRiskAssessed()));
      }
    }
    return root;
  }

  /** The dispute an event is about, or null: a payment's timeline shows each of its disputes. */
  private static String disputeOf(PaymentEvent event) {
    return switch (event.getBodyCase()) {
      case DISPUTE_OPENED -> event.getDisputeOpened().getDisputeId();
      case DISPUTE_EVIDENCE_SUBMITTED -> event.getDisputeEvidenceSubmitted().getDisputeId();
      case DISPUTE_CLOSED -> event.getDisputeClosed().getDisputeId();
      case DISPUTE_REOPENED -> event.getDisputeReopened().getDisputeId();
      default -> null;
    };
  }

  private static JsonNode proto(MessageOrBuilder message) {
    try {
      return JSON.readTree(PROTO_JSON.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse json(StatusCode status, JsonNode body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What an operator's change does with the posted body, who posted it and from which address. */
  interface Change {
    CompletionStage<HttpResponse> apply(String body, String operator, String from);
  }

  /**
   * A POST by which an operator changes the cluster: 403 while route providers are read-only (saying {@code what}
   * is off), else {@code change} with the body, the operator's name ({@code X-Operator}, which
   * {@link ManagementSecurity} sets from the token) as it may appear in a log line, and the peer's address.
   */
  static Route operatorChange(ManagementRouteProviderSettings settings, String what, Change change) {
    return post(() -> settings.readOnly()
        ? complete(error(StatusCodes.FORBIDDEN,
            what + " are off while pekko.management.http.route-providers-read-only = true"))
        : optionalHeaderValueByName("X-Operator", operator -> extractRequest(request ->
            entity(Unmarshaller.entityToString(), body -> completeWithFuture(change.apply(body,
                operator.map(OperatorRoutes::printable).orElse("unnamed"), ManagementSecurity.peer(request)))))));
  }

  /** An operator's name as it may appear in a log line: printable ASCII, at most 64 characters. */
  private static String printable(String name) {
    String clean = name.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) : clean;
  }

  /** 400 for a posted document refused: which field, and why. */
  static HttpResponse refused(dev.switchyard.cluster.PostedDocument.Invalid e) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", e.getMessage());
    body.put("field", e.field());
    body.put("reason", e.reason());
    return json(StatusCodes.BAD_REQUEST, body);
  }

  static HttpResponse error(StatusCode status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    return json(status, body);
  }
}
