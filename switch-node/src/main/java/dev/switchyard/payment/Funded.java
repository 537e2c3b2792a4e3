package dev.switchyard.payment;

import dev.switchyard.payment.Decision.Refusal;
import dev.switchyard.payment.PaymentCommand.OpenDispute;
import dev.switchyard.payment.PaymentCommand.PreArbitrate;
import dev.switchyard.payment.PaymentCommand.Refund;
import dev.switchyard.payment.PaymentCommand.SubmitDisputeEvidence;
import dev.switchyard.protocol.v1.DisputeClosed;
import dev.switchyard.protocol.v1.DisputeEvidenceSubmitted;
import dev.switchyard.protocol.v1.DisputeOpened;
import dev.switchyard.protocol.v1.DisputeReopened;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.Refunded;
import java.time.Duration;

/**
 * The phases that can hold captured money (Open once something is captured, Settled): refunds and the dispute
 * lifecycle, NEEDS_RESPONSE → UNDER_REVIEW → WON | LOST, with pre-arbitration after a win.
 */
sealed interface Funded extends Payment.Live permits Open, Settled {

  /** The phase with other amounts and disputes. */
  Funded withMoney(Amounts amounts, Disputes disputes);

  /** What may still be refunded: C − R − D − the open dispute's amount. */
  default long refundable() {
    return amounts().disputable() - disputes().openAmount();
  }

  default Decision refund(Refund r) {
    if (amounts().captured() == 0) {
      return Decision.invalidState(r.operation(), status());
    }
    Refusal invalid = Decision.amountIn(amounts().currency(), "refund.amount", r.amount());
    if (invalid != null) {
      return invalid;
    }
    if (r.amount().minorUnits() > refundable()) {
      return Decision.exceeds("refund.amount", "refundable", refundable(), amounts().currency());
    }
    return Decision.accept(PaymentEvent.newBuilder()
        .setRefunded(Refunded.newBuilder().setAmount(r.amount().toProto())));
  }

  default Decision openDispute(OpenDispute o, long now, PaymentSettings settings) {
    if (amounts().captured() == 0) {
      return Decision.invalidState(o.operation(), status());
    }
    if (o.disputeId() == null || o.disputeId().isBlank()) {
      return new Refusal(Outcome.INVALID_REQUEST, "dispute_id", "is required");
    }
    if (disputes().anyOpen()) {
      return new Refusal(Outcome.DISPUTE_CONFLICT, "dispute_id",
          "dispute " + disputes().current().id() + " is still open; one dispute at a time");
    }
    if (disputes().known(o.disputeId())) {
      return new Refusal(Outcome.DISPUTE_CONFLICT, "dispute_id",
          "dispute " + o.disputeId() + " was already decided; a second chargeback is a pre-arbitration");
    }
    Refusal invalid = Decision.amountIn(amounts().currency(), "open.amount", o.amount());
    if (invalid != null) {
      return invalid;
    }
    if (o.amount().minorUnits() > amounts().disputable()) {
      return Decision.exceeds("open.amount", "disputable (captured - refunded - charged back)",
          amounts().disputable(), amounts().currency());
    }
    return Decision.accept(PaymentEvent.newBuilder().setDisputeOpened(DisputeOpened.newBuilder()
        .setDisputeId(o.disputeId())
        .setAmount(o.amount().toProto())
        .setReasonCode(o.reasonCode())
        .setRespondByMillis(respondBy(now, o.respondWithinDays(), settings))));
  }

  default Decision evidence(SubmitDisputeEvidence e) {
    Refusal wrong = checkOpen(e.disputeId());
    if (wrong != null) {
      return wrong;
    }
    if (disputes().current().state() != DisputeState.NEEDS_RESPONSE) {
      return new Refusal(Outcome.INVALID_STATE, "dispute_id", "evidence was already submitted");
    }
    return Decision.accept(PaymentEvent.newBuilder().setDisputeEvidenceSubmitted(DisputeEvidenceSubmitted
        .newBuilder().setDisputeId(e.disputeId()).setEvidenceRef(e.evidenceRef())));
  }

