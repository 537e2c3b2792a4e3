package dev.switchyard.ops;

import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops Kamon's reporters: the switch's metrics (gateway, payments, mirrors; names and tags in
 * docs/operations.md) exposed for Prometheus on {@code kamon.prometheus.embedded-server}.
 */
public final class Metrics {

  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  private static volatile boolean started;

  private Metrics() {}

  /** Starts Kamon's reporters (the Prometheus endpoint) when {@code switch.metrics.enabled}. */
  public static synchronized void start(Config config) {
    if (started || !config.getBoolean("switch.metrics.enabled")) {
      return;
    }
    Kamon.init(config);
    started = true;
    log.info("Prometheus metrics on http://{}:{}/metrics",
        config.getString("kamon.prometheus.embedded-server.hostname"),
        config.getInt("kamon.prometheus.embedded-server.port"));
  }

  /** Stops the reporters (and frees the Prometheus port). */
  public static synchronized void stop() {
    if (started) {
      try {
        Kamon.stop().ready(scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS), null);
      } catch (Exception e) {
        log.warn("Kamon did not stop cleanly: {}", e.toString());
      }
      started = false;
    }
  }
}
