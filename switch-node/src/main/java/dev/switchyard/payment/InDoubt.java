package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ReversalKind;

/**
 * No issuer decision in time: the outcome is unknown, so the switch reverses the authorization until the issuer
 * acknowledges. Never reported as approved; every request is refused meanwhile.
 */
record InDoubt(Core core, Amounts amounts, Owed reversal) implements Payment.Live {

  @Override
  public PaymentState status() {
    return PaymentState.IN_DOUBT;
  }

  @Override
  public Owed owed() {
    return reversal;
  }

  @Override
  public InDoubt withCore(Core next) {
    return new InDoubt(next, amounts, reversal);
  }

  @Override
  public Payment.Live next(PaymentEvent event) {
    if (event.hasReversed() && event.getReversed().getKind() == ReversalKind.REVERSAL_OF_AUTHORIZATION) {
      return new Closed(core, amounts, Hold.NONE, PaymentState.VOIDED, null);
    }
    return event.hasReversalFailed() ? new InDoubt(core, amounts, owedAfter(event)) : null;
  }
}
