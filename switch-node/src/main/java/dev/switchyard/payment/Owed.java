package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.ReversalFailed;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.Reversed;
import java.time.Duration;

/**
 * A reversal the switch owes the issuer: of an in-doubt authorization, of an increment that was not applied, or
 * the release of a voided hold. Durable (every attempt's failure is an event), retried with exponential backoff
 * until the issuer acknowledges, whatever else happens to the payment.
 */
record Owed(ReversalKind kind, long amountMinor, int attempts, long nextAttemptAtMillis, Trace original,
    int unsentAttempts) {

  static Owed first(ReversalKind kind, long amountMinor, long nextAttemptAtMillis, Trace original) {
    return new Owed(kind, amountMinor, 0, nextAttemptAtMillis, original, 0);
  }

  boolean dueAt(long now) {
    return now >= nextAttemptAtMillis;
  }

  /** The transmission the next attempt is: 1 for the first the issuer may see (0420), more for repeats (0421). */
  int nextTransmission() {
    return attempts - unsentAttempts + 1;
  }

  Owed failed(int attemptsSoFar, long nextAt, boolean notSent) {
    return new Owed(kind, amountMinor, attemptsSoFar, nextAt, original, unsentAttempts + (notSent ? 1 : 0));
  }

  /** The issuer acknowledged: nothing is owed any more. */
  PaymentEvent.Builder acknowledged() {
    return PaymentEvent.newBuilder().setReversed(Reversed.newBuilder().setAttempts(attempts + 1).setKind(kind));
  }

  /** The attempt failed (without leaving the switch when {@code notSent}): the next one after the backoff. */
  PaymentEvent.Builder failed(long now, PaymentSettings settings, boolean notSent) {
    int tried = attempts + 1;
    long pause = backoffMillis(tried, settings.reversalRetryMin(), settings.reversalRetryMax());
    return PaymentEvent.newBuilder().setReversalFailed(ReversalFailed.newBuilder()
        .setKind(kind).setAttempts(tried).setNextRetryAtMillis(now + pause).setNotSent(notSent));
  }

  /** The pause after the {@code attempts}-th failure: min, 2 min, 4 min … up to max. */
  static long backoffMillis(int attempts, Duration min, Duration max) {
    return Math.min(max.toMillis(), min.toMillis() << Math.min(Math.max(attempts - 1, 0), 20));
  }
}
