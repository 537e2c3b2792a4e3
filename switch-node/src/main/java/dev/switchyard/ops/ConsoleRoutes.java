package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.formFieldMap;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.gateway.GatewayStats;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.persistence.EventTypes;
import dev.switchyard.protocol.v1.PaymentEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console at {@code /console}: server-rendered HTML with htmx (partial refreshes) and uPlot (the
 * overview's chart), both from WebJars, so the node serves it with nothing else installed. Behind the same check
 * as every management route: the login page takes an operator's token and keeps it in an HttpOnly, SameSite=Strict
 * cookie; pages show and offer what the operator's role allows, and the routes they post to enforce it again.
 */
public final class ConsoleRoutes implements ManagementRouteProvider {

  static final String COOKIE = "switch_operator";
  private static final Duration SESSION = Duration.ofHours(8);
  /** Live event streams this node serves at once; beyond, the page is told to come back. */
  private static final int MAX_STREAMS = 16;
  private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
  private volatile dev.switchyard.persistence.TagSlices tags;
  private static final Logger audit = LoggerFactory.getLogger("switch.audit");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HTMX = WebJars.dir("org.webjars.npm", "htmx.org");
  private static final String HTMX_SSE = WebJars.dir("org.webjars.npm", "htmx-ext-sse");
  private static final String UPLOT = WebJars.dir("org.webjars.npm", "uplot");
  private static final Map<String, String> ASSETS = Map.of(
      "htmx.min.js", HTMX + "dist/htmx.min.js",
      "uPlot.iife.min.js", UPLOT + "dist/uPlot.iife.min.js",
      "uPlot.min.css", UPLOT + "dist/uPlot.min.css",
      "sse.js", HTMX_SSE + "sse.js",
      "console.css", "console/console.css",
      "console.js", "console/console.js");
  /**
   * Scripts and styles from this port only; no inline script, no eval. The referrer stays on this origin (rather
   * than none at all), because with none a browser sends its form posts with {@code Origin: null}.
   */
  private static final List<HttpHeader> HEADERS = List.of(RawHeader.create("Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
      RawHeader.create("Referrer-Policy", "same-origin"));

  private final ActorSystem<?> system;
  private final OperatorRoutes payments;
  private final IssuerRoutes issuers;

  public ConsoleRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.payments = new OperatorRoutes(classic);
    this.issuers = new IssuerRoutes(classic);
  }

  /** Whether {@code relative} is the console's. */
  static boolean isConsole(String relative) {
    return relative.equals("/console") || relative.startsWith("/console/");
  }

  /** The login page and the static assets, which need no token. */
  static boolean isOpen(String relative) {
    return relative.equals("/console/login") || relative.startsWith("/console/assets/");
  }

  private static HttpResponse redirect(String location) {
    return HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create(location));
  }

  /** {@code value} as one path segment of a URL. */
  private static String segmentOf(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static HttpResponse toLogin(String basePath) {
    return HttpResponse.create().withStatus(StatusCodes.SEE_OTHER)
        .addHeader(Location.create(basePath + "/console/login"));
  }

  /** A change posted from a page of this port: the browser's Origin, when it sends one, names this host. */
  static boolean sameOrigin(HttpRequest request) {
    Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
    // The server's request URI carries the Host the browser dialled.
    org.apache.pekko.http.javadsl.model.Uri uri = request.getUri();
    String host = uri.host().address() + (uri.port() > 0 ? ":" + uri.port() : "");
    return origin.isEmpty() || origin.get().equals("http://" + host) || origin.get().equals("https://" + host);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return pathPrefix("console", () -> respondWithHeaders(HEADERS, () -> concat(
        pathEndOrSingleSlash(() -> get(() -> extractRequest(r -> complete(page(r, "Overview", overviewShell()))))),
        path("login", () -> concat(
            get(() -> complete(html(StatusCodes.OK, loginPage("")))),
            post(() -> formFieldMap(form -> extractRequest(r -> complete(login(form, r))))))),
        path("logout", () -> post(() -> complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER)
            .addHeader(Location.create("/console/login")).addHeader(SetCookie.create(cookie("").withMaxAge(0)))))),
        path(segment("assets").slash(segment()), file -> get(() -> ASSETS.containsKey(file)
            ? getFromResource(ASSETS.get(file))
            : complete(OperatorRoutes.error(StatusCodes.NOT_FOUND, "no such file")))),
        path(segment("overview").slash("panel"), () -> get(() -> completeWithFuture(
            overviewPanel().thenApply(body -> html(StatusCodes.OK, body))))),
        path(segment("overview").slash("figures"), () -> get(() -> complete(OperatorRoutes.json(StatusCodes.OK,
            figures())))),
        path("payments", () -> get(() -> parameterMap(q -> extractRequest(r -> find(q, r))))),
        path(segment("payments").slash(segment()), id -> get(() -> parameterMap(q -> extractRequest(r ->
            completeWithFuture(paymentPage(id, q.getOrDefault("done", ""), r)))))),
        pathPrefix(segment("payments").slash(segment()).slash("disputes").slash(segment()), (id, dispute) ->
            path(segment(), action -> post(() -> formFieldMap(form -> extractRequest(r -> settings.readOnly()
                ? complete(redirect("/console/payments/" + segmentOf(id) + "?done=" + URLEncoder.encode(
                    "Dispute answers are off while pekko.management.http.route-providers-read-only = true.",
                    StandardCharsets.UTF_8)))
                : completeWithFuture(answer(id, dispute, action, form, r))))))),
        path("events", () -> get(() -> parameterMap(q -> extractRequest(r -> complete(page(r, "Live events",
            eventsPage(q))))))),
        path(segment("events").slash("stream"), () -> get(() -> parameterMap(q -> streams.get() >= MAX_STREAMS
            ? complete(OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, "too many live event pages open on"
                + " this node; close one"))
            : onSuccess(
            CompletableFuture.supplyAsync(this::journalHeads, system.dispatchers().lookup(
                org.apache.pekko.actor.typed.DispatcherSelector.blocking())),
            heads -> completeOK(events(heads, q.getOrDefault("acquirer", "").strip(),
                q.getOrDefault("type", "").strip()), EventStreamMarshalling.toEventStream()))))),
        path("audit", () -> get(() -> extractRequest(r -> completeWithFuture(auditPage(r))))))));
  }

  // --- login ---------------------------------------------------------------------------------------------

  private HttpResponse login(Map<String, String> form, HttpRequest request) {
    if (!sameOrigin(request) || request.getHeader("Origin").map(HttpHeader::value).orElse("").equals("null")) {
      audit.warn("Console login from another site's page refused, from {}", ManagementSecurity.peer(request));
      return html(StatusCodes.FORBIDDEN, loginPage("Log in from this console's own page."));
    }
    Operators operators = NodeServices.get(system).operators();
    String token = form.getOrDefault("token", "").strip();
    Optional<Operators.Operator> who = operators == null || token.isEmpty() ? Optional.empty()
        : operators.authenticate(token);
    if (who.isEmpty()) {
      audit.warn("Console login refused from {}", ManagementSecurity.peer(request));
      return html(StatusCodes.UNAUTHORIZED, loginPage("That token is no operator's."));
    }
    audit.info("Console login by {} ({}) from {}", who.get().name(), who.get().role().label(),
        ManagementSecurity.peer(request));
    boolean https = request.getUri().scheme().equals("https");
    return HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/console"))
        .addHeader(SetCookie.create(https ? cookie(token).withSecure(true) : cookie(token)));
  }

  private static HttpCookie cookie(String value) {
    // Only the console's paths get it, for a working day at most; then the operator logs in again.
    return HttpCookie.create(COOKIE, value).withPath("/console").withHttpOnly(true).withSameSite(SameSite.Strict)
        .withMaxAge(SESSION.toSeconds());
  }

  private static String loginPage(String error) {
    return layout("Log in", null, null, """
        <section class="card narrow">
          <h1>Operator console</h1>
          <form method="post" action="/console/login">
            <label for="token">Operator token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required>
            <button type="submit">Log in</button>
          </form>
          %s
        </section>""".formatted(error.isEmpty() ? "" : "<p class=\"error\" role=\"alert\">" + esc(error) + "</p>"));
  }

  // --- overview ------------------------------------------------------------------------------------------

  private static String overviewShell() {
    return """
        <section class="card">
          <h1>Overview</h1>
          <div id="panel" hx-get="/console/overview/panel" hx-trigger="load, every 2s" hx-swap="innerHTML">
            <p class="loading">Loading…</p>
          </div>
        </section>
        <section class="card">
          <h2>Authorizations</h2>
          <div id="chart" data-figures="/console/overview/figures"></div>
        </section>""";
  }

  private CompletionStage<String> overviewPanel() {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Address self = Cluster.get(system).selfMember().address();
    List<String> alerts = new ArrayList<>();
    StringBuilder members = new StringBuilder();
    for (Member m : state.getMembers()) {
      boolean unreachable = state.getUnreachable().contains(m);
      if (unreachable) {
        alerts.add("Member " + m.address() + " is unreachable");
      }
      members.append("<tr><td>").append(esc(m.address().toString())).append(m.address().equals(self) ? " (this node)"
          : "").append(state.getLeader() != null && state.getLeader().equals(m.address()) ? " · leader" : "")
          .append("</td><td>").append(esc(m.status().toString())).append("</td><td class=\"")
          .append(unreachable ? "bad\">unreachable" : "ok\">reachable").append("</td></tr>");
    }

    ObjectNode stats = GatewayStats.get(system).toJson(NodeServices.get(system).nodeName());
    JsonNode auth = stats.path("authorizations");
    JsonNode latency = stats.path("operations").path("authorize").path("latencyMs");
    return issuers.issuers().handle((side, failure) -> {
      if (failure != null) {
        alerts.add("The issuer side did not answer: its links are not shown");
        return JSON.createObjectNode();
      }
      return side;
    }).thenApply(side -> {
      StringBuilder links = new StringBuilder();
      for (JsonNode r : side.path("routes")) {
        String route = r.path("route").asText();
        String breaker = r.path("health").path("breaker").asText();
        long depth = r.path("advices").path("depth").asLong();
        if (r.path("advices").has("error")) {
          alerts.add("The store-and-forward queues of " + route + " did not all answer");
        }
        if (!r.path("state").asText().equals("UP")) {
          alerts.add("Issuer link " + route + " is down");
        }
        if (breaker.equals("OPEN")) {
          alerts.add("The breaker of " + route + " is open: the switch stands in");
        }
        if (depth > 0) {
          alerts.add(depth + " advices of " + route + " wait for the issuer");
        }
        links.append("<tr><td>").append(esc(route)).append("</td><td>").append(esc(r.path("endpoint").asText()))
            .append("</td><td class=\"").append(r.path("state").asText().equals("UP") ? "ok" : "bad").append("\">")
            .append(esc(r.path("state").asText())).append("</td><td>").append(esc(breaker)).append("</td><td>")
            .append(depth).append("</td></tr>");
      }
      String alertList = alerts.isEmpty() ? "<p class=\"ok\" id=\"alerts\">No alerts.</p>"
          : "<ul class=\"alerts\" id=\"alerts\" role=\"alert\">" + alerts.stream().map(a -> "<li>" + esc(a) + "</li>")
              .reduce("", String::concat) + "</ul>";
      return alertList + """
          <h2>Members</h2>
          <div class="scroll"><table id="members"><thead><tr><th>Member</th><th>Status</th><th>Reachability</th>
          </tr></thead><tbody>%s</tbody></table></div>
          <p>Unreachable: %d · this node %s</p>
          <h2>Issuer links</h2>
          <div class="scroll"><table id="links"><thead><tr><th>Route</th><th>Endpoint</th><th>Link</th><th>Breaker</th>
          <th>Store-and-forward</th></tr></thead><tbody>%s</tbody></table></div>
          <h2>This node since start</h2>
          <dl class="figures"><dt>Approved</dt><dd>%d</dd><dt>Declined</dt><dd>%d</dd><dt>Approval rate</dt>
          <dd>%.1f %%</dd><dt>Authorize p50 / p99</dt><dd>%.1f / %.1f ms</dd></dl>""".formatted(members,
          state.getUnreachable().size(), esc(self.toString()), links, auth.path("approved").asLong(),
          auth.path("declined").asLong(), auth.path("approvalRate").asDouble() * 100, latency.path("p50").asDouble(),
          latency.path("p99").asDouble());
    });
  }

  /** What the overview's chart plots, sampled by the page every two seconds. */
  private ObjectNode figures() {
    ObjectNode stats = GatewayStats.get(system).toJson(NodeServices.get(system).nodeName());
    ObjectNode f = JSON.createObjectNode();
    f.put("t", Instant.now().toEpochMilli() / 1000.0);
    f.put("authorizations", stats.path("operations").path("authorize").path("count").asLong());
    f.put("approvalRate", stats.path("authorizations").path("approvalRate").asDouble());
    f.put("p99", stats.path("operations").path("authorize").path("latencyMs").path("p99").asDouble());
    return f;
  }

  // --- payments ------------------------------------------------------------------------------------------

  private Route find(Map<String, String> q, HttpRequest request) {
    String id = q.getOrDefault("id", "").strip();
    String acquirer = q.getOrDefault("acquirer", "").strip();
    String reference = q.getOrDefault("reference", "").strip();
    if (id.isEmpty() && !acquirer.isEmpty() && !reference.isEmpty()) {
      id = PaymentIds.derive(acquirer, reference);
    }
    if (!id.isEmpty() && PaymentIds.isWellFormed(id)) {
      return complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER)
          .addHeader(Location.create("/console/payments/" + id)));
    }
    String error = id.isEmpty() && (q.containsKey("acquirer") || q.containsKey("id"))
        ? "Give a payment id, or an acquirer and its reference." : id.isEmpty() ? ""
        : "Not a payment id: pay_ followed by 32 lower-case hex digits.";
    return complete(page(request, "Payments", searchForm(error)));
  }

  private static String searchForm(String error) {
    return """
        <section class="card">
          <h1>Find a payment</h1>
          <form method="get" action="/console/payments" class="search">
            <label for="id">Payment id</label><input id="id" name="id" placeholder="pay_…">
            <p class="or">or</p>
            <label for="acquirer">Acquirer</label><input id="acquirer" name="acquirer">
            <label for="reference">Acquirer reference</label><input id="reference" name="reference">
            <button type="submit">Find</button>
          </form>
          %s
        </section>""".formatted(error.isEmpty() ? "" : "<p class=\"error\" role=\"alert\">" + esc(error) + "</p>");
  }

  private CompletionStage<HttpResponse> paymentPage(String id, String done, HttpRequest request) {
    return payments.paymentDocument(id).thenApply(answer -> {
      JsonNode doc = parse(answer);
      if (answer.status().intValue() != 200) {
        return html(answer.status(), page(request, "Payment", searchForm(doc.path("error").asText("no answer"))));
      }
      boolean operator = role(request).allows(Operators.Role.OPERATOR);
      JsonNode p = doc.path("payment");
      StringBuilder body = new StringBuilder("<section class=\"card\"><h1>Payment <code>" + esc(id) + "</code></h1>");
      if (!done.isEmpty()) {
        body.append("<p class=\"notice\" role=\"status\" id=\"done\">").append(esc(done)).append("</p>");
      }
      body.append("<dl class=\"figures\" id=\"summary\">");
      for (String[] f : new String[][] {{"State", "state"}, {"Acquirer", "acquirerId"},
          {"Reference", "acquirerReference"}, {"Merchant", "merchantId"}, {"Currency", "currency"},
          {"Authorized", "authorizedMinor"}, {"Captured", "capturedMinor"}, {"Refunded", "refundedMinor"},
          {"Charged back", "chargedBackMinor"}, {"Auth code", "authCode"}}) {
        body.append("<dt>").append(f[0]).append("</dt><dd>").append(esc(p.path(f[1]).asText("—"))).append("</dd>");
      }
      body.append("<dt>Card</dt><dd>").append(esc(p.path("card").path("bin").asText())).append(" ••• ")
          .append(esc(p.path("card").path("last4").asText())).append("</dd></dl>");
      JsonNode risk = doc.path("risk");
      if (!risk.isMissingNode()) {
        body.append("<p id=\"risk\">Risk: <strong>").append(esc(risk.path("decision").asText())).append("</strong>,")
            .append(" score ").append(risk.path("score").asInt());
        if (!risk.path("reasons").isEmpty()) {
          List<String> reasons = new ArrayList<>();
          risk.path("reasons").forEach(r -> reasons.add(r.asText()));
          body.append(", reasons ").append(esc(String.join(", ", reasons)));
        }
        body.append(" (the explanations are on the risk_assessed event below)</p>");
      }
      body.append("</section>");
      body.append(disputes(id, p, operator));
      body.append("<section class=\"card\"><h2>Timeline</h2><div class=\"scroll\"><table id=\"timeline\"><thead><tr>")
          .append("<th>#</th><th>At</th><th>Event</th><th>State after</th><th>Request</th><th>Details</th>")
          .append("</tr></thead><tbody>");
      for (JsonNode e : doc.path("timeline")) {
        body.append("<tr><td>").append(e.path("sequenceNr").asLong()).append("</td><td>")
            .append(esc(e.path("at").asText())).append("</td><td class=\"type\">").append(esc(e.path("type").asText()))
            .append("</td><td>").append(esc(e.path("stateAfter").asText())).append("</td><td>")
            .append(esc(e.path("requestId").asText())).append("</td><td class=\"details\">")
            .append(esc(details(e.path("event")))).append("</td></tr>");
      }
      body.append("</tbody></table></div></section>");
      return html(StatusCodes.OK, page(request, "Payment", body.toString()));
    });
  }

  private static String disputes(String id, JsonNode payment, boolean operator) {
    JsonNode all = payment.path("disputes");
    if (all.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("<section class=\"card\"><h2>Disputes</h2>");
    for (JsonNode d : all) {
      String dispute = d.path("disputeId").asText();
      String state = d.path("state").asText();
      b.append("<div class=\"dispute\" id=\"dispute-").append(esc(dispute)).append("\"><p><strong>")
          .append(esc(dispute)).append("</strong> · <span class=\"state\">").append(esc(state)).append("</span> · ")
          .append(esc(d.path("amountMinor").asText())).append(" · reason ").append(esc(d.path("reasonCode").asText()))
          .append(" · respond by ").append(esc(respondBy(d))).append("</p>");
      if (state.equals("NEEDS_RESPONSE")) {
        if (operator) {
          String action = "/console/payments/" + esc(segmentOf(id)) + "/disputes/" + esc(segmentOf(dispute));
          b.append("""
              <form method="post" action="%s/evidence" class="inline">
                <input type="hidden" name="requestId" value="%s">
                <label for="evidence-%s">Evidence reference</label>
                <input id="evidence-%s" name="evidenceRef" required maxlength="256">
                <button type="submit">Submit evidence</button>
              </form>
              <form method="post" action="%s/accept" class="inline">
                <input type="hidden" name="requestId" value="%s">
                <button type="submit" class="secondary">Accept (the dispute is lost)</button>
              </form>""".formatted(action, "console-" + UUID.randomUUID(), esc(dispute), esc(dispute), action,
              "console-" + UUID.randomUUID()));
        } else {
          b.append("<p class=\"muted\">Operators answer disputes; your role reads them.</p>");
        }
      }
      b.append("</div>");
    }
    return b.append("</section>").toString();
  }

  private static String respondBy(JsonNode dispute) {
    long millis = dispute.path("respondByMillis").asLong();
    return millis == 0 ? "—" : Instant.ofEpochMilli(millis).toString();
  }

  /** The event's body as field = value pairs: amounts, STAN and RRN, reasons, explanations. */
  private static String details(JsonNode event) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isObject()) {
        flatten("", f.getValue(), parts);
      }
    }
    return String.join(" · ", parts);
  }

  private static void flatten(String prefix, JsonNode node, List<String> parts) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      if (v.isObject()) {
        flatten(prefix + f.getKey() + ".", v, parts);
      } else if (v.isArray() && !v.isEmpty() && v.get(0).isObject()) {
        // The rules a risk decision evaluated: /payments/{id}/risk has them whole.
        parts.add(prefix + f.getKey() + " = " + v.size() + " evaluated");
      } else if (v.isArray() ? !v.isEmpty() : !v.asText().isEmpty() && !v.asText().equals("0")
          && !v.asText().equals("false")) {
        parts.add(prefix + f.getKey() + " = " + (v.isArray() ? v.toString() : v.asText()));
      }
    }
  }

  private CompletionStage<HttpResponse> answer(String id, String dispute, String action, Map<String, String> form,
      HttpRequest request) {
    ObjectNode body = JSON.createObjectNode();
    body.put("requestId", form.getOrDefault("requestId", ""));
    if (form.containsKey("evidenceRef")) {
      body.put("evidenceRef", form.get("evidenceRef"));
    }
    String operator = request.getHeader("X-Operator").map(HttpHeader::value).orElse("unnamed");
    return payments.disputeAction(id, dispute, action, body.toString(), operator, ManagementSecurity.peer(request))
        .thenApply(answer -> {
          JsonNode result = parse(answer);
          String message = answer.status().intValue() == 200
              ? "Dispute " + dispute + ": " + action + " done; now " + result.at("/payment/dispute/state").asText()
              : "Dispute " + dispute + ": " + action + " refused: " + result.path("reason").asText(
                  result.path("error").asText(result.path("result").asText()));
          return redirect("/console/payments/" + segmentOf(id) + "?done="
              + URLEncoder.encode(message, StandardCharsets.UTF_8));
        });
  }

  // --- live events ---------------------------------------------------------------------------------------

  private static String eventsPage(Map<String, String> q) {
    String acquirer = q.getOrDefault("acquirer", "").strip();
    String type = q.getOrDefault("type", "").strip();
    String stream = "/console/events/stream?acquirer=" + URLEncoder.encode(acquirer, StandardCharsets.UTF_8)
        + "&type=" + URLEncoder.encode(type, StandardCharsets.UTF_8);
    return """
        <section class="card">
          <h1>Live events</h1>
          <form method="get" action="/console/events" class="inline">
            <label for="acquirer">Acquirer</label><input id="acquirer" name="acquirer" value="%s">
            <label for="type">Event type</label><input id="type" name="type" value="%s" placeholder="e.g. declined">
            <button type="submit">Filter</button>
          </form>
          <p class="muted" id="stream-state">Events appear here as the journal takes them, newest first.</p>
          <div class="scroll"><table><thead><tr><th>At</th><th>Payment</th><th>Event</th><th>State after</th>
          <th>Acquirer</th></tr></thead>
          <tbody id="events" hx-ext="sse" sse-connect="%s" sse-swap="event" hx-swap="afterbegin"></tbody>
          </table></div>
        </section>""".formatted(esc(acquirer), esc(type), esc(stream));
  }

  /** Each slice's newest journal offset now: the stream starts after them. */
  private Map<String, Long> journalHeads() {
    dev.switchyard.mirror.MirrorOffsets offsets = new dev.switchyard.mirror.MirrorOffsets(
        NodeServices.get(system).dataSource());
    Map<String, Long> heads = new java.util.LinkedHashMap<>();
    for (String tag : tags().allTags()) {
      try {
        heads.put(tag, offsets.journalMax(tag));
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("the journal did not answer: " + e.getMessage(), e);
      }
    }
    return heads;
  }

  private dev.switchyard.persistence.TagSlices tags() {
    if (tags == null) {
      tags = dev.switchyard.payment.PaymentSettings.create(system.settings().config()).tags();
    }
    return tags;
  }

  /** Every slice's events after {@code heads}, as table rows, filtered by acquirer and event type. */
  private org.apache.pekko.stream.javadsl.Source<ServerSentEvent, org.apache.pekko.NotUsed> events(
      Map<String, Long> heads, String acquirer, String type) {
    var journal = org.apache.pekko.persistence.query.PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
            org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier());
    return org.apache.pekko.stream.javadsl.Source.from(new ArrayList<>(heads.entrySet()))
        .flatMapMerge(Math.max(1, heads.size()), head -> journal.eventsByTag(head.getKey(),
            org.apache.pekko.persistence.query.Offset.sequence(head.getValue())))
        .filter(e -> e.event() instanceof PaymentEvent event
            && (acquirer.isEmpty() || event.getAcquirerId().equals(acquirer))
            && (type.isEmpty() || EventTypes.of(event).equals(type)))
        .map(e -> {
          PaymentEvent event = (PaymentEvent) e.event();
          String id = PaymentIds.fromPersistenceId(e.persistenceId());
          return ServerSentEvent.create("<tr><td>" + esc(Instant.ofEpochMilli(event.getAtMillis()).toString())
              + "</td><td><a href=\"/console/payments/" + esc(id) + "\">" + esc(id) + "</a></td><td class=\"type\">"
              + esc(EventTypes.of(event)) + "</td><td>" + esc(event.getStateAfter().name()) + "</td><td>"
              + esc(event.getAcquirerId()) + "</td></tr>", "event");
        })
        .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat)
        .watchTermination((m, done) -> {
          streams.incrementAndGet();
          done.whenComplete((d, failure) -> streams.decrementAndGet());
          return org.apache.pekko.NotUsed.getInstance();
        });
  }

  // --- audit ---------------------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> auditPage(HttpRequest request) {
    OperatorAudit log = NodeServices.get(system).audit();
    if (log == null) {
      return CompletableFuture.completedFuture(html(StatusCodes.SERVICE_UNAVAILABLE, page(request, "Audit",
          "<p class=\"error\">The audit log is not open yet.</p>")));
    }
    return log.recent(100, Long.MAX_VALUE).handle((rows, failure) -> {
      if (failure != null) {
        return html(StatusCodes.SERVICE_UNAVAILABLE, page(request, "Audit",
            "<p class=\"error\" role=\"alert\">The audit log could not be read; try again.</p>"));
      }
      StringBuilder b = new StringBuilder("<section class=\"card\"><h1>Audit log</h1><div class=\"scroll\">"
          + "<table id=\"audit\"><thead><tr><th>#</th><th>At</th><th>Operator</th><th>From</th><th>Request</th>"
          + "<th>Status</th><th>Outcome</th></tr></thead><tbody>");
      for (OperatorAudit.Entry e : rows) {
        b.append("<tr><td>").append(e.id()).append("</td><td>").append(esc(e.at().toString())).append("</td><td>")
            .append(esc(e.operator())).append(" (").append(esc(e.role())).append(")</td><td>").append(esc(e.source()))
            .append("</td><td>").append(esc(e.method() + " " + e.target())).append("</td><td>")
            .append(e.status() == 0 ? "requested" : Integer.toString(e.status())).append("</td><td class=\"details\">")
            .append(esc(e.outcome().length() > 200 ? e.outcome().substring(0, 200) + "…" : e.outcome()))
            .append("</td></tr>");
      }
      return html(StatusCodes.OK, page(request, "Audit", b.append("</tbody></table></div></section>").toString()));
    });
  }

  // --- pages ---------------------------------------------------------------------------------------------

  private static Operators.Role role(HttpRequest request) {
    String role = request.getHeader("X-Operator-Role").map(HttpHeader::value).orElse("viewer");
    try {
      return Operators.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Operators.Role.VIEWER;
    }
  }

  private static HttpResponse page(HttpRequest request, String title, String body) {
    return html(StatusCodes.OK, layout(title, request.getHeader("X-Operator").map(HttpHeader::value).orElse(null),
        role(request), body));
  }

  private static String layout(String title, String operator, Operators.Role role, String body) {
    String nav = operator == null ? "" : """
        <nav><a href="/console">Overview</a><a href="/console/payments">Payments</a>
        <a href="/console/events">Live events</a>%1$s
        <span class="who">%2$s · %3$s</span>
        <form method="post" action="/console/logout" class="inline"><button type="submit" class="link">Log out
        </button></form></nav>""".formatted(role.allows(Operators.Role.ADMIN)
            ? "<a href=\"/console/audit\">Audit</a>" : "", esc(operator), role.label());
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="htmx-config" content='{"includeIndicatorStyles": false}'>
          <link rel="icon" href="data:,">
          <title>%s · switch console</title>
          <link rel="stylesheet" href="/console/assets/console.css">
          <link rel="stylesheet" href="/console/assets/uPlot.min.css">
        </head>
        <body>
          <header><span class="brand">switch console</span>%s</header>
          <main>%s</main>
          <script src="/console/assets/htmx.min.js"></script>
          <script src="/console/assets/sse.js"></script>
          <script src="/console/assets/uPlot.iife.min.js"></script>
          <script src="/console/assets/console.js"></script>
        </body>
        </html>
        """.formatted(esc(title), nav, body);
  }

  private static HttpResponse html(StatusCode status, String body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, body));
  }

  private static HttpResponse html(StatusCode status, HttpResponse page) {
    return page.withStatus(status);
  }

  private static JsonNode parse(HttpResponse answer) {
    if (!(answer.entity() instanceof HttpEntity.Strict strict)) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(strict.getData().toArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text as HTML shows it, nothing of it markup. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
