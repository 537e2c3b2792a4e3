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

  static Reply referenceTaken(PaymentView payment) {
    return of(Outcome.IDEMPOTENCY_CONFLICT, "authorize.acquirer_reference",
        "this acquirer_reference was already used by another request", payment);
  }

  static Reply requestIdTaken(String requestId, PaymentView payment) {
    return of(Outcome.IDEMPOTENCY_CONFLICT, "request_id",
        "request_id " + requestId + " was already used with different parameters", payment);
  }

  static Reply unreadable() {
    return of(Outcome.UNREADABLE, "payment_id",
        "this node cannot read the payment's journal (an event of a newer version?); retry later", null);
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
