package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ResultCode;
import java.util.concurrent.CompletionStage;

/**
 * The link to card issuers. Every call is asynchronous; the payment entity bounds each with its own deadline,
 * and treats a late or missing answer as unknown (IN_DOUBT), never as an approval.
 */
public interface IssuerGateway {

  /** Asks the issuer to hold {@code amount} on the card. */
  CompletionStage<Decision> authorize(String paymentId, Card card, String merchantId, Money amount);

  /** Asks the issuer to raise an existing hold by {@code amount}. */
  CompletionStage<Decision> increment(String paymentId, Card card, Money amount);

  /**
   * Cancels a hold whose outcome may be unknown. Completes normally once the issuer acknowledged; the switch
   * retries until it does. Must be safe to call twice for the same payment.
   */
  CompletionStage<Void> reverse(String paymentId, Money amount);

  /** The issuer's answer: approved with an authorization code, or declined with a code in the 100-199 range. */
  record Decision(boolean approved, String authCode, ResultCode declineCode, String reason) {

    public static Decision approve(String authCode) {
      return new Decision(true, authCode, ResultCode.APPROVED, "");
    }

    public static Decision decline(ResultCode code, String reason) {
      return new Decision(false, "", code, reason);
    }
  }
}
