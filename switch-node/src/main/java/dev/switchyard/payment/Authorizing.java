package dev.switchyard.payment;

import dev.switchyard.protocol.v1.AuthorizationInDoubt;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Authorized;
import dev.switchyard.protocol.v1.Declined;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ReversalKind;

/** Created and sent to the issuer; waiting for its decision until the issuer deadline. */
record Authorizing(Core core, Amounts amounts, long issuerDeadlineMillis) implements Payment.Live {

  static Authorizing start(PaymentEvent first) {
    return new Authorizing(new Core(Origin.of(first), Answers.NONE, 1),
        Amounts.of(Money.fromProto(first.getAuthorizationRequested().getAmount())),
        first.getAuthorizationRequested().getIssuerDeadlineMillis());
  }

  @Override
  public PaymentState status() {
    return PaymentState.AUTHORIZING;
  }

  @Override
  public Authorizing withCore(Core next) {
    return new Authorizing(next, amounts, issuerDeadlineMillis);
  }

  @Override
  public Payment.Live next(PaymentEvent event) {
    return switch (event.getBodyCase()) {
      case AUTHORIZED -> new Open(core, amounts,
          new Hold(event.getAuthorized().getAuthCode(), event.getAuthorized().getExpiresAtMillis(),
              event.getAuthorized().getStandIn()),
          Disputes.NONE, null, null);
      case DECLINED -> new Closed(core, amounts, Hold.NONE, PaymentState.DECLINED, null);
      case IN_DOUBT -> new InDoubt(core, amounts, Owed.first(ReversalKind.REVERSAL_OF_AUTHORIZATION,
          amounts.authorized(), event.getInDoubt().getNextRetryAtMillis(), core.origin().trace()));
      default -> null;
    };
  }

  /** The first event of a payment: created by {@code a}, waiting for the issuer until the issuer deadline. */
  static PaymentEvent.Builder requested(String paymentId, PaymentCommand.Authorize a, Trace trace, long now,
      PaymentSettings settings) {
    return PaymentEvent.newBuilder().setAuthorizationRequested(AuthorizationRequested.newBuilder()
        .setIssuer(trace.toProto())
        .setPaymentId(paymentId)
        .setAcquirerId(a.acquirerId())
        .setAcquirerReference(a.reference())
        .setMerchantId(a.merchantId())
        .setAmount(a.amount().toProto())
        .setCard(a.card().toProto())
        .setIssuerDeadlineMillis(now + settings.issuerTimeout().toMillis())
        .setDeviceId(a.presentment().deviceId())
        .setIpAddress(a.presentment().ipAddress())
        .setChannel(a.presentment().channel())
        .setMerchantCategory(a.presentment().merchantCategory())
        .setMerchantCountry(a.presentment().merchantCountry()));
  }

  /** The issuer's decision, recorded: approved with a hold, or declined. */
  PaymentEvent.Builder decided(IssuerGateway.Decision d, long now, PaymentSettings settings) {
    if (!d.approved()) {
      return PaymentEvent.newBuilder().setDeclined(Declined.newBuilder()
          .setResult(ResultCodes.toWire(d.outcome()))
          .setReason(d.reason())
          .setSource(d.source()));
    }
    Authorized.Builder approved = Authorized.newBuilder()
        .setAuthCode(d.authCode())
        .setExpiresAtMillis(now + settings.holdWindow().toMillis())
        .setSource(d.source());
    if (d.standIn() != null) {
      approved.setStandIn(true).setStandInApproval(d.standIn());
    }
    return PaymentEvent.newBuilder().setAuthorized(approved);
  }

  /** No decision, and none can be trusted any more: the authorization is reversed. */
  PaymentEvent.Builder inDoubt(IssuerFailure failure, long now, PaymentSettings settings) {
    return PaymentEvent.newBuilder().setInDoubt(AuthorizationInDoubt.newBuilder()
        .setReason(failure.reason())
        .setNextRetryAtMillis(now + settings.reversalRetryMin().toMillis()));
  }

  @Override
  public PaymentCommand resumeAfterRecovery() {
    return new PaymentCommand.IssuerFailed(IssuerFailure.NODE_RESTARTED);
  }

  boolean deadlinePassed(long now) {
    return now >= issuerDeadlineMillis;
  }
}
