package dev.switchyard.loadtest;

import dev.switchyard.protocol.v1.ResultCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a run observed: per operation a latency histogram (microseconds, from the intended send time, so
 * corrected for coordinated omission) and counts per result; per second of the run, answers and errors.
 */
public final class Stats {

  /** Operations the generator sends. */
  public enum Op { AUTHORIZE, CAPTURE, REFUND, VOID, INVALID }

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);

  private final Map<Op, Histogram> latency = new EnumMap<>(Op.class);
  private final Map<Op, Map<ResultCode, LongAdder>> results = new EnumMap<>(Op.class);
  private final LongAdder sent = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicLongArray answersPerSecond;
  private final AtomicLongArray errorsPerSecond;
  private final long startNanos;

  public Stats(long startNanos, int seconds) {
    this.startNanos = startNanos;
    this.answersPerSecond = new AtomicLongArray(seconds + 1);
    this.errorsPerSecond = new AtomicLongArray(seconds + 1);
    for (Op op : Op.values()) {
      latency.put(op, new ConcurrentHistogram(MAX_MICROS, 3));
      results.put(op, new ConcurrentHashMap<>());
    }
  }

  public void sent() {
    sent.increment();
  }

  /** Records an answer that arrived at {@code nowNanos} for a request due at {@code dueNanos}. */
  public void answered(Op op, ResultCode result, long dueNanos, long nowNanos, boolean error) {
    long micros = Math.max(1, Math.min(MAX_MICROS, (nowNanos - dueNanos) / 1_000));
    latency.get(op).recordValue(micros);
    results.get(op).computeIfAbsent(result, r -> new LongAdder()).increment();
    int second = second(nowNanos);
    answersPerSecond.incrementAndGet(second);
    if (error) {
      errorsPerSecond.incrementAndGet(second);
    }
  }

  /** A request that got no answer at all (connection lost, never answered). */
  public void failed(long nowNanos) {
    failures.increment();
    errorsPerSecond.incrementAndGet(second(nowNanos));
  }

  private int second(long nanos) {
    long s = (nanos - startNanos) / 1_000_000_000L;
    return (int) Math.max(0, Math.min(answersPerSecond.length() - 1, s));
  }

  public long sentCount() {
    return sent.sum();
  }

  public long failureCount() {
    return failures.sum();
  }

  public Histogram histogram(Op op) {
    return latency.get(op).copy();
  }

  public Map<ResultCode, Long> results(Op op) {
    Map<ResultCode, Long> out = new TreeMap<>();
    results.get(op).forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public long answeredCount() {
    long n = 0;
    for (Op op : Op.values()) {
      n += latency.get(op).getTotalCount();
    }
    return n;
  }

  public long[] answersPerSecond() {
    return toArray(answersPerSecond);
  }

  public long[] errorsPerSecond() {
    return toArray(errorsPerSecond);
  }

  private static long[] toArray(AtomicLongArray a) {
    long[] out = new long[a.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i);
    }
    return out;
  }
}
