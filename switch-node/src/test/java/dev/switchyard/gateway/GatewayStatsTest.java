package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.gateway.GatewayStats.Operation;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.PaymentView;
import dev.switchyard.protocol.v1.ResultCode;
import org.junit.jupiter.api.Test;

/** Hole 9: /stats averages approved amounts per currency and counts a replayed answer once. */
class GatewayStatsTest {

  private static AcquirerResponse approved(long amount, String currency) {
    return AcquirerResponse.newBuilder().setResult(ResultCode.APPROVED)
        .setPayment(PaymentView.newBuilder().setAuthorizedMinor(amount).setCurrency(currency)).build();
  }

  @Test
  void approvedAmountsAreAveragedPerCurrencyAndReplaysAreNotCountedAgain() {
    GatewayStats stats = new GatewayStats();
    stats.record(Operation.AUTHORIZE, "a", approved(1_000, "EUR"), 1_000, false);
    stats.record(Operation.AUTHORIZE, "a", approved(3_000, "EUR"), 1_000, false);
    stats.record(Operation.AUTHORIZE, "a", approved(500_000, "JPY"), 1_000, false);
    // The same request again: the recorded answer, not a new approval.
    stats.record(Operation.AUTHORIZE, "a", approved(3_000, "EUR"), 1_000, true);
    stats.record(Operation.AUTHORIZE, "a", AcquirerResponse.newBuilder().setResult(ResultCode.DO_NOT_HONOR).build(),
        1_000, false);
    ObjectNode json = stats.toJson("n");
    assertThat(json.at("/authorizations/averageApprovedAmountMinor/EUR").asLong()).isEqualTo(2_000);
    assertThat(json.at("/authorizations/averageApprovedAmountMinor/JPY").asLong()).isEqualTo(500_000);
    assertThat(json.at("/authorizations/approved").asLong()).isEqualTo(3);
    assertThat(json.at("/authorizations/approvalRate").asDouble()).isEqualTo(0.75);
    assertThat(json.at("/operations/authorize/count").asLong()).as("every answer is counted").isEqualTo(5);
    assertThat(json.at("/operations/authorize/replays").asLong()).isEqualTo(1);
  }
}
