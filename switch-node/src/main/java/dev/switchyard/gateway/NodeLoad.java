package dev.switchyard.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The node's requests in flight over all connections, and whether it is draining; shared by every connection. */
final class NodeLoad {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  /** Takes one slot if fewer than {@code limit} are taken. */
  boolean tryAdmit(int limit) {
    while (true) {
      int now = inFlight.get();
      if (now >= limit) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Frees one slot. */
  void done() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  boolean draining() {
    return draining;
  }

  /** Takes no new work from now on; the returned future completes once nothing is in flight. */
  CompletableFuture<Void> drain() {
    draining = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }
}
