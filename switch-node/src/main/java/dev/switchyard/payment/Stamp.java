package dev.switchyard.payment;

import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.PaymentEvent;

/** What every event carries besides its body, so that mirrors and searches need no state. */
final class Stamp {

  private Stamp() {}

  /**
   * {@code body} stamped with the time, the owner, the merchant and card's BIN and last four (never more of the
   * card), the request that caused it (empty for the switch's own decisions) and the state it leaves.
   */
  static PaymentEvent event(Payment state, PaymentEvent.Builder body, String requestId, long paramsHash, long now) {
    body.setAtMillis(now).setRequestId(requestId).setParamsHash(paramsHash);
    if (state instanceof Payment.Live live) {
      Origin o = live.origin();
      body.setAcquirerId(o.acquirerId()).setMerchantId(o.merchantId())
          .setCardBin(o.card().getBin()).setCardLast4(o.card().getLast4());
    } else {
      AuthorizationRequested first = body.getAuthorizationRequested();
      body.setAcquirerId(first.getAcquirerId()).setMerchantId(first.getMerchantId())
          .setCardBin(first.getCard().getBin()).setCardLast4(first.getCard().getLast4());
    }
    if (!(state.apply(body.build()) instanceof Payment.Live after)) {
      throw new IllegalStateException("A " + Payment.kind(body.build()) + " event does not apply to payment "
          + (state instanceof Payment.Live live ? live.origin().paymentId() + " in " + live.status()
              : "not yet created"));
    }
    return body.setStateAfter(after.status()).build();
  }
}
