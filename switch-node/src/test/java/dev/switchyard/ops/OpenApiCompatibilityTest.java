package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What counts as breaking the operator API's released document, on the served document changed on purpose. */
class OpenApiCompatibilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode served() throws Exception {
    try (InputStream in = OpenApiCompatibilityTest.class.getClassLoader()
        .getResourceAsStream("openapi/operator-api.json")) {
      return JSON.readTree(in);
    }
  }

  private static JsonNode changed(JsonNode doc, Consumer<ObjectNode> change) {
    ObjectNode copy = doc.deepCopy();
    change.accept(copy);
    return copy;
  }

  @Test
  void theSameDocumentAndAddedOptionalThingsBreakNothing() throws Exception {
    JsonNode doc = served();
    assertThat(OpenApiCompatibility.breaks(doc, doc)).isEmpty();
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d -> {
      ((ObjectNode) d.at("/components/schemas/Stats/properties")).putObject("uptimeSeconds").put("type", "integer");
      ((ObjectNode) d.at("/paths")).putObject("/new").putObject("get").putObject("responses");
    }))).isEmpty();
  }

  @Test
  void aGoneOperationPropertyOrStatusARetypeALostRequirementOrAHigherRoleIsABreak() throws Exception {
    JsonNode doc = served();
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d -> ((ObjectNode) d.at("/paths/~1stats")).remove("get"))))
        .containsExactly("GET /stats is gone");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ObjectNode) d.at("/components/schemas/PaymentView/properties")).remove("capturedMinor"))))
        .anySatisfy(b -> assertThat(b).isEqualTo("GET /payments/{id} 200 .payment .capturedMinor is gone"));
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ObjectNode) d.at("/components/schemas/AuditEntry/properties/status")).put("type", "string"))))
        .contains("GET /audit 200 .entries[] .status is retyped from \"integer\" to \"string\"");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d -> {
      ArrayNode required = (ArrayNode) d.at("/components/schemas/Stats/required");
      for (int i = 0; i < required.size(); i++) {
        if (required.get(i).asText().equals("node")) {
          required.remove(i);
        }
      }
    }))).containsExactly("GET /stats 200 .node is no longer required");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ObjectNode) d.at("/paths/~1stats/get")).put("x-switch-role", "admin"))))
        .containsExactly("GET /stats needs role admin where viewer was enough");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ObjectNode) d.at("/paths/~1payments~1{id}/get/responses")).remove("404"))))
        .containsExactly("GET /payments/{id} no longer answers 404");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ArrayNode) d.at("/paths/~1payments~1{id}~1disputes~1{dispute}~1{action}/post/requestBody/content"
            + "/application~1json/schema/required")).add("evidenceRef"))))
        .containsExactly("POST /payments/{id}/disputes/{dispute}/{action} body newly requires .evidenceRef");
    assertThat(OpenApiCompatibility.breaks(doc, changed(doc, d ->
        ((ArrayNode) d.at("/paths/~1audit/get/parameters")).addObject().put("name", "since").put("in", "query")
            .put("required", true))))
        .containsExactly("GET /audit newly requires parameter since");
  }
}
