package dev.switchyard.payment;

import java.util.Currency;

/** A payment's money, all in its currency: authorized A, captured C, refunded R, charged back D. */
record Amounts(Currency currency, long authorized, long captured, long refunded, long chargedBack) {

  static Amounts of(Money authorized) {
    return new Amounts(authorized.currency(), authorized.minorUnits(), 0, 0, 0);
  }

  private Amounts plus(long a, long c, long r, long d) {
    return new Amounts(currency, authorized + a, captured + c, refunded + r, chargedBack + d);
  }

  Amounts authorizedMore(long amount) {
    return plus(amount, 0, 0, 0);
  }

  Amounts captured(long amount) {
    return plus(0, amount, 0, 0);
  }

  Amounts refunded(long amount) {
    return plus(0, 0, amount, 0);
  }

  Amounts chargedBack(long amount) {
    return plus(0, 0, 0, amount);
  }

  /** What is authorized and not captured: A − C. */
  long uncaptured() {
    return authorized - captured;
  }

  /** What a new dispute may withdraw: C − R − D. */
  long disputable() {
    return captured - refunded - chargedBack;
  }

  Money money(long minorUnits) {
    return new Money(minorUnits, currency);
  }
}
