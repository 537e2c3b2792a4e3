package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ReversalKind;
import java.util.concurrent.CompletionStage;

/**
 * The link to card issuers. Every call is asynchronous; the payment bounds each with its own deadline, and treats
 * a late or missing answer as unknown (never as an approval).
 */
public interface IssuerGateway {

  /**
   * Where the next request about payment {@code paymentId} goes and how it is identified (route, STAN,
   * transmission time, RRN). Decided without I/O; the payment records it before the request is sent.
   */
  Trace trace(String paymentId, Card card);

  /** Asks the issuer to hold {@code amount} on the card; the card number reaches the issuer only here. */
  CompletionStage<Decision> authorize(Trace trace, Card card, Pan pan, String merchantId, Money amount);

  /** Asks the issuer to raise the hold of the authorization {@code original} by {@code amount}. */
  CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount);

  /**
   * Undoes what the issuer may hold from request {@code original}: an in-doubt authorization, an increment that
   * was not applied, or a voided hold. {@code attempt} counts from 1 (a first reversal advice, then repeats).
   * Completes normally once the issuer acknowledged; the switch retries until it does. Must be safe to call twice.
   */
  CompletionStage<Void> reverse(Trace original, ReversalKind kind, Money amount, int attempt);

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
