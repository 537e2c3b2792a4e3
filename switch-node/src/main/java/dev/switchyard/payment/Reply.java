package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentView;

/**
 * The payment's answer to one command: the outcome, for refusals the field at fault and why (from a fixed
 * vocabulary, never an exception's text), the payment as it then was (null when there is none for the caller),
 * and whether it is the recorded answer of an earlier request with the same id.
 */
public record Reply(Outcome outcome, String field, String reason, PaymentView payment, boolean replayed) {

  public static Reply of(Outcome outcome, String field, String reason, PaymentView payment) {
    return new Reply(outcome, field, reason, payment, false);
  }

  static Reply approved(PaymentView payment) {
    return of(Outcome.APPROVED, "", "", payment);
  }

  public static Reply notFound() {
    return of(Outcome.NOT_FOUND, "payment_id", "no such payment for this acquirer", null);
  }

  /** The same answer, given again to a retry. */
  Reply asReplay() {
    return new Reply(outcome, field, reason, payment, true);
  }

  /** The answer as first given, for comparing a replay with its original. */
  public Reply original() {
    return replayed ? new Reply(outcome, field, reason, payment, false) : this;
  }
}
