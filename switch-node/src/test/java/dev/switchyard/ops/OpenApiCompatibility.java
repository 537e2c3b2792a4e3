package dev.switchyard.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a change of the operator API's document breaks for a client written against the released one: an
 * operation or a documented status gone; a response property gone, retyped or no longer required; a request
 * property, parameter or body newly required; a higher role needed. Adding operations, statuses and optional
 * properties breaks nothing.
 */
final class OpenApiCompatibility {

  private static final List<String> ROLES = List.of("open", "viewer", "operator", "admin");

  private final JsonNode released;
  private final JsonNode current;
  private final List<String> breaks = new ArrayList<>();
  private final Set<String> compared = new HashSet<>();

  private OpenApiCompatibility(JsonNode released, JsonNode current) {
    this.released = released;
    this.current = current;
  }

  static List<String> breaks(JsonNode released, JsonNode current) {
    OpenApiCompatibility c = new OpenApiCompatibility(released, current);
    c.compare();
    return c.breaks;
  }

  private void compare() {
    for (Iterator<Map.Entry<String, JsonNode>> paths = released.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String at = op.getKey().toUpperCase() + " " + path.getKey();
        JsonNode now = current.path("paths").path(path.getKey()).path(op.getKey());
        if (now.isMissingNode()) {
          breaks.add(at + " is gone");
          continue;
        }
        compareOperation(at, op.getValue(), now);
      }
    }
  }

  private void compareOperation(String at, JsonNode then, JsonNode now) {
    int roleThen = ROLES.indexOf(then.path("x-switch-role").asText("open"));
    int roleNow = ROLES.indexOf(now.path("x-switch-role").asText("open"));
    if (roleNow < 0) {
      breaks.add(at + " needs an unknown role " + now.path("x-switch-role").asText());
    } else if (roleNow > roleThen) {
      breaks.add(at + " needs role " + ROLES.get(roleNow) + " where " + ROLES.get(roleThen) + " was enough");
    }
    for (JsonNode p : now.path("parameters")) {
      if (p.path("required").asBoolean(false) && !hasParameter(then, p, true)) {
        breaks.add(at + " newly requires parameter " + p.path("name").asText());
      }
    }
    for (JsonNode p : then.path("parameters")) {
      if (!hasParameter(now, p, false)) {
        breaks.add(at + " no longer takes parameter " + p.path("name").asText());
      }
    }
    if (now.path("requestBody").path("required").asBoolean(false)
        && !then.path("requestBody").path("required").asBoolean(false)) {
      breaks.add(at + " newly requires a body");
    }
    for (Iterator<Map.Entry<String, JsonNode>> types = now.path("requestBody").path("content").fields();
        types.hasNext(); ) {
      Map.Entry<String, JsonNode> type = types.next();
      JsonNode before = then.path("requestBody").path("content").path(type.getKey()).path("schema");
      if (!before.isMissingNode()) {
        newlyRequired(at + " body", resolve(released, before), resolve(current, type.getValue().path("schema")));
      }
    }
    for (Iterator<String> types = then.path("requestBody").path("content").fieldNames(); types.hasNext(); ) {
      String type = types.next();
      if (now.path("requestBody").path("content").path(type).isMissingNode()) {
        breaks.add(at + " no longer takes a " + type + " body");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> codes = then.path("responses").fields(); codes.hasNext(); ) {
      Map.Entry<String, JsonNode> code = codes.next();
      JsonNode answer = now.path("responses").path(code.getKey());
      if (answer.isMissingNode()) {
        breaks.add(at + " no longer answers " + code.getKey());
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> types = code.getValue().path("content").fields(); types.hasNext(); ) {
        Map.Entry<String, JsonNode> type = types.next();
        JsonNode schemaNow = answer.path("content").path(type.getKey()).path("schema");
        if (schemaNow.isMissingNode()) {
          breaks.add(at + " " + code.getKey() + " no longer answers " + type.getKey());
        } else {
          compareResponse(at + " " + code.getKey(), type.getValue().path("schema"), schemaNow);
        }
      }
    }
  }

  private static boolean hasParameter(JsonNode op, JsonNode p, boolean required) {
    for (JsonNode q : op.path("parameters")) {
      if (q.path("name").equals(p.path("name")) && q.path("in").equals(p.path("in"))
          && (!required || q.path("required").asBoolean(false))) {
        return true;
      }
    }
    return false;
  }

  /** A response schema: what a client reads must still be there, with its type, and still always there. */
  private void compareResponse(String at, JsonNode thenRaw, JsonNode nowRaw) {
    // A referenced pair is compared once: self-referencing schemas end, and each break is said once.
    if ((thenRaw.has("$ref") || nowRaw.has("$ref"))
        && !compared.add(thenRaw.path("$ref").asText() + "|" + nowRaw.path("$ref").asText())) {
      return;
    }
    JsonNode then = resolve(released, thenRaw);
    JsonNode now = resolve(current, nowRaw);
    if (then.has("type") && !then.path("type").equals(now.path("type"))) {
      breaks.add(at + " is retyped from " + then.path("type") + " to " + now.path("type"));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> props = then.path("properties").fields(); props.hasNext(); ) {
      Map.Entry<String, JsonNode> prop = props.next();
      String name = prop.getKey();
      JsonNode propNow = now.path("properties").path(name);
      if (propNow.isMissingNode()) {
        breaks.add(at + " ." + name + " is gone");
        continue;
      }
      if (contains(then.path("required"), name) && !contains(now.path("required"), name)) {
        breaks.add(at + " ." + name + " is no longer required");
      }
      compareResponse(at + " ." + name, prop.getValue(), propNow);
    }
    if (then.has("items")) {
      compareResponse(at + "[]", then.path("items"), now.path("items"));
    }
  }

  /** A request schema: a client that sent what was enough must still send enough. */
  private void newlyRequired(String at, JsonNode then, JsonNode now) {
    for (JsonNode name : now.path("required")) {
      if (!contains(then.path("required"), name.asText())) {
        breaks.add(at + " newly requires ." + name.asText());
      }
    }
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode v : array) {
      if (v.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The schema a local {@code $ref} points to, or the schema itself. */
  static JsonNode resolve(JsonNode document, JsonNode schema) {
    JsonNode s = schema;
    for (int hops = 0; s.has("$ref") && hops < 16; hops++) {
      String ref = s.path("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalArgumentException("only local references: " + ref);
      }
      s = document.at(ref.substring(1));
    }
    return s;
  }
}
