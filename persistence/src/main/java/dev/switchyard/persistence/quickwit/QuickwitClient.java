package dev.switchyard.persistence.quickwit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * The few Quickwit REST calls the switch makes (Quickwit 0.8 API, {@code /api/v1}): create or check an index,
 * ingest NDJSON, search. Built on the JDK's HTTP client; every call is asynchronous and never blocks a caller.
 */
public final class QuickwitClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The most a single ingest body may hold (Quickwit's {@code content_length_limit}, 10 MiB by default). */
  public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  /** How Quickwit answered an ingest. */
  public sealed interface IngestOutcome {}

  /** Accepted; {@code rejected} documents failed to parse or to match the mapping (they are not retried). */
  public record Accepted(long ingested, long rejected, List<String> failures) implements IngestOutcome {}

  /** Not now (429, 503, other 5xx, or no connection): the same batch may be sent again later. */
  public record Retry(int status, String message) implements IngestOutcome {}

  /** Refused for good (400 or 413): sending the same body again cannot succeed. */
  public record Refused(int status, String message) implements IngestOutcome {}

  /** The index does not exist (404). */
  public record NoSuchIndex(String message) implements IngestOutcome {}

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  public QuickwitClient(URI base, Duration timeout, Executor executor) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
  }

  public URI base() {
    return base;
  }

  /** POST {@code /api/v1/<index>/ingest?commit=<commit>&detailed_response=true} with an NDJSON body. */
  public CompletableFuture<IngestOutcome> ingest(String index, byte[] ndjson, String commit) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/" + index + "/ingest?commit=" + commit
            + "&detailed_response=true"))
        .timeout(timeout)
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .<IngestOutcome>thenApply(r -> {
          int status = r.statusCode();
          if (status == 200) {
            JsonNode body = read(r.body());
            List<String> failures = new ArrayList<>();
            body.path("parse_failures").forEach(f -> failures.add(
                f.path("reason").asText() + ": " + f.path("message").asText() + " in " + f.path("document").asText()));
            return new Accepted(body.path("num_ingested_docs").asLong(body.path("num_docs_for_processing").asLong()),
                body.path("num_rejected_docs").asLong(), failures);
          }
          String message = message(r.body());
          if (status == 404) {
            return new NoSuchIndex(message);
          }
          if (status == 429 || status >= 500) {
            return new Retry(status, message);
          }
          return new Refused(status, message);
        })
        .exceptionally(failure -> new Retry(0, "no answer from " + base + ": " + failure.getMessage()));
  }

  /** GET {@code /api/v1/indexes/<id>}: the index's metadata, or null when it does not exist. */
  public CompletableFuture<JsonNode> index(String indexId) {
    return http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/v1/indexes/" + indexId)).timeout(timeout).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          if (r.statusCode() == 404) {
            return null;
          }
          if (r.statusCode() != 200) {
            throw new IllegalStateException("Quickwit answered " + r.statusCode() + " for index " + indexId + ": "
                + message(r.body()));
          }
          return read(r.body());
        });
  }

  /** POST {@code /api/v1/indexes} with an index configuration. */
  public CompletableFuture<JsonNode> createIndex(JsonNode config) {
    return http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/v1/indexes")).timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(config.toString())).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          if (r.statusCode() != 200) {
            throw new IllegalStateException("Quickwit refused to create index " + config.path("index_id").asText()
                + " (" + r.statusCode() + "): " + message(r.body()));
          }
          return read(r.body());
        });
  }

  /**
   * Creates the index when it is missing; when it exists, checks that its mapping is the configured one. Completes
   * with null when the index is usable, or with the differences in words when it is not.
   */
  public CompletableFuture<String> ensureIndex(JsonNode config) {
    String id = config.path("index_id").asText();
    return index(id).thenCompose(existing -> {
      if (existing == null) {
        return createIndex(config).handle((created, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture((String) null);
          }
          // Another node created it at the same moment: check what is there now.
          return index(id).thenApply(now -> now == null ? failure.getMessage() : differences(config, now));
        }).thenCompose(f -> f);
      }
      return CompletableFuture.completedFuture(differences(config, existing));
    });
  }

  /** How an existing index's mapping differs from the configured one, or null when it does not. */
  static String differences(JsonNode config, JsonNode metadata) {
    JsonNode wanted = config.path("doc_mapping");
    JsonNode actual = metadata.path("index_config").path("doc_mapping");
    List<String> problems = new ArrayList<>();
    for (String key : List.of("mode", "timestamp_field")) {
      if (!wanted.path(key).asText().equals(actual.path(key).asText(key.equals("mode") ? "dynamic" : ""))) {
        problems.add(key + " is '" + actual.path(key).asText() + "', the switch needs '" + wanted.path(key).asText() + "'");
      }
    }
    Map<String, String> want = fieldTypes(wanted);
    Map<String, String> have = fieldTypes(actual);
    want.forEach((name, type) -> {
      if (!have.containsKey(name)) {
        problems.add("field " + name + " is missing");
      } else if (!Objects.equals(have.get(name), type)) {
        problems.add("field " + name + " is " + have.get(name) + ", the switch needs " + type);
      }
    });
    have.keySet().stream().filter(name -> !want.containsKey(name))
        .forEach(name -> problems.add("field " + name + " is not in the switch's mapping"));
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static Map<String, String> fieldTypes(JsonNode docMapping) {
    Map<String, String> types = new LinkedHashMap<>();
    for (JsonNode field : docMapping.path("field_mappings")) {
      String tokenizer = field.path("tokenizer").asText("");
      types.put(field.path("name").asText(), field.path("type").asText() + (tokenizer.isEmpty() ? "" : "/" + tokenizer));
    }
    return types;
  }

  /** GET {@code /api/v1/<index>/search} with the given parameters; the answer's JSON, or an exception. */
  public CompletableFuture<JsonNode> search(String index, Map<String, String> parameters) {
    String query = parameters.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/v1/" + index + "/search?" + query))
            .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          if (r.statusCode() != 200) {
            throw new QuickwitException(r.statusCode(), message(r.body()));
          }
          return read(r.body());
        });
  }

  /** An error answer of the search API. */
  public static final class QuickwitException extends RuntimeException {
    private final int status;

    public QuickwitException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String message(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node.has("message") ? node.get("message").asText() : body;
    } catch (IOException e) {
      return body;
    }
  }
}
