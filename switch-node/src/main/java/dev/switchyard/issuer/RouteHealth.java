package dev.switchyard.issuer;

import com.typesafe.config.Config;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's health on this node: its circuit breaker (resilience4j; a call that times out or loses its link
 * counts as failed, any answer, a decline too, as a success), the latency of its answered authorizations since
 * start (HdrHistogram), and what was decided without the issuer. Thread-safe.
 */
public final class RouteHealth {

  private static final Logger log = LoggerFactory.getLogger(RouteHealth.class);
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(2);

  /** {@code switch.issuer.breaker}. */
  public record Settings(float failureRate, int window, int minimumCalls, Duration openFor, int halfOpenCalls,
      Duration slowCall, float slowCallRate) {

    public static Settings create(Config breaker) {
      return new Settings((float) breaker.getDouble("failure-rate"), breaker.getInt("window"),
          breaker.getInt("minimum-calls"), breaker.getDuration("open-for"), breaker.getInt("half-open-calls"),
          breaker.getDuration("slow-call"), (float) breaker.getDouble("slow-call-rate"));
    }
  }

  /** What {@code GET /issuers} and the metrics show of a route's health. */
  public record View(String breakerState, float windowFailureRate, float windowSlowCallRate, int windowCalls,
      long answered, long failed, long notPermitted, double successRate, double p50Millis, double p90Millis,
      double p99Millis, double maxMillis, long standInApproved, long standInDeclined, long declinedUnreachable) {}

  private final CircuitBreaker breaker;
  private final Histogram latency = new ConcurrentHistogram(HIGHEST_NANOS, 3);
  private final LongAdder answered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder standInApproved = new LongAdder();
  private final LongAdder standInDeclined = new LongAdder();
  private final LongAdder declinedUnreachable = new LongAdder();
  private final kamon.metric.Counter kamonAnswered;
  private final kamon.metric.Counter kamonFailed;
  private final kamon.metric.Counter kamonStandInApproved;
  private final kamon.metric.Counter kamonStandInDeclined;
  private final kamon.metric.Counter kamonDeclinedUnreachable;
  private final kamon.metric.Timer kamonLatency;

  public RouteHealth(String route, Settings s) {
    this.breaker = CircuitBreaker.of(route, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(s.window())
        .minimumNumberOfCalls(s.minimumCalls())
        .failureRateThreshold(s.failureRate())
        .slowCallDurationThreshold(s.slowCall())
        .slowCallRateThreshold(s.slowCallRate())
        .waitDurationInOpenState(s.openFor())
        .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
        .build());
    kamon.metric.Metric.Counter requests = kamon.Kamon.counter("switch.issuer.requests",
        "Authorizations and increments per route, by what became of them");
    kamonAnswered = requests.withTag("route", route).withTag("result", "answered");
    kamonFailed = requests.withTag("route", route).withTag("result", "no-answer");
    kamonStandInApproved = requests.withTag("route", route).withTag("result", "stand-in-approved");
    kamonStandInDeclined = requests.withTag("route", route).withTag("result", "stand-in-declined");
    kamonDeclinedUnreachable = requests.withTag("route", route).withTag("result", "declined-unreachable");
    kamonLatency = kamon.Kamon.timer("switch.issuer.latency", "Time from request sent to the issuer's answer")
        .withTag("route", route);
    breaker.getEventPublisher().onStateTransition(e ->
        log.warn("Issuer route {}: circuit breaker {}", route, e.getStateTransition()));
  }

  /** Whether the breaker lets a call through now; if so, exactly one of the methods below must follow. */
  boolean permit() {
    return breaker.tryAcquirePermission();
  }

  /** The permitted call was not made (nothing was sent). */
  void notSent() {
    breaker.releasePermission();
  }

  /** The issuer answered after {@code nanos}. */
  void answered(long nanos) {
    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    answered.increment();
    kamonAnswered.increment();
    kamonLatency.record(nanos);
    latency.recordValue(Math.min(Math.max(nanos, 1), HIGHEST_NANOS));
  }

  /** No answer: timed out, or the link failed after the request was written. */
  void failed(long nanos, Throwable why) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, why);
    failed.increment();
    kamonFailed.increment();
  }

  void standIn(boolean approved) {
    (approved ? standInApproved : standInDeclined).increment();
    (approved ? kamonStandInApproved : kamonStandInDeclined).increment();
  }

  void declinedUnreachable() {
    declinedUnreachable.increment();
    kamonDeclinedUnreachable.increment();
  }

  /** CLOSED, OPEN, HALF_OPEN (or another resilience4j state, should one be forced). */
  public String breakerState() {
    return breaker.getState().name();
  }

  /** The breaker state as a number for a gauge: 0 closed, 1 half open, 2 open. */
  public int breakerLevel() {
    return switch (breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case HALF_OPEN -> 1;
      default -> 2;
    };
  }

  public View view() {
    CircuitBreaker.Metrics m = breaker.getMetrics();
    long ok = answered.sum();
    long bad = failed.sum();
    return new View(breakerState(), m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls(), ok, bad,
        m.getNumberOfNotPermittedCalls(), ok + bad == 0 ? 1.0 : (double) ok / (ok + bad),
        millis(latency.getValueAtPercentile(50)), millis(latency.getValueAtPercentile(90)),
        millis(latency.getValueAtPercentile(99)), millis(latency.getMaxValue()), standInApproved.sum(),
        standInDeclined.sum(), declinedUnreachable.sum());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
