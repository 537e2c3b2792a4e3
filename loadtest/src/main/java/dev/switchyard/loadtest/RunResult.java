package dev.switchyard.loadtest;

import dev.switchyard.protocol.v1.ResultCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The outcome of one run, with what makes it untrustworthy listed first: missing answers, errors, an offered
 * rate that was not reached. A run with problems is never reported as good. {@code cpu} is the generator's and
 * the machine's CPU over the measured window (null when no arrival was measured).
 */
public record RunResult(
    double targetRate,
    double durationSeconds,
    long planned,
    long sent,
    long answered,
    long missing,
    long failures,
    long errors,
    double achievedRate,
    double maxSendLagMs,
    Map<Stats.Op, OpResult> operations,
    long[] answersPerSecond,
    long[] errorsPerSecond,
    List<String> problems,
    CpuUse cpu) {

  /** Latency (ms) and results of one operation. */
  public record OpResult(long count, Map<ResultCode, Long> results, double p50, double p90, double p99,
      double p999, double max, double mean, List<double[]> percentileCurve) {}

  /** Whether nothing went wrong. */
  public boolean good() {
    return problems.isEmpty();
  }

  /** The worst p99 over operations that were sent, in ms. */
  public double worstP99() {
    return operations.values().stream().mapToDouble(OpResult::p99).max().orElse(0);
  }

  static RunResult of(LoadRunner.Settings settings, Stats stats, long planned, long missing, double sendSeconds,
      long maxLagNanos, CpuUse cpu) {
    Map<Stats.Op, OpResult> ops = new EnumMap<>(Stats.Op.class);
    long errors = 0;
    for (Stats.Op op : Stats.Op.values()) {
      Histogram h = stats.histogram(op);
      if (h.getTotalCount() == 0) {
        continue;
      }
      Map<ResultCode, Long> results = stats.results(op);
      ResultCode expected = op == Stats.Op.INVALID ? ResultCode.INVALID_REQUEST : ResultCode.APPROVED;
      for (var e : results.entrySet()) {
        if (e.getKey() != expected) {
          errors += e.getValue();
        }
      }
      ops.put(op, new OpResult(h.getTotalCount(), results, ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
          ms(h.getMaxValue()), Math.round(h.getMean()) / 1000.0, curve(h)));
    }
    long sent = stats.sentCount();
    double achieved = sendSeconds <= 0 ? 0 : Math.min(settings.rate(), (planned - 1) / sendSeconds);
    List<String> problems = new ArrayList<>();
    if (missing > 0) {
      problems.add(missing + " requests got no answer within the drain timeout");
    }
    if (stats.failureCount() > 0) {
      problems.add(stats.failureCount() + " requests failed without an answer (connection lost)");
    }
    if (errors > 0) {
      problems.add(errors + " answers were errors (anything but the expected result)");
    }
    if (achieved < settings.rate() * 0.95) {
      problems.add(String.format("offered rate not reached: %.0f/s of %.0f/s", achieved, settings.rate()));
    }
    if (maxLagNanos > 1_000_000_000L) {
      problems.add(String.format("the generator fell behind its schedule by up to %.0f ms", maxLagNanos / 1e6));
    }
    return new RunResult(settings.rate(), settings.duration().toMillis() / 1000.0, planned, sent,
        stats.answeredCount(), missing, stats.failureCount(), errors, achieved, maxLagNanos / 1e6, ops,
        stats.answersPerSecond(), stats.errorsPerSecond(), List.copyOf(problems), cpu);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /** (percentile, latency ms) points for the percentile plot. */
  private static List<double[]> curve(Histogram h) {
    List<double[]> points = new ArrayList<>();
    for (HistogramIterationValue v : h.percentiles(5)) {
      points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1000.0});
      if (v.getPercentileLevelIteratedTo() >= 99.999) {
        break;
      }
    }
    return points;
  }
}
