package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API against its OpenAPI document: a real node that took payments through the gateway is asked every
 * documented operation, and each answer's status must be one the document lists and its body valid against the
 * schema given for it; every operation is asked at least once. The document itself must parse as OpenAPI 3.1
 * and break nothing of the released one ({@code contracts/operator-api.released.json}).
 */
class OperatorApiContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path RELEASED = Path.of("src/test/resources/contracts/operator-api.released.json");
  private static final String VIEWER = "vera-" + UUID.randomUUID();
  private static final String OPERATOR = "olga-" + UUID.randomUUID();

  @TempDir static Path dir;
  static SwitchNode node;
  static JsonNode document;
  static String payment;
  static String disputed;

  private final Set<String> asked = new LinkedHashSet<>();

  @BeforeAll
  static void start() throws Exception {
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "pekko.management.http.route-providers-read-only", false,
        "switch.metrics.enabled", false,
        "switch.data-dir", dir.toString(),
        "switch.gateway.port", 0,
        "switch.operator.operators.vera.token", dev.switchyard.payment.SaltedSecret.hash(VIEWER),
        "switch.operator.operators.vera.role", "viewer",
        "switch.operator.operators.olga.token", dev.switchyard.payment.SaltedSecret.hash(OPERATOR),
        "switch.operator.operators.olga.role", "operator"))));
    document = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUri() + "/openapi.json"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    payment = TestPayments.captured(node, "api-" + UUID.randomUUID(), 3_000);
    disputed = TestPayments.captured(node, "api-" + UUID.randomUUID(), 3_000);
    TestPayments.openDispute(node, disputed, "net-1", "CB-1", 3_000, "10.4");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theDocumentIsOpenApi31AndBreaksNothingReleased() throws Exception {
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.toString());
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(OpenApiCompatibility.breaks(JSON.readTree(Files.readString(RELEASED)), document)).isEmpty();
    // Swagger UI is served on it.
    HttpResponse<String> ui = HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUri() + "/docs/api/"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("swagger-ui-bundle.js");
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUri() + "/docs/api/swagger-ui-bundle.js"))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
  }

  @Test
  void everyOperationAnswersAsDocumented() throws Exception {
    String member = URLEncoder.encode(Cluster.get(node.system()).selfMember().address().toString(),
        StandardCharsets.UTF_8);
    String nobody = URLEncoder.encode("pekko://switch@127.0.0.1:1", StandardCharsets.UTF_8);
    check("get", "/alive", "/alive", null, null, 200);
    check("get", "/ready", "/ready", null, null, 200);
    check("get", "/openapi.json", "/openapi.json", null, null, 200);
    check("get", "/payments/{id}", "/payments/" + payment, null, null, 200);
    check("get", "/payments/{id}", "/payments/pay_00000000000000000000000000000000", null, null, 404);
    check("get", "/payments/{id}", "/payments/nonsense", null, null, 400);
    check("get", "/payments/{id}/risk", "/payments/" + payment + "/risk", null, null, 200);
    String dispute = "/payments/{id}/disputes/{dispute}/{action}";
    check("post", dispute, "/payments/" + disputed + "/disputes/CB-1/evidence", "application/json",
        "{\"requestId\": \"e-1\", \"evidenceRef\": \"doc-1\"}", 200);
    check("post", dispute, "/payments/" + disputed + "/disputes/CB-1/evidence", "application/json",
        "{\"evidenceRef\": \"doc-1\"}", 400);
    check("post", dispute, "/payments/" + disputed + "/disputes/CB-1/evidence", "application/json",
        "{\"requestId\": \"e-2\", \"evidenceRef\": \"doc-2\"}", 409);
    check("post", dispute, "/payments/" + payment + "/disputes/CB-1/accept", "application/json",
        "{\"requestId\": \"a-1\"}", 404);
    check("post", dispute, "/payments/" + payment + "/disputes/CB-1/won", "application/json", "{}", 404);
    check("get", "/stats", "/stats", null, null, 200);
    check("get", "/issuers", "/issuers", null, null, 200);
    String routing = "{routes = [{name = simulator, bins = [\"4\", \"5\"]}], default-route = simulator}";
    check("post", "/issuers/routing", "/issuers/routing", "text/plain", routing, 200);
    check("post", "/issuers/routing", "/issuers/routing", "text/plain", "{routes = 7}", 400);
    check("get", "/risk/rules", "/risk/rules", null, null, 200);
    String rules = "review-score = 500, decline-score = 900, rules = "
        + "[{ id = card-1h, kind = card-count, window = 1h, limit = 60, score = 900 }]";
    check("post", "/risk/rules", "/risk/rules", "text/plain", rules, 200);
    check("post", "/risk/rules", "/risk/rules", "text/plain", rules.replace("1h", "2h"), 400);
    check("get", "/mirrors/{mirror}", "/mirrors/pulsar", null, null, 503);
    check("get", "/mirrors/{mirror}", "/mirrors/nonsense", null, null, 404);
    check("post", "/mirrors/{mirror}/slices/{slice}/{action}", "/mirrors/quickwit/slices/0/pause", null, "", 503);
    check("get", "/search", "/search?q=*", null, null, 503);
    check("get", "/audit", "/audit?limit=20", null, null, 200);
    check("get", "/audit", "/audit?limit=0", null, null, 400);
    check("get", "/cluster/members", "/cluster/members", null, null, 200);
    check("get", "/cluster/members/{address}", "/cluster/members/" + member, null, null, 200);
    check("get", "/cluster/members/{address}", "/cluster/members/" + nobody, null, null, 404);
    check("put", "/cluster/members/{address}", "/cluster/members/" + member, "application/x-www-form-urlencoded",
        "operation=Nonsense", 400);
    check("put", "/cluster/members/{address}", "/cluster/members/" + nobody, "application/x-www-form-urlencoded",
        "operation=Down", 404);
    check("delete", "/cluster/members/{address}", "/cluster/members/" + nobody, null, null, 404);
    check("get", "/cluster/shards/{name}", "/cluster/shards/Payment", null, null, 200);

    List<String> documented = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(m -> documented.add(m + " " + path.getKey()));
    }
    assertThat(asked).as("every documented operation is asked").containsAll(documented);
    assertThat(documented).as("every operation asked is documented").containsAll(asked);

    // Without a token every secured operation answers 401 as documented.
    for (String op : documented) {
      String method = op.substring(0, op.indexOf(' '));
      String template = op.substring(op.indexOf(' ') + 1);
      JsonNode security = document.at("/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method
          + "/security");
      if (security.isArray() && security.isEmpty()) {
        continue;
      }
      String concrete = template.replace("{id}", payment).replace("{dispute}", "CB-1")
          .replace("{action}", "accept").replace("{mirror}", "pulsar").replace("{slice}", "0")
          .replace("{address}", member).replace("{name}", "Payment");
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUri() + concrete))
          .method(method.toUpperCase(), HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      validate(op, template, method, r, "application/json");
      assertThat(r.statusCode()).as(op).isEqualTo(401);
      // The role the document names is the least one let in: each lesser role is refused, as documented.
      String role = document.at("/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method
          + "/x-switch-role").asText();
      List<String> lesser = switch (role) {
        case "admin" -> List.of(VIEWER, OPERATOR);
        case "operator" -> List.of(VIEWER);
        default -> List.of();
      };
      for (String token : lesser) {
        HttpResponse<String> refused = HTTP.send(OperatorHttp.request(node.managementUri() + concrete, token)
            .method(method.toUpperCase(), HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        validate(op, template, method, refused, "application/json");
        assertThat(refused.statusCode()).as(op + " with a lesser role").isEqualTo(403);
      }
    }
  }

  /** Asks {@code concrete} as the demo admin and checks the answer against {@code method template}'s document. */
  private void check(String method, String template, String concrete, String contentType, String body, int expected)
      throws Exception {
    HttpRequest.Builder request = OperatorHttp.request(node.managementUri() + concrete)
        .timeout(Duration.ofSeconds(20))
        .method(method.toUpperCase(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String op = method + " " + template;
    asked.add(op);
    assertThat(r.statusCode()).as(op + " (" + concrete + "): " + r.body()).isEqualTo(expected);
    validate(op, template, method, r, r.headers().firstValue("Content-Type").orElse("").split(";")[0].strip());
  }

  private static void validate(String op, String template, String method, HttpResponse<String> r, String type)
      throws Exception {
    JsonNode operation = document.path("paths").path(template).path(method);
    assertThat(operation.isMissingNode()).as(op + " is documented").isFalse();
    JsonNode answer = operation.path("responses").path(Integer.toString(r.statusCode()));
    assertThat(answer.isMissingNode()).as(op + " documents status " + r.statusCode()).isFalse();
    JsonNode content = answer.path("content");
    if (content.isMissingNode() || content.isEmpty()) {
      return;
    }
    JsonNode schema = content.path(type).path("schema");
    assertThat(schema.isMissingNode()).as(op + " " + r.statusCode() + " documents " + type).isFalse();
    if (!type.equals("application/json")) {
      return;
    }
    // The schema with the document's components beside it, so that its local references resolve.
    ObjectNode standalone = schema.deepCopy();
    standalone.set("components", document.path("components"));
    Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(standalone);
    assertThat(validator.validate(JSON.readTree(r.body()))).as(op + " " + r.statusCode() + ": " + r.body()).isEmpty();
  }
}
