package dev.switchyard.loadtest;

import java.util.concurrent.locks.LockSupport;

/** Time for the generator: the real monotonic clock in runs, a hand-moved one in tests. */
public interface NanoClock {

  long nanoTime();

  /** Returns once {@link #nanoTime()} has reached {@code deadline}. */
  void sleepUntil(long deadline);

  NanoClock SYSTEM = new NanoClock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadline) {
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(Math.min(left, 1_000_000L));
      }
    }
  };
}
