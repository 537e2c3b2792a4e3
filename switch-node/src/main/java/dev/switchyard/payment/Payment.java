package dev.switchyard.payment;

import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.CardFingerprint;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentSnapshot;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.PaymentView;
import dev.switchyard.protocol.v1.RequestRecord;
import dev.switchyard.protocol.v1.ResultCode;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;

/**
 * One payment's state and the arithmetic of its transitions. Immutable: {@link #apply} returns a new value.
 * Amounts: authorized A, captured C, refunded R, charged back D (disputes lost), all in {@link #currency}.
 */
public record Payment(
    String paymentId,
    String acquirerId,
    String reference,
    String merchantId,
    Currency currency,
    CardFingerprint card,
    PaymentState status,
    long authorized,
    long captured,
    long refunded,
    long chargedBack,
    boolean finalCaptured,
    String authCode,
    long expiresAtMillis,
    long issuerDeadlineMillis,
    long nextRetryAtMillis,
    Dispute dispute,
    long version,
    String creatingRequestId,
    long creatingParamsHash,
    Map<String, RequestRecord> requests)
    implements PaymentEntity.State {

  /** The payment as created by its first event. */
  static Payment start(PaymentEvent event) {
    AuthorizationRequested r = event.getAuthorizationRequested();
    return new Payment(
        r.getPaymentId(),
        r.getAcquirerId(),
        r.getAcquirerReference(),
        r.getMerchantId(),
        Currency.getInstance(r.getAmount().getCurrency()),
        r.getCard(),
        PaymentState.AUTHORIZING,
        r.getAmount().getMinorUnits(),
        0,
        0,
        0,
        false,
        "",
        0,
        r.getIssuerDeadlineMillis(),
        0,
        null,
        1,
        event.getRequestId(),
        event.getParamsHash(),
        Map.of());
  }

  @Override
  public Payment apply(PaymentEvent event) {
    Payment next =
        switch (event.getBodyCase()) {
          case AUTHORIZED -> with(PaymentState.AUTHORIZED)
              .withAuth(event.getAuthorized().getAuthCode(), event.getAuthorized().getExpiresAtMillis());
          case DECLINED -> with(PaymentState.DECLINED);
          case IN_DOUBT -> with(PaymentState.IN_DOUBT).withRetryAt(event.getInDoubt().getNextRetryAtMillis());
          case REVERSED -> with(PaymentState.VOIDED).withRetryAt(0);
          case INCREMENTED -> withAmounts(
                  authorized + event.getIncremented().getAmount().getMinorUnits(), captured, refunded, chargedBack)
              .withAuth(authCode, event.getIncremented().getExpiresAtMillis());
          case CAPTURED -> captured(event.getCaptured().getAmount().getMinorUnits(), event.getCaptured().getFinal());
          case VOIDED -> with(PaymentState.VOIDED);
          case REFUNDED -> refunded(event.getRefunded().getAmount().getMinorUnits());
          case EXPIRED -> captured == 0 ? with(PaymentState.EXPIRED) : closedCapturing();
          case DISPUTE_OPENED -> withDispute(
              new Dispute(
                  event.getDisputeOpened().getDisputeId(),
                  DisputeState.NEEDS_RESPONSE,
                  event.getDisputeOpened().getAmount().getMinorUnits(),
                  event.getDisputeOpened().getReasonCode(),
                  event.getDisputeOpened().getRespondByMillis(),
                  1));
          case DISPUTE_EVIDENCE_SUBMITTED -> withDispute(dispute.withState(DisputeState.UNDER_REVIEW));
          case DISPUTE_CLOSED -> event.getDisputeClosed().getOutcome() == DisputeState.LOST
              ? withAmounts(authorized, captured, refunded, chargedBack + dispute.amount())
                  .withDispute(dispute.withState(DisputeState.LOST))
              : withDispute(dispute.withState(DisputeState.WON));
          case DISPUTE_REOPENED -> withDispute(
              dispute.reopened(
                  event.getDisputeReopened().getReasonCode(), event.getDisputeReopened().getRespondByMillis()));
          case AUTHORIZATION_REQUESTED, BODY_NOT_SET -> throw new IllegalStateException(
              "Event " + event.getBodyCase() + " cannot apply to existing payment " + paymentId);
        };
    Payment versioned = next.withVersion(version + 1);
    return versioned.recordAnswer(event);
  }

  // --- what is available -------------------------------------------------------------------------------

  /** A − C while capturing is still possible, else 0. */
  public long capturable() {
    boolean open = status == PaymentState.AUTHORIZED || status == PaymentState.PARTIALLY_CAPTURED;
    return open && !finalCaptured ? authorized - captured : 0;
  }

  /** What may still be refunded: C − R − D − the open dispute's amount. */
  public long refundable() {
    return captured - refunded - chargedBack - openDisputeAmount();
  }

  /** What a new dispute may withdraw: C − R − D. */
  public long disputable() {
    return captured - refunded - chargedBack;
  }

  public long openDisputeAmount() {
    return dispute != null && dispute.isOpen() ? dispute.amount() : 0;
  }

  public boolean isTerminal() {
    return status == PaymentState.DECLINED || status == PaymentState.VOIDED || status == PaymentState.EXPIRED;
  }

  // --- answers ----------------------------------------------------------------------------------------

  public PaymentView view() {
    PaymentView.Builder b =
        PaymentView.newBuilder()
            .setPaymentId(paymentId)
            .setState(status)
            .setAcquirerId(acquirerId)
            .setAcquirerReference(reference)
            .setMerchantId(merchantId)
            .setCurrency(currency.getCurrencyCode())
            .setAuthorizedMinor(authorized)
            .setCapturedMinor(captured)
            .setRefundedMinor(refunded)
            .setChargedBackMinor(chargedBack)
            .setAuthCode(authCode)
            .setCard(card)
            .setExpiresAtMillis(expiresAtMillis)
            .setVersion(version);
    if (dispute != null) {
      b.setDispute(dispute.toProto());
    }
    return b.build();
  }

  public PaymentReply reply(ResultCode code) {
    return PaymentReply.newBuilder().setResult(code).setPayment(view()).build();
  }

  /** The answer recorded for a request id, or null. */
  public RequestRecord answered(String requestId) {
    return requests.get(requestId);
  }

  /**
   * Records the answer an event gives to the request that caused it. Issuer decisions answer the creating
   * authorization; events caused by a request answer that request with APPROVED.
   */
  private Payment recordAnswer(PaymentEvent event) {
    String requestId = event.getRequestId();
    long hash = event.getParamsHash();
    PaymentReply reply;
    switch (event.getBodyCase()) {
      case AUTHORIZED -> {
        requestId = creatingRequestId;
        hash = creatingParamsHash;
        reply = reply(ResultCode.APPROVED);
      }
      case DECLINED -> {
        requestId = creatingRequestId;
        hash = creatingParamsHash;
        reply =
            reply(event.getDeclined().getResult()).toBuilder().setReason(event.getDeclined().getReason()).build();
      }
      case IN_DOUBT -> {
        requestId = creatingRequestId;
        hash = creatingParamsHash;
        reply =
            reply(ResultCode.ISSUER_UNAVAILABLE).toBuilder().setReason(event.getInDoubt().getReason()).build();
      }
      default -> reply = reply(ResultCode.APPROVED);
    }
    if (requestId.isEmpty() || requests.containsKey(requestId)) {
      return this;
    }
    Map<String, RequestRecord> next = new HashMap<>(requests);
    next.put(
        requestId,
        RequestRecord.newBuilder().setRequestId(requestId).setParamsHash(hash).setReply(reply).build());
    return withRequests(Map.copyOf(next));
  }

  // --- snapshots ------------------------------------------------------------------------------------

  public PaymentSnapshot toSnapshot() {
    return PaymentSnapshot.newBuilder()
        .setView(view())
        .setFinalCaptured(finalCaptured)
        .setIssuerDeadlineMillis(issuerDeadlineMillis)
        .setNextRetryAtMillis(nextRetryAtMillis)
        .addAllRequests(requests.values())
        .setCreatingRequestId(creatingRequestId)
        .setCreatingParamsHash(creatingParamsHash)
        .build();
  }

  public static Payment fromSnapshot(PaymentSnapshot s) {
    PaymentView v = s.getView();
    Map<String, RequestRecord> requests = new HashMap<>();
    s.getRequestsList().forEach(r -> requests.put(r.getRequestId(), r));
    return new Payment(
        v.getPaymentId(),
        v.getAcquirerId(),
        v.getAcquirerReference(),
        v.getMerchantId(),
        Currency.getInstance(v.getCurrency()),
        v.getCard(),
        v.getState(),
        v.getAuthorizedMinor(),
        v.getCapturedMinor(),
        v.getRefundedMinor(),
        v.getChargedBackMinor(),
        s.getFinalCaptured(),
        v.getAuthCode(),
        v.getExpiresAtMillis(),
        s.getIssuerDeadlineMillis(),
        s.getNextRetryAtMillis(),
        v.hasDispute() ? Dispute.fromProto(v.getDispute()) : null,
        v.getVersion(),
        s.getCreatingRequestId(),
        s.getCreatingParamsHash(),
        Map.copyOf(requests));
  }

  // --- transitions ----------------------------------------------------------------------------------

  private Payment captured(long amount, boolean isFinal) {
    long c = captured + amount;
    Payment p = withAmounts(authorized, c, refunded, chargedBack);
    boolean done = isFinal || c == authorized;
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card,
        done ? PaymentState.CAPTURED : PaymentState.PARTIALLY_CAPTURED,
        p.authorized, p.captured, p.refunded, p.chargedBack, done, authCode, expiresAtMillis,
        issuerDeadlineMillis, nextRetryAtMillis, dispute, version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment closedCapturing() {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card,
        refunded == captured ? PaymentState.REFUNDED : PaymentState.CAPTURED,
        authorized, captured, refunded, chargedBack, true, authCode, expiresAtMillis,
        issuerDeadlineMillis, nextRetryAtMillis, dispute, version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment refunded(long amount) {
    long r = refunded + amount;
    return withAmounts(authorized, captured, r, chargedBack).with(r == captured ? PaymentState.REFUNDED : status);
  }

  private Payment with(PaymentState next) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, next, authorized, captured,
        refunded, chargedBack, finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, nextRetryAtMillis,
        dispute, version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withAmounts(long a, long c, long r, long d) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, a, c, r, d,
        finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, nextRetryAtMillis, dispute, version,
        creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withAuth(String code, long expiresAt) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, authorized, captured,
        refunded, chargedBack, finalCaptured, code, expiresAt, issuerDeadlineMillis, nextRetryAtMillis, dispute,
        version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withRetryAt(long retryAt) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, authorized, captured,
        refunded, chargedBack, finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, retryAt, dispute,
        version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withDispute(Dispute d) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, authorized, captured,
        refunded, chargedBack, finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, nextRetryAtMillis, d,
        version, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withVersion(long v) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, authorized, captured,
        refunded, chargedBack, finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, nextRetryAtMillis,
        dispute, v, creatingRequestId, creatingParamsHash, requests);
  }

  private Payment withRequests(Map<String, RequestRecord> r) {
    return new Payment(paymentId, acquirerId, reference, merchantId, currency, card, status, authorized, captured,
        refunded, chargedBack, finalCaptured, authCode, expiresAtMillis, issuerDeadlineMillis, nextRetryAtMillis,
        dispute, version, creatingRequestId, creatingParamsHash, r);
  }
}
