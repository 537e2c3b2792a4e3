package dev.switchyard.payment;

import dev.switchyard.protocol.v1.OwedReversal;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentSnapshot;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.PaymentView;
import dev.switchyard.protocol.v1.RequestRecord;
import dev.switchyard.protocol.v1.ReversalKind;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A payment's state as a Protobuf {@code PaymentSnapshot}, and its answers as {@code PaymentReply}: the same
 * explicit, evolvable schema as the events. Reads snapshots written before the phases had their own records.
 */
final class Snapshots {

  private Snapshots() {}

  static PaymentReply toProto(Reply reply) {
    PaymentReply.Builder b = PaymentReply.newBuilder()
        .setResult(ResultCodes.toWire(reply.outcome()))
        .setField(reply.field())
        .setReason(reply.reason())
        .setReplayed(reply.replayed());
    if (reply.payment() != null) {
      b.setPayment(reply.payment());
    }
    return b.build();
  }

  static Reply fromProto(PaymentReply reply) {
    return new Reply(ResultCodes.fromWire(reply.getResult()), reply.getField(), reply.getReason(),
        reply.hasPayment() ? reply.getPayment() : null, reply.getReplayed());
  }

  static PaymentSnapshot toSnapshot(Payment payment) {
    if (payment instanceof Payment.Empty) {
      return PaymentSnapshot.getDefaultInstance();
    }
    if (payment instanceof Payment.Unreadable u) {
      return PaymentSnapshot.newBuilder().setUnreadableReason(u.why())
          .setView(PaymentView.newBuilder().setVersion(u.version())).build();
    }
    Payment.Live p = (Payment.Live) payment;
    PaymentSnapshot.Builder b = PaymentSnapshot.newBuilder()
        .setView(p.view())
        .setFinalCaptured(p instanceof Settled)
        .setCreatingRequestId(p.origin().requestId())
        .setCreatingParamsHash(p.origin().paramsHash())
        .setRefusalsRecorded(p.core().answers().refusals())
        .setAuthorizationTrace(p.origin().trace().toProto())
        .setDeviceId(p.origin().presentment().deviceId())
        .setIpAddress(p.origin().presentment().ipAddress())
        .setChannel(p.origin().presentment().channel())
        .setMerchantCategory(p.origin().presentment().merchantCategory())
        .setMerchantCountry(p.origin().presentment().merchantCountry());
    p.core().answers().byRequest().forEach((id, answer) -> b.addRequests(RequestRecord.newBuilder()
        .setRequestId(id).setParamsHash(answer.paramsHash()).setReply(toProto(answer.reply()))));
    if (p instanceof Authorizing a) {
      b.setIssuerDeadlineMillis(a.issuerDeadlineMillis());
    }
    if (p instanceof Open o && o.pending() != null) {
      PendingIncrement i = o.pending();
      b.getPendingIncrementBuilder().setRequestId(i.requestId()).setParamsHash(i.paramsHash())
          .setAmountMinor(i.amountMinor()).setIssuerDeadlineMillis(i.deadlineMillis()).setTrace(i.trace().toProto());
    }
    Owed owed = p.owed();
    if (owed != null) {
      b.setOwedReversal(OwedReversal.newBuilder().setKind(owed.kind()).setAmountMinor(owed.amountMinor())
          .setAttempts(owed.attempts()).setNextAttemptAtMillis(owed.nextAttemptAtMillis())
          .setOriginal(owed.original().toProto()).setUnsentAttempts(owed.unsentAttempts()));
    }
    return b.build();
  }

  static Payment fromSnapshot(PaymentSnapshot s) {
    if (!s.hasView()) {
      return new Payment.Empty();
    }
    PaymentView v = s.getView();
    if (!s.getUnreadableReason().isEmpty()) {
      return new Payment.Unreadable(v.getVersion(), s.getUnreadableReason());
    }
    Map<String, Answers.Answer> answers = new HashMap<>();
    s.getRequestsList().forEach(r -> answers.put(r.getRequestId(),
        new Answers.Answer(r.getParamsHash(), fromProto(r.getReply()))));
    Core core = new Core(
        new Origin(v.getPaymentId(), v.getAcquirerId(), v.getAcquirerReference(), v.getMerchantId(), v.getCard(),
            s.getCreatingRequestId(), s.getCreatingParamsHash(), Trace.fromProto(s.getAuthorizationTrace()),
            new Presentment(s.getDeviceId(), s.getIpAddress(), s.getChannel(), s.getMerchantCategory(),
                s.getMerchantCountry())),
        new Answers(Map.copyOf(answers), s.getRefusalsRecorded()),
        v.getVersion());
    Amounts amounts = new Amounts(Currency.getInstance(v.getCurrency()), v.getAuthorizedMinor(),
        v.getCapturedMinor(), v.getRefundedMinor(), v.getChargedBackMinor());
    Hold hold = new Hold(v.getAuthCode(), v.getExpiresAtMillis(), v.getStandIn());
    List<Dispute> disputes = new ArrayList<>();
    v.getDisputesList().forEach(d -> disputes.add(Dispute.fromProto(d)));
    if (disputes.isEmpty() && v.hasDispute()) {
      disputes.add(Dispute.fromProto(v.getDispute()));
    }
    Owed owed = s.hasOwedReversal()
        ? new Owed(s.getOwedReversal().getKind(), s.getOwedReversal().getAmountMinor(),
            s.getOwedReversal().getAttempts(), s.getOwedReversal().getNextAttemptAtMillis(),
            Trace.fromProto(s.getOwedReversal().getOriginal()), s.getOwedReversal().getUnsentAttempts())
        : v.getState() == PaymentState.IN_DOUBT
            ? Owed.first(ReversalKind.REVERSAL_OF_AUTHORIZATION, v.getAuthorizedMinor(), s.getNextRetryAtMillis(),
                Trace.NONE)
            : null;
    PendingIncrement pending = s.hasPendingIncrement()
        ? new PendingIncrement(s.getPendingIncrement().getRequestId(), s.getPendingIncrement().getParamsHash(),
            s.getPendingIncrement().getAmountMinor(), s.getPendingIncrement().getIssuerDeadlineMillis(),
            Trace.fromProto(s.getPendingIncrement().getTrace()))
        : null;
    Disputes all = new Disputes(List.copyOf(disputes));
    return switch (v.getState()) {
      case AUTHORIZING -> new Authorizing(core, amounts, s.getIssuerDeadlineMillis());
      case IN_DOUBT -> new InDoubt(core, amounts, owed);
      case AUTHORIZED, PARTIALLY_CAPTURED -> new Open(core, amounts, hold, all, pending, owed);
      // Snapshots of 0.1 say REFUNDED for a partial capture refunded in full, with the remainder still held.
      case REFUNDED -> !s.getFinalCaptured() && amounts.uncaptured() > 0
          ? new Open(core, amounts, hold, all, pending, owed)
          : new Settled(core, amounts, hold, all, owed);
      case CAPTURED -> new Settled(core, amounts, hold, all, owed);
      case DECLINED, VOIDED, EXPIRED -> new Closed(core, amounts, hold, v.getState(), owed);
      case PAYMENT_STATE_UNSPECIFIED, UNRECOGNIZED -> new Payment.Unreadable(v.getVersion(),
          "a snapshot with the unknown state " + v.getState());
    };
  }
}
