package dev.switchyard.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.RangeSampler;
import kamon.metric.Timer;

/**
 * The gateway's Kamon metrics (names and tags in docs/operations.md). Tags carry operation names, acquirer ids
 * and result codes only: never a card number, a secret or a payment id (unbounded cardinality).
 */
final class GatewayMetrics {

  /** Acquirer requests in flight on this node's gateway. */
  static final RangeSampler IN_FLIGHT = Kamon.rangeSampler("switch.gateway.in-flight",
      "Acquirer requests waiting for their payment").withoutTags();

  /** Connections whose reading is paused because their answers are not being read. */
  static final RangeSampler PAUSED = Kamon.rangeSampler("switch.gateway.paused-connections",
      "Connections not read while their outbound buffer is above the high watermark").withoutTags();

  private record RequestKey(String operation, String acquirer, String result) {}

  // Looked up once per key rather than per request.
  private static final ConcurrentMap<RequestKey, Counter> REQUESTS = new ConcurrentHashMap<>();
  private static final ConcurrentMap<String, Timer> LATENCY = new ConcurrentHashMap<>();

  private GatewayMetrics() {}

  /** One answered request: counted by operation, acquirer and result; timed by operation (gateway in → out). */
  static void request(String operation, String acquirer, String result, long nanos) {
    REQUESTS.computeIfAbsent(new RequestKey(operation, acquirer, result), k ->
        Kamon.counter("switch.gateway.requests", "Acquirer requests answered")
            .withTag("operation", k.operation()).withTag("acquirer", k.acquirer()).withTag("result", k.result()))
        .increment();
    LATENCY.computeIfAbsent(operation, op ->
        Kamon.timer("switch.gateway.latency", "Gateway in to answer out").withTag("operation", op))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Open authenticated connections per acquirer. */
  static RangeSampler connections(String acquirer) {
    return Kamon.rangeSampler("switch.gateway.connections", "Open authenticated acquirer connections")
        .withTag("acquirer", acquirer);
  }
}
