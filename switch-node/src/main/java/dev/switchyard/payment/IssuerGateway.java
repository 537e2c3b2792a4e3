package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ReversalKind;
import java.util.concurrent.CompletionStage;

/**
 * The link to card issuers. Every call is asynchronous; the payment bounds each with its own deadline, and treats
 * a late or missing answer as unknown (never as an approval).
 */
public interface IssuerGateway {

  /** Asks the issuer to hold {@code amount} on the card. */
  CompletionStage<Decision> authorize(String paymentId, Card card, String merchantId, Money amount);

  /** Asks the issuer to raise an existing hold by {@code amount}. */
  CompletionStage<Decision> increment(String paymentId, Card card, Money amount);

  /**
   * Undoes what the issuer may hold: an in-doubt authorization, an increment that was not applied, or a voided
   * hold. Completes normally once the issuer acknowledged; the switch retries until it does. Must be safe to call
   * twice for the same payment and kind.
   */
  CompletionStage<Void> reverse(String paymentId, ReversalKind kind, Money amount);

  /** The issuer's answer: approved with an authorization code, or declined with a decline outcome. */
  record Decision(boolean approved, String authCode, Outcome outcome, String reason) {

    public static Decision approve(String authCode) {
      return new Decision(true, authCode, Outcome.APPROVED, "");
    }

    public static Decision decline(Outcome outcome, String reason) {
      if (!outcome.declined()) {
        throw new IllegalArgumentException("Not a decline: " + outcome);
      }
      return new Decision(false, "", outcome, reason);
    }
  }
}
