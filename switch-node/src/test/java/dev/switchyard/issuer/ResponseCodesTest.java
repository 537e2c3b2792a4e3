package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.payment.Outcome;
import org.junit.jupiter.api.Test;

/** Field 39 to the payment's outcomes: one table, and an unknown code is never an approval. */
class ResponseCodesTest {

  @Test
  void knownCodesMapBothWays() {
    for (String code : new String[] {"00", "05", "13", "51", "54", "59", "62"}) {
      assertThat(ResponseCodes.known(code)).as(code).isTrue();
      assertThat(ResponseCodes.code(ResponseCodes.outcome(code))).as(code).isEqualTo(code);
    }
    assertThat(ResponseCodes.outcome("00")).isEqualTo(Outcome.APPROVED);
    assertThat(ResponseCodes.outcome("51")).isEqualTo(Outcome.INSUFFICIENT_FUNDS);
  }

  @Test
  void anUnknownOrMissingCodeIsADeclineNeverAnApproval() {
    for (String code : new String[] {"N7", "99", "0", "", null}) {
      assertThat(ResponseCodes.known(code)).isFalse();
      assertThat(ResponseCodes.outcome(code)).as(String.valueOf(code)).isEqualTo(Outcome.DO_NOT_HONOR);
    }
  }
}
