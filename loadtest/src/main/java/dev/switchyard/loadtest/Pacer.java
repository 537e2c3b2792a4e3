package dev.switchyard.loadtest;

/**
 * Open-loop pacing: arrival {@code i} is due at {@code start + i / rate}, whatever happened to earlier ones. A
 * slow switch therefore shows up as latency (measured from the due time), never as a lower offered load; if
 * the generator itself falls behind, it sends late arrivals at once and they carry their lateness as latency.
 */
public final class Pacer {

  private final long startNanos;
  private final double intervalNanos;
  private long next;

  public Pacer(long startNanos, double ratePerSecond) {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    this.startNanos = startNanos;
    this.intervalNanos = 1_000_000_000.0 / ratePerSecond;
  }

  /** When arrival {@code i} (from 0) is due. */
  public long dueNanos(long i) {
    return startNanos + Math.round(i * intervalNanos);
  }

  /** The due time of the next arrival, advancing the pacer. */
  public long nextDue() {
    return dueNanos(next++);
  }

  /** How many arrivals are due in {@code [start, start + duration)}. */
  public long arrivalsWithin(long durationNanos) {
    return (long) Math.ceil(durationNanos / intervalNanos);
  }
}
