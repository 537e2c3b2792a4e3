package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithDefaultHeaders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.ops.Operators.Operator;
import dev.switchyard.ops.Operators.Role;
import dev.switchyard.payment.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.StrictTransportSecurity;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check in front of every management route. {@code /alive}, {@code /ready}, {@code /startup}, Cluster
 * Bootstrap's {@code /bootstrap/seed-nodes} (which the other pods' bootstrap asks without credentials) and the
 * API's contract ({@code /openapi.json}, Swagger UI at {@code /docs/api/}) are open to reads;
 * everything else needs {@code Authorization: Bearer <token>} of an operator whose role allows it: reads need
 * viewer, changes operator, cluster membership changes and the audit log admin. The request goes on with
 * {@code X-Operator} set to the operator's name, whatever the client sent. Every change that passes
 * authentication is written to the {@link OperatorAudit} before it is let through (refused with 503 if that
 * fails) and again with its answer. Every answer carries the security headers; authenticated ones are never cached.
 */
public final class ManagementSecurity {

  private static final Logger audit = LoggerFactory.getLogger("switch.audit");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> OPEN = Set.of("/alive", "/ready", "/startup", "/bootstrap/seed-nodes");
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);
  private static final int AUDIT_PAGE_MAX = 500;

  private final Operators operators;
  private final OperatorAudit log;
  private final String nodeName;
  private final String basePath;
  private final List<HttpHeader> headers;
  private final Clock clock;

  ManagementSecurity(Operators operators, OperatorAudit log, String nodeName, String basePath,
      String contentSecurityPolicy, Duration hstsMaxAge, Clock clock) {
    this.operators = operators;
    this.log = log;
    this.nodeName = nodeName;
    this.basePath = basePath.isEmpty() ? "" : "/" + basePath.replaceAll("^/+|/+$", "");
    this.clock = clock;
    List<HttpHeader> h = new ArrayList<>(List.of(
        RawHeader.create("Content-Security-Policy", contentSecurityPolicy),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        RawHeader.create("X-Frame-Options", "DENY"),
        RawHeader.create("Referrer-Policy", "no-referrer")));
    if (hstsMaxAge != null) {
      h.add(StrictTransportSecurity.create(hstsMaxAge.toSeconds()));
    }
    this.headers = List.copyOf(h);
  }

  /** {@code inner} (every management route) and {@code GET /audit}, behind the check. */
  Route secure(Route inner) {
    Route audit = path("audit", () -> get(this::auditLog));
    Route all = concat(basePath.isEmpty() ? audit
        : pathPrefix(PathMatchers.separateOnSlashes(basePath.substring(1)), () -> audit), inner);
    return respondWithDefaultHeaders(headers, () -> extractRequest(request -> {
      String path = request.getUri().path();
      String relative = path.startsWith(basePath) ? path.substring(basePath.length()) : path;
      if ((OPEN.contains(relative) || OpenApiRoutes.isOpen(relative)) && isRead(request)
          || ConsoleRoutes.isOpen(relative)) {
        // Sealed, so that its refusals (a 405, a 404) carry the headers as well.
        return inner.seal();
      }
      return authenticated(request, relative, peer(request), all);
    }));
  }

  private Route authenticated(HttpRequest request, String relative, String source, Route all) {
    boolean console = ConsoleRoutes.isConsole(relative);
    Optional<String> bearer = request.getHeader("Authorization").map(HttpHeader::value)
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).strip());
    if (console && bearer.isEmpty()) {
      // The console's pages carry the token in its HttpOnly, SameSite=Strict cookie.
      bearer = request.getHeader(org.apache.pekko.http.javadsl.model.headers.Cookie.class).flatMap(c ->
          java.util.stream.StreamSupport.stream(c.getCookies().spliterator(), false)
              .filter(p -> p.name().equals(ConsoleRoutes.COOKIE)).map(p -> p.value()).findFirst());
    }
    String what = request.method().name() + " " + relative;
    if (bearer.isEmpty() || bearer.get().isEmpty()) {
      audit.warn("Refused {} from {}: no bearer token", what, source);
      return console ? complete(ConsoleRoutes.toLogin(basePath))
          : complete(unauthorized("a bearer token is needed: Authorization: Bearer <token>"));
    }
    Optional<Operator> operator = operators.authenticate(bearer.get());
    if (operator.isEmpty()) {
      audit.warn("Refused {} from {}: the token is no operator's", what, source);
      return console ? complete(ConsoleRoutes.toLogin(basePath)) : complete(unauthorized("the token is no operator's"));
    }
    Operator who = operator.get();
    Role needed = needed(request, relative);
    if (console && !isRead(request) && !ConsoleRoutes.sameOrigin(request)) {
      audit.warn("Refused {} from {} to {}: the page that sent it is not this console's", what, source, who.name());
      return complete(OperatorRoutes.error(StatusCodes.FORBIDDEN, "a change must come from this console's pages"));
    }
    Route named = mapRequest(r -> r.removeHeader("X-Operator").removeHeader("X-Operator-Role")
            .addHeader(RawHeader.create("X-Operator", who.name()))
            .addHeader(RawHeader.create("X-Operator-Role", who.role().label())),
        () -> respondWithDefaultHeaders(List.of(CacheControl.create(CacheDirectives.NO_STORE)), all::seal));
    if (isRead(request)) {
      if (!who.role().allows(needed)) {
        audit.warn("Refused {} from {} to {} ({}): {} needed", what, source, who.name(), who.role().label(),
            needed.label());
        return complete(forbidden(who, needed));
      }
      return named;
    }
    return extractStrictEntity(BODY_TIMEOUT, body -> {
      byte[] bytes = body.getData().toArray();
      OperatorAudit.Entry asked = new OperatorAudit.Entry(0, clock.instant(), nodeName, who.name(),
          who.role().label(), source, request.method().name(), target(request, relative),
          new String(bytes, StandardCharsets.UTF_8), HexFormat.of().formatHex(Sha256.get().digest(bytes)), 0,
          "requested", null);
      if (!who.role().allows(needed)) {
        audit.warn("Refused {} from {} to {} ({}): {} needed", what, source, who.name(), who.role().label(),
            needed.label());
        HttpResponse refused = forbidden(who, needed);
        return completeWithFuture(log.append(withAnswer(asked, refused, null)).handle((id, failure) -> {
          if (failure != null) {
            audit.error("Refusal of {} to {} not written to the audit log: {}", what, who.name(),
                failure.getMessage());
          }
          return refused;
        }));
      }
      CompletionStage<Optional<Long>> written = log.append(asked).handle((id, failure) -> {
        if (failure != null) {
          audit.error("Refused {} from {} to {}: {}", what, source, who.name(), failure.getMessage());
        }
        return Optional.ofNullable(id);
      });
      return onSuccess(written, id -> id.isEmpty()
          ? complete(OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
              "the operator audit log could not be written, so nothing was done; try again"))
          : mapRouteResultFuture(result -> result.thenCompose(r -> answered(asked, id.get(), what, source, r)),
              () -> named));
    });
  }

  /** Writes the answer row of request row {@code requestId}, then lets {@code result} go. */
  private CompletionStage<RouteResult> answered(OperatorAudit.Entry asked, long requestId, String what,
      String source, RouteResult result) {
    if (!(result instanceof Complete complete)) {
      return java.util.concurrent.CompletableFuture.completedFuture(result);
    }
    HttpResponse answer = complete.getResponse();
    audit.info("{} from {} by {} ({}): {}", what, source, asked.operator(), asked.role(), answer.status().intValue());
    return log.append(withAnswer(asked, answer, requestId)).handle((id, failure) -> {
      if (failure != null) {
        audit.error("Answer of audit row {} not written ({} {}): {}", requestId, what, answer.status().intValue(),
            failure.getMessage());
      }
      return result;
    });
  }

  private static boolean isRead(HttpRequest request) {
    return request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD)
        || request.method().equals(HttpMethods.OPTIONS);
  }

  /** The role a request needs: reads viewer, the audit log and cluster membership changes admin, others operator. */
  static Role needed(HttpRequest request, String relative) {
    if (relative.equals("/audit") || relative.startsWith("/audit/") || relative.equals("/console/audit")) {
      return Role.ADMIN;
    }
    if (isRead(request)) {
      return Role.VIEWER;
    }
    return relative.startsWith("/cluster/") || relative.equals("/cluster") ? Role.ADMIN : Role.OPERATOR;
  }

  private OperatorAudit.Entry withAnswer(OperatorAudit.Entry asked, HttpResponse answer, Long requestId) {
    String outcome = answer.entity() instanceof HttpEntity.Strict strict
        ? strict.getData().utf8String() : answer.status().reason();
    return new OperatorAudit.Entry(0, clock.instant(), asked.node(), asked.operator(), asked.role(),
        asked.source(), asked.method(), asked.target(), requestId == null ? asked.body() : "", asked.bodySha256(),
        answer.status().intValue(), outcome.strip(), requestId);
  }

  private static String target(HttpRequest request, String relative) {
    return request.getUri().rawQueryString().map(q -> relative + "?" + q).orElse(relative);
  }

  /**
   * The address of the connection's peer: never a header's word ({@code X-Forwarded-For}, {@code X-Real-IP}), which
   * any client may send.
   */
  static String peer(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress)
        .map(java.net.InetAddress::getHostAddress).orElse("unknown address");
  }

  private static HttpResponse unauthorized(String message) {
    return OperatorRoutes.error(StatusCodes.UNAUTHORIZED, message)
        .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "switch-management")));
  }

  private static HttpResponse forbidden(Operator who, Role needed) {
    return OperatorRoutes.error(StatusCodes.FORBIDDEN, "operator " + who.name() + " is " + who.role().label()
        + "; this needs " + needed.label());
  }

  /** {@code GET /audit?limit=N&before=ID}: the audit log, newest first (admins). */
  private Route auditLog() {
    return parameterOptional("limit", limit -> parameterOptional("before", before -> {
      int n;
      long below;
      try {
        n = limit.map(Integer::parseInt).orElse(100);
        below = before.map(Long::parseLong).orElse(Long.MAX_VALUE);
      } catch (NumberFormatException e) {
        return complete(OperatorRoutes.error(StatusCodes.BAD_REQUEST, "limit and before are whole numbers"));
      }
      if (n < 1 || n > AUDIT_PAGE_MAX) {
        return complete(OperatorRoutes.error(StatusCodes.BAD_REQUEST, "limit: 1 to " + AUDIT_PAGE_MAX));
      }
      CompletionStage<HttpResponse> page = log.recent(n, below).handle((rows, failure) -> {
        if (failure != null) {
          return OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, "the audit log could not be read");
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode entries = root.putArray("entries");
        for (OperatorAudit.Entry e : rows) {
          ObjectNode row = entries.addObject();
          row.put("id", e.id());
          row.put("at", e.at().toString());
          row.put("node", e.node());
          row.put("operator", e.operator());
          row.put("role", e.role());
          row.put("source", e.source());
          row.put("method", e.method());
          row.put("target", e.target());
          row.put("body", e.body());
          row.put("bodySha256", e.bodySha256());
          row.put("status", e.status());
          row.put("outcome", e.outcome());
          if (e.answers() == null) {
            row.putNull("answers");
          } else {
            row.put("answers", e.answers());
          }
        }
        return OperatorRoutes.json(StatusCodes.OK, root);
      });
      return completeWithFuture(page);
    }));
  }
}
