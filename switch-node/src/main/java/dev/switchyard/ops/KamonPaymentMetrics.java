package dev.switchyard.ops;

import dev.switchyard.payment.PaymentMetrics;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.RangeSampler;
import kamon.metric.Timer;

/** The payments' metrics in Kamon (names in docs/operations.md). */
public final class KamonPaymentMetrics implements PaymentMetrics {

  private final Timer journalWrite = Kamon.timer("switch.journal.write",
      "Time from persisting an event to the journal's acknowledgement").withoutTags();
  private final RangeSampler alive = Kamon.rangeSampler("switch.payments.alive",
      "Payment entities in memory on this node").withoutTags();
  private final Counter unreadable = Kamon.counter("switch.payments.unreadable",
      "Payments recovered with an event this node cannot read; they refuse every command").withoutTags();

  @Override
  public void journalWrite(long nanos) {
    journalWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void alive(int delta) {
    if (delta > 0) {
      alive.increment(delta);
    } else {
      alive.decrement(-delta);
    }
  }

  @Override
  public void unreadable() {
    unreadable.increment();
  }
}
