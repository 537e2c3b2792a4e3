package dev.switchyard.loadtest;

/** A clock that moves only when told to, or when someone sleeps on it. */
final class FakeClock implements NanoClock {
  long now = 1_000_000_000L;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void sleepUntil(long deadline) {
    now = Math.max(now, deadline);
  }
}
