package dev.switchyard.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A CONTRACT FAKE of Quickwit's REST API, for tests only: no Quickwit binary can be installed on these machines.
 * It implements exactly the documented contract the switch relies on (Quickwit 0.8 REST API reference),
 * no more:
 *
 * <ul>
 *   <li>{@code POST /api/v1/indexes} (JSON): creates an index; 400 when it exists or the id is invalid;
 *   <li>{@code GET /api/v1/indexes/<id>}: the metadata with {@code index_config}, or 404 {@code index `<id>` not
 *       found};
 *   <li>{@code POST /api/v1/<id>/ingest?commit=auto|wait_for|force&detailed_response=true}: NDJSON, blank lines
 *       skipped; 404 for a missing index; 400 for a body over 10 MiB; invalid JSON and, in strict mode, a document
 *       with an unmapped field are rejected (200, counted in {@code num_rejected_docs}, listed in
 *       {@code parse_failures}); {@code auto} documents become searchable after the index's
 *       {@code commit_timeout_secs}, {@code wait_for} and {@code force} ones before the answer; 429 or 503 for as
 *       many requests as a test asks ({@link #failNext});
 *   <li>{@code GET /api/v1/<id>/search} with {@code query}, {@code start_timestamp} and {@code end_timestamp}
 *       (seconds, start inclusive, end exclusive), {@code max_hits} (default 20), {@code sort_by} ({@code field}
 *       descending, {@code -field} ascending); unknown parameters are refused with 400. The query subset: {@code *},
 *       {@code field:value} clauses joined by {@code AND}, and bare terms matched against the default search
 *       fields.
 * </ul>
 *
 * Error bodies are {@code {"message": "..."}}. Run the same mirror against a real Quickwit: docs/quickwit.md.
 */
public final class QuickwitContractFake implements AutoCloseable {

  static final int MAX_BODY = 10 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One index: its configuration and its documents, each with the time it becomes searchable. */
  static final class Index {
    final JsonNode config;
    final Set<String> fields = new HashSet<>();
    final List<ObjectNode> docs = new ArrayList<>();
    final List<Long> visibleAt = new ArrayList<>();

    Index(JsonNode config) {
      this.config = config;
      config.path("doc_mapping").path("field_mappings").forEach(f -> fields.add(f.path("name").asText()));
    }

    boolean strict() {
      return "strict".equals(config.path("doc_mapping").path("mode").asText());
    }

    String timestampField() {
      return config.path("doc_mapping").path("timestamp_field").asText();
    }

    long commitTimeoutMillis() {
      return config.path("indexing_settings").path("commit_timeout_secs").asLong(60) * 1000;
    }
  }

  private final HttpServer server;
  private final Map<String, Index> indexes = new ConcurrentHashMap<>();
  private final ArrayDeque<Integer> failures = new ArrayDeque<>();
  private volatile Predicate<JsonNode> rejectDoc = d -> false;
  private volatile Predicate<String> refuseBody = b -> false;
  private final List<Integer> statuses = new ArrayList<>();

  public QuickwitContractFake() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code times} ingest requests get {@code status} (429 or 503). */
  public synchronized void failNext(int status, int times) {
    for (int i = 0; i < times; i++) {
      failures.add(status);
    }
  }

  /** Documents matching are rejected as not matching the schema (as a real strict index does). */
  public void rejectDocuments(Predicate<JsonNode> predicate) {
    rejectDoc = predicate;
  }

  /** Whole ingest requests whose body matches are refused with 400. */
  public void refuseBodies(Predicate<String> predicate) {
    refuseBody = predicate;
  }

  /** Every document of an index, searchable or not, in ingest order. */
  public synchronized List<ObjectNode> documents(String index) {
    Index i = indexes.get(index);
    return i == null ? List.of() : List.copyOf(i.docs);
  }

  /** The statuses of every ingest answer so far. */
  public synchronized List<Integer> ingestStatuses() {
    return List.copyOf(statuses);
  }

  /** Creates an index directly, as someone else might have. */
  public void createIndex(JsonNode config) {
    indexes.put(config.path("index_id").asText(), new Index(config));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      URI uri = x.getRequestURI();
      String[] parts = uri.getPath().split("/");
      Map<String, String> query = query(uri.getRawQuery());
      String method = x.getRequestMethod();
      if (parts.length == 4 && parts[3].equals("indexes") && method.equals("POST")) {
        createIndex(x);
      } else if (parts.length == 5 && parts[3].equals("indexes") && method.equals("GET")) {
        Index index = indexes.get(parts[4]);
        if (index == null) {
          send(x, 404, message("index `" + parts[4] + "` not found"));
        } else {
          ObjectNode meta = JSON.createObjectNode();
          meta.put("version", "0.8");
          meta.put("index_uid", parts[4] + ":01");
          meta.set("index_config", index.config);
          send(x, 200, meta);
        }
      } else if (parts.length == 5 && parts[4].equals("ingest") && method.equals("POST")) {
        ingest(x, parts[3], query);
      } else if (parts.length == 5 && parts[4].equals("search") && method.equals("GET")) {
        search(x, parts[3], query);
      } else {
        send(x, 404, message("no route " + method + " " + uri.getPath()));
      }
    } catch (RuntimeException e) {
      send(x, 500, message(e.toString()));
    }
  }

  private void createIndex(HttpExchange x) throws IOException {
    JsonNode config = JSON.readTree(x.getRequestBody());
    String id = config.path("index_id").asText();
    if (!id.matches("[a-zA-Z][a-zA-Z0-9_-]{2,254}")) {
      send(x, 400, message("invalid index ID `" + id + "`"));
      return;
    }
    if (!config.has("version") || !config.has("doc_mapping")) {
      send(x, 400, message("version and doc_mapping are required"));
      return;
    }
    if (indexes.putIfAbsent(id, new Index(config)) != null) {
      send(x, 400, message("index `" + id + "` already exists"));
      return;
    }
    ObjectNode meta = JSON.createObjectNode();
    meta.put("index_uid", id + ":01");
    meta.set("index_config", config);
    send(x, 200, meta);
  }

  private void ingest(HttpExchange x, String id, Map<String, String> query) throws IOException {
    byte[] body;
    try (InputStream in = x.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    Integer failure;
    synchronized (this) {
      failure = failures.poll();
    }
    if (failure != null) {
      answerIngest(x, failure, message(failure == 429 ? "rate limited: too many requests" : "ingest service is unavailable"));
      return;
    }
    Index index = indexes.get(id);
    if (index == null) {
      answerIngest(x, 404, message("index `" + id + "` not found"));
      return;
    }
    if (body.length > MAX_BODY) {
      answerIngest(x, 400, message("the request payload is too large (over 10 MiB)"));
      return;
    }
    String commit = query.getOrDefault("commit", "auto");
    if (!List.of("auto", "wait_for", "force").contains(commit)) {
      answerIngest(x, 400, message("unknown commit mode `" + commit + "`"));
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (refuseBody.test(text)) {
      answerIngest(x, 400, message("bad request"));
      return;
    }
    long visible = commit.equals("auto") ? System.currentTimeMillis() + index.commitTimeoutMillis() : 0;
    int ingested = 0;
    ArrayNode parseFailures = JSON.createArrayNode();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode doc;
      try {
        doc = JSON.readTree(line);
      } catch (IOException e) {
        parseFailures.add(failure("invalid_json", "failed to parse JSON document", line));
        continue;
      }
      if (!(doc instanceof ObjectNode object)) {
        parseFailures.add(failure("invalid_json", "the document is not a JSON object", line));
        continue;
      }
      String unmapped = null;
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (index.strict() && !index.fields.contains(field)) {
          unmapped = field;
        }
      }
      if (unmapped != null) {
        parseFailures.add(failure("invalid_schema", "field `" + unmapped + "` is not declared in the doc mapping", line));
        continue;
      }
      if (rejectDoc.test(object)) {
        parseFailures.add(failure("invalid_schema", "the document does not match the doc mapping", line));
        continue;
      }
      synchronized (this) {
        index.docs.add(object);
        index.visibleAt.add(visible);
      }
      ingested++;
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("num_docs_for_processing", ingested + parseFailures.size());
    answer.put("num_ingested_docs", ingested);
    answer.put("num_rejected_docs", parseFailures.size());
    if (Boolean.parseBoolean(query.getOrDefault("detailed_response", "false"))) {
      answer.set("parse_failures", parseFailures);
    }
    answerIngest(x, 200, answer);
  }

  private void answerIngest(HttpExchange x, int status, JsonNode body) throws IOException {
    synchronized (this) {
      statuses.add(status);
    }
    send(x, status, body);
  }

  private static ObjectNode failure(String reason, String text, String document) {
    ObjectNode f = JSON.createObjectNode();
    f.put("message", text);
    f.put("reason", reason);
    f.put("document", document);
    return f;
  }

  private void search(HttpExchange x, String id, Map<String, String> query) throws IOException {
    Set<String> known = Set.of("query", "start_timestamp", "end_timestamp", "start_offset", "max_hits",
        "search_field", "snippet_fields", "sort_by", "format", "aggs", "count_all", "allow_failed_splits");
    for (String key : query.keySet()) {
      if (!known.contains(key)) {
        send(x, 400, message("unknown field `" + key + "`"));
        return;
      }
    }
    if (!query.containsKey("query")) {
      send(x, 400, message("missing field `query`"));
      return;
    }
    Index index = indexes.get(id);
    if (index == null) {
      send(x, 404, message("index `" + id + "` not found"));
      return;
    }
    long now = System.currentTimeMillis();
    String ts = index.timestampField();
    Long start = query.containsKey("start_timestamp") ? Long.parseLong(query.get("start_timestamp")) : null;
    Long end = query.containsKey("end_timestamp") ? Long.parseLong(query.get("end_timestamp")) : null;
    List<String> defaults = new ArrayList<>();
    index.config.path("search_settings").path("default_search_fields").forEach(f -> defaults.add(f.asText()));
    List<ObjectNode> hits = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < index.docs.size(); i++) {
        ObjectNode doc = index.docs.get(i);
        if (index.visibleAt.get(i) > now) {
          continue;
        }
        long seconds = Instant.parse(doc.path(ts).asText()).getEpochSecond();
        if ((start != null && seconds < start) || (end != null && seconds >= end)) {
          continue;
        }
        if (matches(doc, query.get("query"), defaults)) {
          hits.add(doc);
        }
      }
    }
    String sortBy = query.getOrDefault("sort_by", "");
    if (sortBy.isEmpty()) {
      java.util.Collections.reverse(hits);
    } else {
      boolean ascending = sortBy.startsWith("-");
      String field = sortBy.replaceFirst("^[-+]", "");
      Comparator<ObjectNode> order = Comparator.comparing(d -> d.path(field).asText());
      hits.sort(ascending ? order : order.reversed());
    }
    int max = Integer.parseInt(query.getOrDefault("max_hits", "20"));
    int offset = Integer.parseInt(query.getOrDefault("start_offset", "0"));
    ObjectNode answer = JSON.createObjectNode();
    answer.put("num_hits", hits.size());
    ArrayNode out = answer.putArray("hits");
    hits.stream().skip(offset).limit(max).forEach(out::add);
    answer.put("elapsed_time_micros", 100);
    answer.putArray("errors");
    send(x, 200, answer);
  }

  static boolean matches(JsonNode doc, String query, List<String> defaults) {
    String q = query.trim();
    if (q.equals("*")) {
      return true;
    }
    for (String clause : q.split("\\s+AND\\s+")) {
      int colon = clause.indexOf(':');
      String value = (colon < 0 ? clause : clause.substring(colon + 1)).replaceAll("^\"|\"$", "");
      List<String> fields = colon < 0 ? defaults : List.of(clause.substring(0, colon));
      boolean any = false;
      for (String field : fields) {
        JsonNode v = doc.path(field);
        if (v.isArray()) {
          for (JsonNode e : v) {
            any |= e.asText().equals(value);
          }
        } else if (!v.isMissingNode()) {
          any |= v.asText().equals(value);
        }
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  private static ObjectNode message(String text) {
    ObjectNode m = JSON.createObjectNode();
    m.put("message", text);
    return m;
  }

  private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
