package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CardProtectorTest {

  private final CardProtector protector = new CardProtector("a-test-key-of-enough-length");

  @Test
  void keepsOnlyBinLastFourAndAKeyedHash() {
    Card card = protector.protect("4111111111111111", 12, 2030);
    assertThat(card.bin()).isEqualTo("411111");
    assertThat(card.last4()).isEqualTo("1111");
    assertThat(card.panHash()).hasSize(64).doesNotContain("4111111111111111");
    assertThat(card.toString()).doesNotContain("4111111111111111");
  }

  @Test
  void theSamePanGivesTheSameHashOnlyUnderTheSameKey() {
    String hash = protector.hash("5555555555554444");
    assertThat(protector.hash("5555555555554444")).isEqualTo(hash);
    assertThat(new CardProtector("another-key-of-enough-length").hash("5555555555554444")).isNotEqualTo(hash);
    assertThat(protector.hash("5555555555554445")).isNotEqualTo(hash);
  }

  @Test
  void aShortOrMissingKeyIsRefusedAtStart() {
    assertThatThrownBy(() -> new CardProtector("short")).hasMessageContaining("pan-hash-key");
    assertThatThrownBy(() -> new CardProtector(null)).hasMessageContaining("pan-hash-key");
  }

  @Test
  void paymentIdsAreStablePerAcquirerAndReference() {
    String id = PaymentIds.derive("acq", "order-1");
    assertThat(PaymentIds.derive("acq", "order-1")).isEqualTo(id);
    assertThat(PaymentIds.derive("acq2", "order-1")).isNotEqualTo(id);
    assertThat(PaymentIds.derive("ac", "qorder-1")).isNotEqualTo(id);
    assertThat(PaymentIds.isWellFormed(id)).isTrue();
    assertThat(PaymentIds.isWellFormed("pay_XYZ")).isFalse();
  }
}
