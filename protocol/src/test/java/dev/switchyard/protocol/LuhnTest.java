package dev.switchyard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LuhnTest {

  @Test
  void wellKnownTestCardNumbersPass() {
    assertThat(Luhn.isValid("4111111111111111")).isTrue();
    assertThat(Luhn.isValid("5555555555554444")).isTrue();
    assertThat(Luhn.isValid("378282246310005")).isTrue();
  }

  @Test
  void aSingleWrongDigitFails() {
    assertThat(Luhn.isValid("4111111111111112")).isFalse();
    assertThat(Luhn.isValid("5555555555554445")).isFalse();
  }

  @Test
  void theCheckDigitCompletesAPayload() {
    assertThat(Luhn.checkDigit("411111111111111")).isEqualTo(1);
    assertThat(Luhn.checkDigit("37828224631000")).isEqualTo(5);
  }
}
