package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;

/**
 * Capturing is over (a final capture, C = A, or expiry released the rest): CAPTURED, or REFUNDED once R = C.
 * Takes refunds and disputes of what is captured.
 */
record Settled(Core core, Amounts amounts, Hold hold, Disputes disputes, Owed owed) implements Funded {

  @Override
  public PaymentState status() {
    return amounts.refunded() == amounts.captured() ? PaymentState.REFUNDED : PaymentState.CAPTURED;
  }

  @Override
  public Settled withCore(Core next) {
    return new Settled(next, amounts, hold, disputes, owed);
  }

  @Override
  public Settled withMoney(Amounts nextAmounts, Disputes nextDisputes) {
    return new Settled(core, nextAmounts, hold, nextDisputes, owed);
  }

  @Override
  public Payment.Live next(PaymentEvent event) {
    if (Payment.Live.reversalEvent(event)) {
      return owed == null ? null : new Settled(core, amounts, hold, disputes, owedAfter(event));
    }
    return moneyAfter(event);
  }
}
