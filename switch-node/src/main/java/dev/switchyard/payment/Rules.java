package dev.switchyard.payment;

import dev.switchyard.payment.PaymentEntity.AcceptDispute;
import dev.switchyard.payment.PaymentEntity.Accepted;
import dev.switchyard.payment.PaymentEntity.Capture;
import dev.switchyard.payment.PaymentEntity.DecideDispute;
import dev.switchyard.payment.PaymentEntity.Decision;
import dev.switchyard.payment.PaymentEntity.IncrementAuthorization;
import dev.switchyard.payment.PaymentEntity.OpenDispute;
import dev.switchyard.payment.PaymentEntity.PreArbitrate;
import dev.switchyard.payment.PaymentEntity.Refund;
import dev.switchyard.payment.PaymentEntity.Refusal;
import dev.switchyard.payment.PaymentEntity.RequestCommand;
import dev.switchyard.payment.PaymentEntity.SubmitDisputeEvidence;
import dev.switchyard.payment.PaymentEntity.VoidAuthorization;
import dev.switchyard.protocol.v1.Captured;
import dev.switchyard.protocol.v1.DisputeClosed;
import dev.switchyard.protocol.v1.DisputeEvidenceSubmitted;
import dev.switchyard.protocol.v1.DisputeOpened;
import dev.switchyard.protocol.v1.DisputeReopened;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.Refunded;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.protocol.v1.Voided;
import java.time.Duration;

/**
 * The business rules of a payment: whether a command is allowed in the current state and with these amounts,
 * and if so which event records it. Pure functions of (payment, command, now): no I/O, no actor.
 */
final class Rules {

  private Rules() {}

  static Decision decide(Payment p, RequestCommand command, long now, PaymentSettings settings) {
    if (p.isTerminal()) {
      return new Refusal(ResultCode.INVALID_STATE, "payment_id",
          "the payment is " + p.status() + ": nothing more can happen to it");
    }
    if (command instanceof Capture c) {
      return capture(p, c);
    }
    if (command instanceof IncrementAuthorization i) {
      return increment(p, i);
    }
    if (command instanceof VoidAuthorization) {
      return voidAuthorization(p);
    }
    if (command instanceof Refund r) {
      return refund(p, r);
    }
    if (command instanceof OpenDispute o) {
      return openDispute(p, o, now, settings);
    }
    if (command instanceof SubmitDisputeEvidence e) {
      return evidence(p, e);
    }
    if (command instanceof AcceptDispute a) {
      return closeDispute(p, a.disputeId(), DisputeState.LOST, "accepted");
    }
    if (command instanceof DecideDispute d) {
      return closeDispute(p, d.disputeId(), d.won() ? DisputeState.WON : DisputeState.LOST, d.won() ? "won" : "lost");
    }
    if (command instanceof PreArbitrate pa) {
      return preArbitration(p, pa, now, settings);
    }
    return new Refusal(ResultCode.INVALID_REQUEST, "operation", "not an operation on an existing payment");
  }

  /** Amounts must be positive; the currency check is separate because it needs the payment. */
  static Refusal checkAmount(String field, Money amount) {
    if (amount == null) {
      return new Refusal(ResultCode.INVALID_REQUEST, field, "is required");
    }
    if (amount.minorUnits() <= 0) {
      return new Refusal(ResultCode.INVALID_REQUEST, field + ".minor_units", "must be greater than zero");
    }
    return null;
  }

  private static Refusal checkAmount(Payment p, String field, Money amount) {
    Refusal invalid = checkAmount(field, amount);
    if (invalid != null) {
      return invalid;
    }
    if (!amount.currency().equals(p.currency())) {
      return new Refusal(ResultCode.CURRENCY_MISMATCH, field + ".currency",
          "the payment is in " + p.currency().getCurrencyCode() + ", not " + amount.currency().getCurrencyCode());
    }
    return null;
  }

  private static Decision capture(Payment p, Capture c) {
    if (p.status() != PaymentState.AUTHORIZED && p.status() != PaymentState.PARTIALLY_CAPTURED
        || p.finalCaptured()) {
      return invalidState(p, "capture");
    }
    Refusal invalid = checkAmount(p, "capture.amount", c.amount());
    if (invalid != null) {
      return invalid;
    }
    if (c.amount().minorUnits() > p.capturable()) {
      return exceeds("capture.amount", "capturable", p.capturable(), p);
    }
    return accept(PaymentEvent.newBuilder().setCaptured(
        Captured.newBuilder().setAmount(c.amount().toProto()).setFinal(c.finalCapture())));
  }

  private static Decision increment(Payment p, IncrementAuthorization i) {
    if (p.status() != PaymentState.AUTHORIZED || p.captured() != 0) {
      return invalidState(p, "incremental authorization (only while nothing is captured)");
    }
    Refusal invalid = checkAmount(p, "increment.amount", i.amount());
    if (invalid != null) {
      return invalid;
    }
    if (Long.MAX_VALUE - p.authorized() < i.amount().minorUnits()) {
      return new Refusal(ResultCode.INVALID_REQUEST, "increment.amount.minor_units", "the total would overflow");
    }
    // The event is written once the issuer approves; see PaymentEntity.
    return accept(PaymentEvent.newBuilder());
  }

  private static Decision voidAuthorization(Payment p) {
    if (p.status() != PaymentState.AUTHORIZED || p.captured() != 0) {
      return invalidState(p, "void (only while nothing is captured)");
    }
    return accept(PaymentEvent.newBuilder().setVoided(Voided.newBuilder()));
  }

