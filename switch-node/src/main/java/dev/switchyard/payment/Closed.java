package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;

/**
 * Terminal: DECLINED, VOIDED or EXPIRED, with nothing captured. Refuses every request; moves no money. A reversal
 * it still owes the issuer (a voided hold's release, an increment withdrawn before expiry) goes on until
 * acknowledged.
 */
record Closed(Core core, Amounts amounts, Hold hold, PaymentState status, Owed owed) implements Payment.Live {

  @Override
  public Closed withCore(Core next) {
    return new Closed(next, amounts, hold, status, owed);
  }

  @Override
  public Payment.Live next(PaymentEvent event) {
    return Payment.Live.reversalEvent(event) && owed != null
        ? new Closed(core, amounts, hold, status, owedAfter(event)) : null;
  }

  /** The answer to any request. */
  Decision.Refusal refusal() {
    return new Decision.Refusal(Outcome.INVALID_STATE, "payment_id",
        "the payment is " + status + ": nothing more can happen to it");
  }
}
