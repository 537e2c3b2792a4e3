package dev.switchyard.risk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskDecision;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Timer;

/**
 * This node's risk decisions since start, by decision and by reason (for {@code GET /stats}), and the same in
 * Kamon (names in docs/operations.md). Tags carry decisions, rule ids and counter names only.
 */
final class RiskStats {

  private final ConcurrentMap<RiskDecision, LongAdder> decisions = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> reasons = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> unavailable = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> decisionCounters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> reasonCounters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> unavailableCounters = new ConcurrentHashMap<>();
  private final Timer time = Kamon.timer("switch.risk.decision-time",
      "Time of a risk decision, velocity counters included").withoutTags();

  void record(RiskAssessed d) {
    String decision = name(d.getDecision());
    decisions.computeIfAbsent(d.getDecision(), k -> new LongAdder()).increment();
    decisionCounters.computeIfAbsent(decision, k -> Kamon.counter("switch.risk.decisions",
        "Risk decisions by decision").withTag("decision", k)).increment();
    for (String reason : d.getReasonsList()) {
      reasons.computeIfAbsent(reason + "|" + decision, k -> new LongAdder()).increment();
      reasonCounters.computeIfAbsent(reason + "|" + decision, k -> Kamon.counter("switch.risk.reasons",
          "Triggered risk rules by rule and decision").withTag("reason", reason).withTag("decision", decision))
          .increment();
    }
    for (String counter : d.getUnavailableList()) {
      unavailable.computeIfAbsent(counter, k -> new LongAdder()).increment();
      unavailableCounters.computeIfAbsent(counter, k -> Kamon.counter("switch.risk.velocity-unavailable",
          "Risk decisions made without a velocity counter that did not answer in time").withTag("counter", k))
          .increment();
    }
    time.record(d.getDurationMicros(), TimeUnit.MICROSECONDS);
  }

  /** "approve", "review", "decline". */
  static String name(RiskDecision d) {
    return d.name().substring("RISK_".length()).toLowerCase();
  }

  ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (RiskDecision d : new RiskDecision[] {RiskDecision.RISK_APPROVE, RiskDecision.RISK_REVIEW,
        RiskDecision.RISK_DECLINE}) {
      LongAdder n = decisions.get(d);
      root.put(name(d), n == null ? 0 : n.sum());
    }
    ObjectNode byReason = root.putObject("byReason");
    Map<String, LongAdder> sorted = new TreeMap<>(reasons);
    sorted.forEach((key, n) -> {
      String[] parts = key.split("\\|", 2);
      ObjectNode reason = byReason.has(parts[0]) ? (ObjectNode) byReason.get(parts[0]) : byReason.putObject(parts[0]);
      reason.put(parts[1], n.sum());
    });
    ObjectNode missing = root.putObject("velocityUnavailable");
    new TreeMap<>(unavailable).forEach((k, n) -> missing.put(k, n.sum()));
    return root;
  }
}
