package dev.switchyard.payment;

import dev.switchyard.payment.PaymentCommand.Authorize;
import dev.switchyard.payment.PaymentCommand.IncrementAnswered;
import dev.switchyard.payment.PaymentCommand.IncrementAuthorization;
import dev.switchyard.payment.PaymentCommand.IssuerAnswered;
import dev.switchyard.payment.PaymentCommand.IssuerFailed;
import dev.switchyard.payment.PaymentCommand.ReversalAnswered;
import dev.switchyard.protocol.v1.PaymentEvent;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * One payment incarnation's calls to the issuer: each bounded by its deadline, its outcome sent back to the payment
 * as a message, a failure turned into fixed words ({@link IssuerFailure}) and its exception logged with the payment
 * id. Knows whether a reversal is on the wire, which is not state: a restart forgets it, and the owed reversal in the
 * journal is sent again.
 */
final class IssuerCalls {

  private final ActorContext<PaymentCommand> ctx;
  private final String paymentId;
  private final IssuerGateway issuer;
  private final PaymentSettings settings;
  private final Clock clock;
  private boolean reversalInFlight;

  IssuerCalls(ActorContext<PaymentCommand> ctx, String paymentId, PaymentEntity.Dependencies deps) {
    this.ctx = ctx;
    this.paymentId = paymentId;
    this.issuer = deps.issuer();
    this.settings = deps.settings();
    this.clock = deps.clock();
  }

  /** Asks for the authorization that created {@code s}, until its issuer deadline. */
  void authorize(Authorizing s, Authorize a) {
    long budget = Math.max(1, s.issuerDeadlineMillis() - clock.millis());
    ctx.pipeToSelf(bounded(issuer.authorize(s.origin().trace(),
                new AuthorizationRequest(paymentId, a.acquirerId(), a.merchantId(), a.card(), a.pan(), a.amount())),
            budget),
        (decision, failure) -> failure == null ? new IssuerAnswered(decision) : new IssuerFailed(failure(failure)));
  }

  /** Asks for the increment {@code s} just recorded as pending. */
  void increment(Open s, IncrementAuthorization i) {
    ctx.pipeToSelf(bounded(issuer.increment(s.pending().trace(), s.origin().trace(), s.origin().cardData(),
            i.amount()),
            settings.issuerTimeout().toMillis()),
        (decision, failure) -> new IncrementAnswered(i.requestId(), decision,
            failure == null ? null : failure(failure), i.replyTo()));
  }

  /** Sends the owed reversal, if any and none is on the wire; on a wake-up only once its time has come. */
  void reverse(Payment state, boolean onlyIfDue) {
    Owed owed = state instanceof Payment.Live live ? live.owed() : null;
    if (owed == null || reversalInFlight || onlyIfDue && !owed.dueAt(clock.millis())) {
      return;
    }
    reversalInFlight = true;
    Payment.Live live = (Payment.Live) state;
    Money amount = live.amounts().money(owed.amountMinor());
    ctx.pipeToSelf(bounded(issuer.reverse(owed.original(), live.origin().cardData(), owed.kind(), amount,
            owed.nextTransmission()),
            settings.issuerTimeout().toMillis()),
        (ok, failure) -> {
          if (failure != null) {
            failure(failure);
          }
          return new ReversalAnswered(owed.kind(), failure == null, IssuerGateway.NotSent.is(failure));
        });
  }

  /**
   * What the issuer's answer to a reversal of {@code s} records: acknowledged, or failed with the next attempt
   * after the backoff; null when nothing of that kind is owed any more.
   */
  PaymentEvent.Builder reversed(Payment.Live s, ReversalAnswered m) {
    reversalInFlight = false;
    Owed owed = s.owed();
    if (owed == null || owed.kind() != m.kind()) {
      return null;
    }
    if (m.acknowledged()) {
      return owed.acknowledged();
    }
    PaymentEvent.Builder failed = owed.failed(clock.millis(), settings, m.notSent());
    ctx.getLog().warn("Reversal {} ({}) of payment {} failed, next attempt at {}",
        failed.getReversalFailed().getAttempts(), owed.kind(), paymentId,
        java.time.Instant.ofEpochMilli(failed.getReversalFailed().getNextRetryAtMillis()));
    return failed;
  }

  private IssuerFailure failure(Throwable failure) {
    IssuerFailure why = IssuerFailure.of(failure);
    if (why == IssuerFailure.LINK_FAILURE) {
      ctx.getLog().warn("Issuer call of payment {} failed: {}", paymentId, failure.toString());
    }
    return why;
  }

  private static <T> CompletionStage<T> bounded(CompletionStage<T> call, long millis) {
    return call.toCompletableFuture().orTimeout(millis, TimeUnit.MILLISECONDS);
  }
}
