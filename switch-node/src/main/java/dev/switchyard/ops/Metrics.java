package dev.switchyard.ops;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.RangeSampler;
import kamon.metric.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch's Kamon metrics, exposed for Prometheus by Kamon's reporter on {@code kamon.prometheus.embedded-server}.
 * Names and tags are listed in docs/operations.md. Tags carry operation names, acquirer ids and result codes only:
 * never a card number, a secret or a payment id (unbounded cardinality).
 */
public final class Metrics {

  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  /** Time from a persist call to the journal's acknowledgement, as the entity sees it. */
  public static final Timer JOURNAL_WRITE = Kamon.timer("switch.journal.write",
      "Time from persisting an event to the journal's acknowledgement").withoutTags();

  /** Payment entities in memory on this node. */
  public static final RangeSampler PAYMENTS_ALIVE = Kamon.rangeSampler("switch.payments.alive",
      "Payment entities in memory on this node").withoutTags();

  /** Acquirer requests in flight on this node's gateway. */
  public static final RangeSampler IN_FLIGHT = Kamon.rangeSampler("switch.gateway.in-flight",
      "Acquirer requests waiting for their payment").withoutTags();

  private static volatile boolean started;

  private Metrics() {}

  /** Counters by operation, acquirer and result, and timers by operation, looked up once rather than per request. */
  private record RequestKey(String operation, String acquirer, String result) {}

  private static final ConcurrentMap<RequestKey, Counter> REQUESTS = new ConcurrentHashMap<>();
  private static final ConcurrentMap<String, Timer> LATENCY = new ConcurrentHashMap<>();

  /** One answered request: counted by operation, acquirer and result; timed by operation (gateway in → out). */
  public static void request(String operation, String acquirer, String result, long nanos) {
    REQUESTS.computeIfAbsent(new RequestKey(operation, acquirer, result), k ->
        Kamon.counter("switch.gateway.requests", "Acquirer requests answered")
            .withTag("operation", k.operation()).withTag("acquirer", k.acquirer()).withTag("result", k.result()))
        .increment();
    LATENCY.computeIfAbsent(operation, op ->
        Kamon.timer("switch.gateway.latency", "Gateway in to answer out").withTag("operation", op))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Open authenticated connections per acquirer. */
  public static RangeSampler connections(String acquirer) {
    return Kamon.rangeSampler("switch.gateway.connections", "Open authenticated acquirer connections")
        .withTag("acquirer", acquirer);
  }

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
