package dev.switchyard.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TagSlicesTest {

  private final TagSlices slices = new TagSlices("payment", 8);

  @Test
  void aPaymentAlwaysLandsInTheSameSlice() {
    // Fixed expectation: the slice function must never change, or mirrors would lose track of payments.
    assertThat(slices.tagFor("pay_0123456789abcdef0123456789abcdef")).isEqualTo("payment-" + slices.sliceOf(
        "pay_0123456789abcdef0123456789abcdef"));
    assertThat(slices.sliceOf("pay_0123456789abcdef0123456789abcdef")).isEqualTo(7);
  }

  @Test
  void paymentsSpreadOverAllSlices() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      seen.add(slices.sliceOf("pay_" + i));
    }
    assertThat(seen).hasSize(8);
    assertThat(slices.allTags()).containsExactly(
        "payment-0", "payment-1", "payment-2", "payment-3", "payment-4", "payment-5", "payment-6", "payment-7");
  }

  @Test
  void aSliceCountOutOfRangeIsRefused() {
    assertThatThrownBy(() -> new TagSlices("payment", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
