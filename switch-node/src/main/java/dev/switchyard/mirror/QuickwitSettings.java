package dev.switchyard.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code switch.quickwit}: where Quickwit is, the event mirror, the log shipping and the operator search. */
public record QuickwitSettings(
    String url, Duration requestTimeout, Mirror mirror, Logs logs, int searchMaxLimit) {

  /** {@code switch.quickwit.mirror}. */
  public record Mirror(boolean enabled, JsonNode indexConfig, int batchSize, Duration linger, int maxBatchBytes,
      String commit, int retryAttempts, Duration retryMinBackoff, Duration retryMaxBackoff, Duration lagInterval) {
    public String indexId() {
      return indexConfig.path("index_id").asText();
    }
  }

  /** {@code switch.quickwit.logs}. */
  public record Logs(boolean enabled, JsonNode indexConfig, int batchSize, Duration linger, int queueSize) {
    public String indexId() {
      return indexConfig.path("index_id").asText();
    }
  }

  public boolean configured() {
    return !url.isBlank();
  }

  public static QuickwitSettings create(Config config) {
    Config c = config.getConfig("switch.quickwit");
    Config m = c.getConfig("mirror");
    Config l = c.getConfig("logs");
    return new QuickwitSettings(
        c.getString("url"),
        c.getDuration("request-timeout"),
        new Mirror(m.getBoolean("enabled"), indexConfig(m.getString("index-config")), m.getInt("batch-size"),
            m.getDuration("linger"), (int) Math.min(Integer.MAX_VALUE, m.getBytes("max-batch-bytes")),
            m.getString("commit"), m.getInt("retry-attempts"), m.getDuration("retry-min-backoff"),
            m.getDuration("retry-max-backoff"), m.getDuration("lag-interval")),
        new Logs(l.getBoolean("enabled"), indexConfig(l.getString("index-config")), l.getInt("batch-size"),
            l.getDuration("linger"), l.getInt("queue-size")),
        c.getInt("search.max-limit"));
  }

  /** An index configuration: a file when the path exists, otherwise a classpath resource. */
  static JsonNode indexConfig(String location) {
    ObjectMapper json = new ObjectMapper();
    try {
      Path file = Path.of(location);
      if (Files.isRegularFile(file)) {
        return json.readTree(file.toFile());
      }
      try (InputStream in = QuickwitSettings.class.getClassLoader().getResourceAsStream(location)) {
        if (in == null) {
          throw new IllegalArgumentException("No Quickwit index configuration at " + location);
        }
        return json.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Quickwit index configuration " + location + ": " + e.getMessage(), e);
    }
  }
}
