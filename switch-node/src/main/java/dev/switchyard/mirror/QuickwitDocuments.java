package dev.switchyard.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.persistence.EventTypes;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.PaymentEvent;
import java.time.Instant;
import java.util.Locale;

/**
 * The Quickwit document of one payment event: the fields of {@code quickwit/payment-events.json} and no others
 * (the index is strict). Never a card number: only the BIN and the last four digits that the event carries.
 */
public final class QuickwitDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();

  private QuickwitDocuments() {}

  public static ObjectNode event(String paymentId, long sequenceNr, PaymentEvent e, String node) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("timestamp", Instant.ofEpochMilli(e.getAtMillis()).toString());
    doc.put("payment_id", paymentId);
    doc.put("sequence_nr", sequenceNr);
    doc.put("acquirer_id", e.getAcquirerId());
    putIfPresent(doc, "merchant_id", e.getMerchantId());
    doc.put("event_type", EventTypes.of(e));
    doc.put("state", e.getStateAfter().name());
    putIfPresent(doc, "request_id", e.getRequestId());
    putIfPresent(doc, "card_bin", e.getCardBin());
    putIfPresent(doc, "card_last4", e.getCardLast4());
    doc.put("node", node);
    switch (e.getBodyCase()) {
      case AUTHORIZATION_REQUESTED -> {
        amount(doc, e.getAuthorizationRequested().getAmount());
        putIfPresent(doc, "merchant_id", e.getAuthorizationRequested().getMerchantId());
        putIfPresent(doc, "card_bin", e.getAuthorizationRequested().getCard().getBin());
        putIfPresent(doc, "card_last4", e.getAuthorizationRequested().getCard().getLast4());
      }
      case AUTHORIZED -> doc.put("result_code", "APPROVED");
      case DECLINED -> {
        doc.put("result_code", e.getDeclined().getResult().name());
        putIfPresent(doc, "reason", e.getDeclined().getReason());
      }
      case IN_DOUBT -> {
        doc.put("result_code", "ISSUER_UNAVAILABLE");
        putIfPresent(doc, "reason", e.getInDoubt().getReason());
      }
      case INCREMENTED -> amount(doc, e.getIncremented().getAmount());
      case CAPTURED -> amount(doc, e.getCaptured().getAmount());
      case REFUNDED -> amount(doc, e.getRefunded().getAmount());
      case EXPIRED -> doc.put("amount_minor", e.getExpired().getReleasedMinor());
      case DISPUTE_OPENED -> {
        amount(doc, e.getDisputeOpened().getAmount());
        doc.put("dispute_id", e.getDisputeOpened().getDisputeId());
        putIfPresent(doc, "reason", e.getDisputeOpened().getReasonCode());
      }
      case DISPUTE_EVIDENCE_SUBMITTED -> doc.put("dispute_id", e.getDisputeEvidenceSubmitted().getDisputeId());
      case DISPUTE_CLOSED -> {
        doc.put("dispute_id", e.getDisputeClosed().getDisputeId());
        doc.put("result_code", e.getDisputeClosed().getOutcome().name());
        putIfPresent(doc, "reason", e.getDisputeClosed().getReason());
      }
      case DISPUTE_REOPENED -> {
        doc.put("dispute_id", e.getDisputeReopened().getDisputeId());
        putIfPresent(doc, "reason", e.getDisputeReopened().getReasonCode());
      }
      case INCREMENT_REQUESTED -> amount(doc, e.getIncrementRequested().getAmount());
      case INCREMENT_DECLINED -> {
        doc.put("result_code", e.getIncrementDeclined().getResult().name());
        putIfPresent(doc, "reason", e.getIncrementDeclined().getReason());
      }
      case INCREMENT_WITHDRAWN -> {
        amount(doc, e.getIncrementWithdrawn().getAmount());
        doc.put("result_code", e.getIncrementWithdrawn().getResult().name());
        putIfPresent(doc, "reason", e.getIncrementWithdrawn().getReason());
      }
      case REVERSAL_FAILED -> doc.put("reason", e.getReversalFailed().getKind().name().toLowerCase(Locale.ROOT)
          + " not acknowledged, attempt " + e.getReversalFailed().getAttempts());
      case REQUEST_REFUSED -> {
        doc.put("result_code", e.getRequestRefused().getResult().name());
        putIfPresent(doc, "reason", e.getRequestRefused().getReason());
      }
      case RISK_ASSESSED -> {
        // The decision (RISK_APPROVE, RISK_REVIEW, RISK_DECLINE) is the event's result: result_code:RISK_REVIEW
        // finds the payments flagged for an operator.
        amount(doc, e.getRiskAssessed().getInputs().getAmount());
        doc.put("result_code", e.getRiskAssessed().getDecision().name());
        doc.put("risk_score", e.getRiskAssessed().getScore());
        e.getRiskAssessed().getReasonsList().forEach(doc.putArray("risk_reasons")::add);
        putIfPresent(doc, "reason", String.join("; ", e.getRiskAssessed().getExplanationsList()));
      }
      default -> {
        // reversed, voided: type and state say it all
      }
    }
    return doc;
  }

  private static void amount(ObjectNode doc, Money money) {
    doc.put("amount_minor", money.getMinorUnits());
    putIfPresent(doc, "currency", money.getCurrency());
  }

  private static void putIfPresent(ObjectNode doc, String field, String value) {
    if (value != null && !value.isEmpty()) {
      doc.put(field, value);
    }
  }
}
