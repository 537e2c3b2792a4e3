package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import java.util.Currency;

/** What a phase's rule decided about a command: an event to persist, or a refusal that moves nothing. */
sealed interface Decision permits Decision.Accept, Decision.Refusal {

  /** The command is allowed; {@code event} records it. */
  record Accept(PaymentEvent.Builder event) implements Decision {}

  /** The command is refused: the outcome, the field at fault and why. */
  record Refusal(Outcome outcome, String field, String reason) implements Decision {}

  static Accept accept(PaymentEvent.Builder event) {
    return new Accept(event);
  }

  static Refusal invalidState(String operation, PaymentState status) {
    return new Refusal(Outcome.INVALID_STATE, "payment_id",
        operation + " is not allowed while the payment is " + status);
  }

  static Refusal exceeds(String field, String what, long available, Currency currency) {
    return new Refusal(Outcome.AMOUNT_EXCEEDS_AVAILABLE, field,
        "exceeds the " + what + " amount of " + available + " " + currency.getCurrencyCode());
  }

  /** An amount must be given and positive; null when it is. */
  static Refusal positive(String field, Money amount) {
    if (amount == null) {
      return new Refusal(Outcome.INVALID_REQUEST, field, "is required");
    }
    if (amount.minorUnits() <= 0) {
      return new Refusal(Outcome.INVALID_REQUEST, field + ".minor_units", "must be greater than zero");
    }
    return null;
  }

  /** An amount must be positive and in the payment's currency; null when it is. */
  static Refusal amountIn(Currency currency, String field, Money amount) {
    Refusal invalid = positive(field, amount);
    if (invalid != null) {
      return invalid;
    }
    if (!amount.currency().equals(currency)) {
      return new Refusal(Outcome.CURRENCY_MISMATCH, field + ".currency",
          "the payment is in " + currency.getCurrencyCode() + ", not " + amount.currency().getCurrencyCode());
    }
    return null;
  }
}