  default Decision closeDispute(String disputeId, DisputeState outcome, String reason) {
    Refusal wrong = checkOpen(disputeId);
    if (wrong != null) {
      return wrong;
    }
    return Decision.accept(PaymentEvent.newBuilder().setDisputeClosed(
        DisputeClosed.newBuilder().setDisputeId(disputeId).setOutcome(outcome).setReason(reason)));
  }

  default Decision preArbitration(PreArbitrate pa, long now, PaymentSettings settings) {
    Dispute d = disputes().current();
    if (d == null || !d.id().equals(pa.disputeId())) {
      return new Refusal(Outcome.NOT_FOUND, "dispute_id", "no dispute " + pa.disputeId() + " on this payment");
    }
    if (d.state() != DisputeState.WON) {
      return new Refusal(Outcome.INVALID_STATE, "dispute_id",
          "pre-arbitration follows a won dispute; this one is " + d.state());
    }
    if (d.amount() > amounts().disputable()) {
      return Decision.exceeds("pre_arbitration", "disputable", amounts().disputable(), amounts().currency());
    }
    return Decision.accept(PaymentEvent.newBuilder().setDisputeReopened(DisputeReopened.newBuilder()
        .setDisputeId(d.id())
        .setReasonCode(pa.reasonCode())
        .setRespondByMillis(respondBy(now, pa.respondWithinDays(), settings))));
  }

  @Override
  default PaymentEvent.Builder due(long now) {
    return disputeDeadline(now);
  }

  /** The dispute lost by silence once its response window ends, or null. */
  default PaymentEvent.Builder disputeDeadline(long now) {
    Dispute d = disputes().current();
    if (d == null || d.state() != DisputeState.NEEDS_RESPONSE || now < d.respondByMillis()) {
      return null;
    }
    return PaymentEvent.newBuilder().setDisputeClosed(DisputeClosed.newBuilder()
        .setDisputeId(d.id()).setOutcome(DisputeState.LOST).setReason("response window expired"));
  }

  /** A refund or dispute event applied; null for any other event. */
  default Funded moneyAfter(PaymentEvent event) {
    Dispute d = disputes().current();
    return switch (event.getBodyCase()) {
      case REFUNDED -> withMoney(amounts().refunded(event.getRefunded().getAmount().getMinorUnits()), disputes());
      case DISPUTE_OPENED -> withMoney(amounts(), disputes().opened(new Dispute(
          event.getDisputeOpened().getDisputeId(), DisputeState.NEEDS_RESPONSE,
          event.getDisputeOpened().getAmount().getMinorUnits(), event.getDisputeOpened().getReasonCode(),
          event.getDisputeOpened().getRespondByMillis(), 1)));
      case DISPUTE_EVIDENCE_SUBMITTED -> d == null ? null
          : withMoney(amounts(), disputes().updated(d.withState(DisputeState.UNDER_REVIEW)));
      case DISPUTE_CLOSED -> d == null ? null
          : event.getDisputeClosed().getOutcome() == DisputeState.LOST
              ? withMoney(amounts().chargedBack(d.amount()), disputes().updated(d.withState(DisputeState.LOST)))
              : withMoney(amounts(), disputes().updated(d.withState(DisputeState.WON)));
      case DISPUTE_REOPENED -> d == null ? null : withMoney(amounts(), disputes().updated(
          d.reopened(event.getDisputeReopened().getReasonCode(), event.getDisputeReopened().getRespondByMillis())));
      default -> null;
    };
  }

  private Refusal checkOpen(String disputeId) {
    Dispute d = disputes().current();
    if (d == null || !d.id().equals(disputeId)) {
      return new Refusal(Outcome.NOT_FOUND, "dispute_id", "no dispute " + disputeId + " on this payment");
    }
    if (!d.isOpen()) {
      return new Refusal(Outcome.INVALID_STATE, "dispute_id", "dispute " + disputeId + " is " + d.state());
    }
    return null;
  }

  private static long respondBy(long now, int days, PaymentSettings settings) {
    Duration window = days > 0 ? Duration.ofDays(days) : settings.disputeResponseWindow();
    return now + window.toMillis();
  }
}