  private static Decision refund(Payment p, Refund r) {
    if (p.status() != PaymentState.PARTIALLY_CAPTURED && p.status() != PaymentState.CAPTURED) {
      return invalidState(p, "refund");
    }
    Refusal invalid = checkAmount(p, "refund.amount", r.amount());
    if (invalid != null) {
      return invalid;
    }
    if (r.amount().minorUnits() > p.refundable()) {
      return exceeds("refund.amount", "refundable", p.refundable(), p);
    }
    return accept(PaymentEvent.newBuilder().setRefunded(Refunded.newBuilder().setAmount(r.amount().toProto())));
  }

  private static boolean disputable(Payment p) {
    return p.status() == PaymentState.PARTIALLY_CAPTURED || p.status() == PaymentState.CAPTURED
        || p.status() == PaymentState.REFUNDED;
  }

  private static Decision openDispute(Payment p, OpenDispute o, long now, PaymentSettings settings) {
    if (!disputable(p)) {
      return invalidState(p, "dispute (only on a captured payment)");
    }
    if (o.disputeId() == null || o.disputeId().isBlank()) {
      return new Refusal(ResultCode.INVALID_REQUEST, "dispute_id", "is required");
    }
    if (p.dispute() != null && p.dispute().isOpen()) {
      return new Refusal(ResultCode.DISPUTE_CONFLICT, "dispute_id",
          "dispute " + p.dispute().id() + " is still open; one dispute at a time");
    }
    if (p.dispute() != null && p.dispute().id().equals(o.disputeId())) {
      return new Refusal(ResultCode.DISPUTE_CONFLICT, "dispute_id",
          "dispute " + o.disputeId() + " was already decided; a second chargeback is a pre-arbitration");
    }
    Refusal invalid = checkAmount(p, "open.amount", o.amount());
    if (invalid != null) {
      return invalid;
    }
    if (o.amount().minorUnits() > p.disputable()) {
      return exceeds("open.amount", "disputable (captured - refunded - charged back)", p.disputable(), p);
    }
    return accept(PaymentEvent.newBuilder().setDisputeOpened(DisputeOpened.newBuilder()
        .setDisputeId(o.disputeId())
        .setAmount(o.amount().toProto())
        .setReasonCode(o.reasonCode())
        .setRespondByMillis(respondBy(now, o.respondWithinDays(), settings))));
  }

  private static Decision evidence(Payment p, SubmitDisputeEvidence e) {
    Refusal wrong = checkOpenDispute(p, e.disputeId());
    if (wrong != null) {
      return wrong;
    }
    if (p.dispute().state() != DisputeState.NEEDS_RESPONSE) {
      return new Refusal(ResultCode.INVALID_STATE, "dispute_id", "evidence was already submitted");
    }
    return accept(PaymentEvent.newBuilder().setDisputeEvidenceSubmitted(DisputeEvidenceSubmitted.newBuilder()
        .setDisputeId(e.disputeId())
        .setEvidenceRef(e.evidenceRef())));
  }

  private static Decision closeDispute(Payment p, String disputeId, DisputeState outcome, String reason) {
    Refusal wrong = checkOpenDispute(p, disputeId);
    if (wrong != null) {
      return wrong;
    }
    return accept(PaymentEvent.newBuilder().setDisputeClosed(DisputeClosed.newBuilder()
        .setDisputeId(disputeId)
        .setOutcome(outcome)
        .setReason(reason)));
  }

  private static Decision preArbitration(Payment p, PreArbitrate pa, long now, PaymentSettings settings) {
    Dispute d = p.dispute();
    if (d == null || !d.id().equals(pa.disputeId())) {
      return new Refusal(ResultCode.NOT_FOUND, "dispute_id", "no dispute " + pa.disputeId() + " on this payment");
    }
    if (d.state() != DisputeState.WON) {
      return new Refusal(ResultCode.INVALID_STATE, "dispute_id",
          "pre-arbitration follows a won dispute; this one is " + d.state());
    }
    if (d.amount() > p.disputable()) {
      return exceeds("pre_arbitration", "disputable", p.disputable(), p);
    }
    return accept(PaymentEvent.newBuilder().setDisputeReopened(DisputeReopened.newBuilder()
        .setDisputeId(d.id())
        .setReasonCode(pa.reasonCode())
        .setRespondByMillis(respondBy(now, pa.respondWithinDays(), settings))));
  }

  private static Refusal checkOpenDispute(Payment p, String disputeId) {
    Dispute d = p.dispute();
    if (d == null || !d.id().equals(disputeId)) {
      return new Refusal(ResultCode.NOT_FOUND, "dispute_id", "no dispute " + disputeId + " on this payment");
    }
    if (!d.isOpen()) {
      return new Refusal(ResultCode.INVALID_STATE, "dispute_id", "dispute " + disputeId + " is " + d.state());
    }
    return null;
  }

  private static long respondBy(long now, int days, PaymentSettings settings) {
    Duration window = days > 0 ? Duration.ofDays(days) : settings.disputeResponseWindow();
    return now + window.toMillis();
  }

  private static Accepted accept(PaymentEvent.Builder event) {
    return new Accepted(event);
  }

  private static Refusal invalidState(Payment p, String operation) {
    return new Refusal(ResultCode.INVALID_STATE, "payment_id",
        operation + " is not allowed while the payment is " + p.status());
  }

  private static Refusal exceeds(String field, String what, long available, Payment p) {
    return new Refusal(ResultCode.AMOUNT_EXCEEDS_AVAILABLE, field,
        "exceeds the " + what + " amount of " + available + " " + p.currency().getCurrencyCode());
  }
}
