package dev.switchyard.payment;

import dev.switchyard.payment.Decision.Refusal;
import dev.switchyard.payment.PaymentCommand.Capture;
import dev.switchyard.payment.PaymentCommand.IncrementAuthorization;
import dev.switchyard.payment.PaymentCommand.VoidAuthorization;
import dev.switchyard.protocol.v1.AuthorizationExpired;
import dev.switchyard.protocol.v1.AuthorizationIncremented;
import dev.switchyard.protocol.v1.Captured;
import dev.switchyard.protocol.v1.IncrementDeclined;
import dev.switchyard.protocol.v1.IncrementRequested;
import dev.switchyard.protocol.v1.IncrementWithdrawn;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.Voided;

/**
 * Authorized, with something still capturable: AUTHORIZED while C = 0, PARTIALLY_CAPTURED after. Captures until a
 * final one or C = A (then Settled); the hold's expiry releases the remainder (Settled, or Closed when nothing
 * was captured). While C = 0: increments (one at a time, {@code pending} while the issuer decides) and a void.
 * Refunds of what is captured leave the remainder capturable.
 */
record Open(Core core, Amounts amounts, Hold hold, Disputes disputes, PendingIncrement pending, Owed owed)
    implements Funded {

  @Override
  public PaymentState status() {
    return amounts.captured() == 0 ? PaymentState.AUTHORIZED : PaymentState.PARTIALLY_CAPTURED;
  }

  @Override
  public Open withCore(Core next) {
    return new Open(next, amounts, hold, disputes, pending, owed);
  }

  @Override
  public Open withMoney(Amounts nextAmounts, Disputes nextDisputes) {
    return new Open(core, nextAmounts, hold, nextDisputes, pending, owed);
  }

  private Open withIncrement(Amounts nextAmounts, Hold nextHold, PendingIncrement nextPending, Owed nextOwed) {
    return new Open(core, nextAmounts, nextHold, disputes, nextPending, nextOwed);
  }

  @Override
  public Payment.Live next(PaymentEvent event) {
    return switch (event.getBodyCase()) {
      case INCREMENT_REQUESTED -> withIncrement(amounts, hold, new PendingIncrement(event.getRequestId(),
          event.getParamsHash(), event.getIncrementRequested().getAmount().getMinorUnits(),
          event.getIncrementRequested().getIssuerDeadlineMillis(),
          Trace.fromProto(event.getIncrementRequested().getIssuer())), owed);
      case INCREMENTED -> withIncrement(
          amounts.authorizedMore(event.getIncremented().getAmount().getMinorUnits()),
          new Hold(hold.authCode(), event.getIncremented().getExpiresAtMillis(), hold.standIn()), null, owed);
      case INCREMENT_DECLINED -> withIncrement(amounts, hold, null, owed);
      case INCREMENT_WITHDRAWN -> withIncrement(amounts, hold, null, Owed.first(ReversalKind.REVERSAL_OF_INCREMENT,
          event.getIncrementWithdrawn().getAmount().getMinorUnits(),
          event.getIncrementWithdrawn().getNextRetryAtMillis(), pending == null ? Trace.NONE : pending.trace()));
      case CAPTURED -> {
        Amounts after = amounts.captured(event.getCaptured().getAmount().getMinorUnits());
        yield event.getCaptured().getFinal() || after.uncaptured() == 0
            ? new Settled(core, after, hold, disputes, owed)
            : withMoney(after, disputes);
      }
      // Voids written before releases were retried carry no retry time: nothing is owed for them.
      case VOIDED -> new Closed(core, amounts, hold, PaymentState.VOIDED,
          event.getVoided().getNextRetryAtMillis() == 0 ? null : Owed.first(ReversalKind.RELEASE_OF_VOIDED_HOLD,
              event.getVoided().getReleasedMinor(), event.getVoided().getNextRetryAtMillis(), core.origin().trace()));
      case EXPIRED -> amounts.captured() == 0
          ? new Closed(core, amounts, hold, PaymentState.EXPIRED, owed)
          : new Settled(core, amounts, hold, disputes, owed);
      case REVERSAL_FAILED, REVERSED -> owed == null ? null : withIncrement(amounts, hold, pending, owedAfter(event));
      default -> moneyAfter(event);
    };
  }

  // --- rules ------------------------------------------------------------------------------------------

  Decision capture(Capture c, long now) {
    if (hold.expiredAt(now)) {
      return lapsed(c.operation());
    }
    Refusal invalid = Decision.amountIn(amounts.currency(), "capture.amount", c.amount());
    if (invalid != null) {
      return invalid;
    }
    if (c.amount().minorUnits() > amounts.uncaptured()) {
      return Decision.exceeds("capture.amount", "capturable", amounts.uncaptured(), amounts.currency());
    }
    return Decision.accept(PaymentEvent.newBuilder().setCaptured(
        Captured.newBuilder().setAmount(c.amount().toProto()).setFinal(c.finalCapture())));
  }

  Decision voidAuthorization(VoidAuthorization v, long now, PaymentSettings settings) {
    if (amounts.captured() != 0) {
      return Decision.invalidState(v.operation(), status());
    }
    // A release of the hold covers an increment still being withdrawn: the issuer undoes everything it holds.
    long released = amounts.authorized() + (owed == null ? 0 : owed.amountMinor());
    return Decision.accept(PaymentEvent.newBuilder().setVoided(Voided.newBuilder()
        .setReleasedMinor(released)
        .setNextRetryAtMillis(now + settings.reversalRetryMin().toMillis())));
  }

  /** An increment allowed now, as an IncrementRequested without its issuer trace (the entity adds it last). */
  Decision increment(IncrementAuthorization i, long now, PaymentSettings settings) {
    if (amounts.captured() != 0) {
      return Decision.invalidState(i.operation(), status());
    }
    if (hold.expiredAt(now)) {
      return lapsed(i.operation());
    }
    if (pending != null) {
      return new Refusal(Outcome.INVALID_STATE, "payment_id",
          "another incremental authorization is waiting for the issuer; one at a time");
    }
    if (owed != null) {
      return new Refusal(Outcome.INVALID_STATE, "payment_id",
          "an earlier increment is still being reversed at the issuer; try again once it is");
    }
    Refusal invalid = Decision.amountIn(amounts.currency(), "increment.amount", i.amount());
    if (invalid != null) {
      return invalid;
    }
    if (Long.MAX_VALUE - amounts.authorized() < i.amount().minorUnits()) {
      return new Refusal(Outcome.INVALID_REQUEST, "increment.amount.minor_units", "the total would overflow");
    }
    return Decision.accept(PaymentEvent.newBuilder().setIncrementRequested(IncrementRequested.newBuilder()
        .setAmount(i.amount().toProto())
        .setIssuerDeadlineMillis(now + settings.issuerTimeout().toMillis())));
  }

  /**
   * The issuer's answer to the pending increment, checked again against the payment as it is now: an approval
   * that arrives after the hold expired does not make the payment grow, and is reversed instead.
   */
  PaymentEvent.Builder incrementDecided(IssuerGateway.Decision d, IssuerFailure failure, long now,
      PaymentSettings settings) {
    if (failure != null) {
      return withdrawn(ResultCode.ISSUER_UNAVAILABLE, failure.reason(), now, settings);
    }
    if (!d.approved()) {
      return PaymentEvent.newBuilder().setIncrementDeclined(IncrementDeclined.newBuilder()
          .setResult(ResultCodes.toWire(d.outcome())).setReason(d.reason()));
    }
    if (hold.expiredAt(now) || amounts.captured() != 0) {
      return withdrawn(ResultCode.INVALID_STATE,
          "the authorization can no longer grow: its hold expired while the issuer was deciding", now, settings);
    }
    return PaymentEvent.newBuilder().setIncremented(AuthorizationIncremented.newBuilder()
        .setAmount(amounts.money(pending.amountMinor()).toProto())
        .setAuthCode(d.authCode())
        .setExpiresAtMillis(Math.max(hold.expiresAtMillis(), now + settings.holdWindow().toMillis())));
  }

  /** The hold's time is up, and its expiry is only waiting to be recorded: nothing may use it any more. */
  private Refusal lapsed(String operation) {
    return new Refusal(Outcome.INVALID_STATE, "payment_id",
        operation + " is not allowed: the authorization's hold expired at " + java.time.Instant.ofEpochMilli(
            hold.expiresAtMillis()));
  }

  private PaymentEvent.Builder withdrawn(ResultCode result, String reason, long now, PaymentSettings settings) {
    return PaymentEvent.newBuilder().setIncrementWithdrawn(IncrementWithdrawn.newBuilder()
        .setResult(result)
        .setReason(reason)
        .setAmount(amounts.money(pending.amountMinor()).toProto())
        .setNextRetryAtMillis(now + settings.reversalRetryMin().toMillis()));
  }

  @Override
  public PaymentEvent.Builder due(long now) {
    PaymentEvent.Builder expiry = expiry(now);
    return expiry != null ? expiry : disputeDeadline(now);
  }

  @Override
  public PaymentCommand resumeAfterRecovery() {
    return pending != null
        ? new PaymentCommand.IncrementAnswered(pending.requestId(), null, IssuerFailure.NODE_RESTARTED, null)
        : Funded.super.resumeAfterRecovery();
  }

  /** The hold's expiry, once due and no increment is waiting for the issuer; else null. */
  PaymentEvent.Builder expiry(long now) {
    if (pending != null || !hold.expiredAt(now)) {
      return null;
    }
    return PaymentEvent.newBuilder()
        .setExpired(AuthorizationExpired.newBuilder().setReleasedMinor(amounts.uncaptured()));
  }
}
