package dev.switchyard.payment;

import dev.switchyard.protocol.v1.DecisionSource;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.StandInApproval;
import java.util.concurrent.CompletionStage;

/**
 * The link to card issuers. Every call is asynchronous; the payment bounds each with its own deadline, and treats
 * a late or missing answer as unknown (never as an approval).
 */
public interface IssuerGateway {

  /**
   * Where the authorization creating payment {@code paymentId} of {@code acquirerId} goes and how it is identified
   * (route, STAN, transmission time, RRN). Decided without I/O; the payment records it before the request is sent.
   */
  Trace trace(String paymentId, String acquirerId, Card card);

  /**
   * The trace of a later request about the authorization {@code original} of payment {@code paymentId} (an
   * increment): the same route, whatever the routing table says now, the same RRN, a new STAN and transmission time.
   */
  Trace followUp(String paymentId, Trace original);

  /** Asks the issuer to hold the request's amount on its card; the card number reaches the issuer only here. */
  CompletionStage<Decision> authorize(Trace trace, AuthorizationRequest request);

  /** Asks the issuer to raise the hold of the authorization {@code original} by {@code amount}. */
  CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount);

  /**
   * Undoes what the issuer may hold from request {@code original} for {@code card}: an in-doubt authorization, an increment that
   * was not applied, or a voided hold. {@code transmission} counts the attempts that may have reached the issuer,
   * this one included: 1 is a first reversal advice, more are repeats. Completes normally once the issuer
   * acknowledged; fails with {@link NotSent} when the attempt certainly never left the switch, otherwise with
   * whatever went wrong. The switch retries until it is acknowledged. Must be safe to call twice.
   */
  CompletionStage<Void> reverse(Trace original, Card card, ReversalKind kind, Money amount, int transmission);

  /** A request that certainly never left the switch: the issuer cannot have seen it. */
  final class NotSent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotSent(String message) {
      super(message, null, false, false);
    }

    /** Whether {@code failure} (or its cause) is one. */
    public static boolean is(Throwable failure) {
      return failure instanceof NotSent || failure != null && failure.getCause() instanceof NotSent;
    }
  }

  /**
   * The answer: approved with an authorization code, or declined with a decline outcome; by the issuer, by the
   * switch's stand-in rules ({@code standIn} says why and which limits), or by the switch alone when the issuer was
   * unreachable and nothing was sent.
   */
  record Decision(boolean approved, String authCode, Outcome outcome, String reason, DecisionSource source,
      StandInApproval standIn) {

    public static Decision approve(String authCode) {
      return new Decision(true, authCode, Outcome.APPROVED, "", DecisionSource.ISSUER, null);
    }

    public static Decision decline(Outcome outcome, String reason) {
      return declineBy(DecisionSource.ISSUER, outcome, reason);
    }

    /** Approved by the stand-in rules; the issuer is owed the advice {@code approval} names. */
    public static Decision standIn(String authCode, StandInApproval approval) {
      return new Decision(true, authCode, Outcome.APPROVED, "", DecisionSource.STAND_IN, approval);
    }

    /** Declined by the stand-in rules or by the switch, the issuer being unreachable. */
    public static Decision declineBy(DecisionSource source, Outcome outcome, String reason) {
      if (!outcome.declined()) {
        throw new IllegalArgumentException("Not a decline: " + outcome);
      }
      return new Decision(false, "", outcome, reason, source, null);
    }
  }
}
