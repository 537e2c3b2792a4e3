package dev.switchyard.payment;

import dev.switchyard.protocol.v1.Money.Builder;
import java.util.Currency;

/** An amount in minor units of an ISO 4217 currency. Never a {@code double}. */
public record Money(long minorUnits, Currency currency) {

  public Money {
    if (currency == null) {
      throw new IllegalArgumentException("currency is required");
    }
  }

  public static Money of(long minorUnits, String currencyCode) {
    return new Money(minorUnits, Currency.getInstance(currencyCode));
  }

  public dev.switchyard.protocol.v1.Money toProto() {
    Builder builder = dev.switchyard.protocol.v1.Money.newBuilder();
    return builder.setMinorUnits(minorUnits).setCurrency(currency.getCurrencyCode()).build();
  }

  public static Money fromProto(dev.switchyard.protocol.v1.Money money) {
    return of(money.getMinorUnits(), money.getCurrency());
  }

  @Override
  public String toString() {
    return minorUnits + " " + currency.getCurrencyCode();
  }
}
