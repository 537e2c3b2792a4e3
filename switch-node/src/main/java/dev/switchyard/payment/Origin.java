package dev.switchyard.payment;

import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.CardFingerprint;
import dev.switchyard.protocol.v1.PaymentEvent;

/**
 * Who created a payment, for whom, with which card and by which request, and how its authorization request to the
 * issuer was identified, and what the acquirer said of the presentment: fixed for the payment's life.
 */
record Origin(
    String paymentId, String acquirerId, String reference, String merchantId, CardFingerprint card,
    String requestId, long paramsHash, Trace trace, Presentment presentment) {

  static Origin of(PaymentEvent first) {
    AuthorizationRequested r = first.getAuthorizationRequested();
    return new Origin(r.getPaymentId(), r.getAcquirerId(), r.getAcquirerReference(), r.getMerchantId(), r.getCard(),
        first.getRequestId(), first.getParamsHash(), r.hasIssuer() ? Trace.fromProto(r.getIssuer()) : Trace.NONE,
        Presentment.of(r));
  }

  Card cardData() {
    return new Card(card.getBin(), card.getLast4(), card.getPanHash(), card.getExpiryMonth(), card.getExpiryYear(),
        card.getPanHashKeyId());
  }
}
