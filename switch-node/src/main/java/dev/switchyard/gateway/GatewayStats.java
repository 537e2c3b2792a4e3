package dev.switchyard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What this node's gateway has answered since start: counts by operation and result, latency from request in
 * to answer out per operation (HdrHistogram), replays, approval rate and average approved amount of authorizations
 * per currency.
 * Thread-safe; one per actor system.
 */
public final class GatewayStats implements Extension {

  /** The operations of the acquirer protocol, as they appear in stats and metrics. */
  public enum Operation { HELLO, AUTHORIZE, INCREMENT, CAPTURE, VOID, REFUND, GET, INVALID }

  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final Instant since = Instant.now();
  private final Map<Operation, Map<ResultCode, LongAdder>> results = new EnumMap<>(Operation.class);
  private final Map<Operation, Histogram> latency = new EnumMap<>(Operation.class);
  private final Map<Operation, LongAdder> replays = new EnumMap<>(Operation.class);
  /** Approved authorizations' count and amount, per currency: amounts of different currencies never add up. */
  private final Map<String, LongAdder[]> approvedByCurrency = new ConcurrentHashMap<>();
  private final LongAdder approvedCount = new LongAdder();
  private final LongAdder declinedCount = new LongAdder();

  GatewayStats() {
    for (Operation op : Operation.values()) {
      results.put(op, new ConcurrentHashMap<>());
      latency.put(op, new ConcurrentHistogram(HIGHEST_NANOS, 3));
      replays.put(op, new LongAdder());
    }
  }

  /** The extension id: {@code GatewayStats.get(system)}. */
  public static final class Id extends ExtensionId<GatewayStats> {
    @Override
    public GatewayStats createExtension(ActorSystem<?> system) {
      return new GatewayStats();
    }
  }

  private static final Id ID = new Id();

  public static GatewayStats get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * Records one answer here and in the Kamon metrics; {@code acquirer} is empty before a successful hello. A
   * replayed answer (the recorded answer of an earlier request with the same id) is counted as an answer and a
   * replay, but not again as an approval or a decline.
   */
  public void record(Operation op, String acquirer, AcquirerResponse response, long nanos, boolean replayed) {
    ResultCode result = response.getResult();
    GatewayMetrics.request(op.name().toLowerCase(Locale.ROOT), acquirer.isEmpty() ? "unauthenticated" : acquirer,
        result.name(), nanos);
    results.get(op).computeIfAbsent(result, r -> new LongAdder()).increment();
    latency.get(op).recordValue(Math.min(Math.max(nanos, 1), HIGHEST_NANOS));
    if (replayed) {
      replays.get(op).increment();
      return;
    }
    if (op == Operation.AUTHORIZE) {
      if (result == ResultCode.APPROVED) {
        approvedCount.increment();
        LongAdder[] sums = approvedByCurrency.computeIfAbsent(response.getPayment().getCurrency(),
            c -> new LongAdder[] {new LongAdder(), new LongAdder()});
        sums[0].increment();
        sums[1].add(response.getPayment().getAuthorizedMinor());
      } else if (result.getNumber() >= 100 && result.getNumber() < 200) {
        declinedCount.increment();
      }
    }
  }

  /** The whole picture as JSON, for the operator API. */
  public ObjectNode toJson(String node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("node", node);
    root.put("since", since.toString());
    ObjectNode ops = root.putObject("operations");
    for (Operation op : Operation.values()) {
      Histogram h = latency.get(op).copy();
      if (h.getTotalCount() == 0) {
        continue;
      }
      ObjectNode o = ops.putObject(op.name().toLowerCase());
      o.put("count", h.getTotalCount());
      o.put("replays", replays.get(op).sum());
      ObjectNode byResult = o.putObject("results");
      results.get(op).forEach((code, n) -> byResult.put(code.name(), n.sum()));
      ObjectNode ms = o.putObject("latencyMs");
      ms.put("p50", millis(h.getValueAtPercentile(50)));
      ms.put("p90", millis(h.getValueAtPercentile(90)));
      ms.put("p99", millis(h.getValueAtPercentile(99)));
      ms.put("p999", millis(h.getValueAtPercentile(99.9)));
      ms.put("max", millis(h.getMaxValue()));
      ms.put("mean", Math.round(h.getMean() / 1_000.0) / 1_000.0);
    }
    ObjectNode auth = root.putObject("authorizations");
    long approved = approvedCount.sum();
    long decided = approved + declinedCount.sum();
    auth.put("approved", approved);
    auth.put("declined", declinedCount.sum());
    auth.put("approvalRate", decided == 0 ? 0.0 : (double) approved / decided);
    ObjectNode average = auth.putObject("averageApprovedAmountMinor");
    new TreeMap<>(approvedByCurrency).forEach((currency, sums) -> {
      long count = sums[0].sum();
      if (count > 0) {
        average.put(currency, sums[1].sum() / count);
      }
    });
    return root;
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
