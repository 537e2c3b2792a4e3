package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.PaymentView;

/**
 * A payment's state: one immutable record per phase of its lifecycle, each holding its own rules and the
 * arithmetic of its events.
 *
 * <pre>
 *   Empty ─authorize─► Authorizing ─approved─► Open ─final capture, C = A, expiry with C > 0─► Settled
 *                          │  └─declined─► Closed(DECLINED)       │ void (C = 0) ─► Closed(VOIDED)
 *                          └─no answer─► InDoubt ─reversed─► Closed(VOIDED)   └ expiry (C = 0) ─► Closed(EXPIRED)
 * </pre>
 *
 * Open takes captures, refunds and disputes of what is captured, increments and a void while nothing is; Settled
 * takes refunds and disputes; Closed refuses everything. A reversal owed to the issuer ({@link Owed}) is retried
 * in whichever phase the payment is.
 */
public sealed interface Payment permits Payment.Empty, Payment.Unreadable, Payment.Live {

  /** The payment after {@code event}. */
  Payment apply(PaymentEvent event);

  /** Before the first event: no payment exists under this id. */
  record Empty() implements Payment {
    @Override
    public Payment apply(PaymentEvent event) {
      return event.hasAuthorizationRequested()
          ? Authorizing.start(event)
          : new Unreadable(1, "a payment's first event must be authorization_requested, not " + kind(event));
    }
  }

  /**
   * A journal this node cannot follow: an event of a type it does not know (written by a newer version during a
   * rolling upgrade), or one that does not apply where it stands. The payment answers every command with
   * {@link Outcome#UNREADABLE} and writes nothing, instead of failing and restarting in a loop.
   */
  record Unreadable(long version, String why) implements Payment {
    @Override
    public Payment apply(PaymentEvent event) {
      return new Unreadable(version + 1, why);
    }
  }

  /** The event's type as stored, or a description of an unknown one. */
  static String kind(PaymentEvent event) {
    return event.getBodyCase() == PaymentEvent.BodyCase.BODY_NOT_SET
        ? "an event type this version does not know (fields " + event.getUnknownFields().asMap().keySet() + ")"
        : event.getBodyCase().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A payment that exists. */
  sealed interface Live extends Payment permits Authorizing, InDoubt, Funded, Closed {

    Core core();

    Amounts amounts();

    /** The state acquirers see. */
    PaymentState status();

    /** The phase with other bookkeeping. */
    Live withCore(Core core);

    /** The phase {@code event} leads to, before bookkeeping; null when the event does not apply here. */
    Live next(PaymentEvent event);

    default Hold hold() {
      return Hold.NONE;
    }

    default Disputes disputes() {
      return Disputes.NONE;
    }

    /** The reversal owed to the issuer, or null. */
    default Owed owed() {
      return null;
    }

    default Origin origin() {
      return core().origin();
    }

    @Override
    default Payment apply(PaymentEvent event) {
      if (event.getBodyCase() == PaymentEvent.BodyCase.BODY_NOT_SET) {
        return new Unreadable(core().version() + 1, kind(event) + ", written by a newer version?");
      }
      // A refusal moves nothing in any phase: only the answer and the version change.
      // Neither does a risk decision: the event after it does (or its refusal).
      Live next = event.hasRequestRefused() || event.hasRiskAssessed() ? this : next(event);
      if (next == null) {
        return new Unreadable(core().version() + 1, kind(event) + " does not apply to a payment in " + status());
      }
      try {
        return core().recording(event, next);
      } catch (IllegalArgumentException unknownCode) {
        return new Unreadable(core().version() + 1, kind(event) + " with " + unknownCode.getMessage());
      }
    }

    /** What an answer shows: never more of the card than BIN and last four. */
    default PaymentView view() {
      Origin o = origin();
      Amounts a = amounts();
      PaymentView.Builder b = PaymentView.newBuilder()
          .setPaymentId(o.paymentId())
          .setState(status())
          .setAcquirerId(o.acquirerId())
          .setAcquirerReference(o.reference())
          .setMerchantId(o.merchantId())
          .setCurrency(a.currency().getCurrencyCode())
          .setAuthorizedMinor(a.authorized())
          .setCapturedMinor(a.captured())
          .setRefundedMinor(a.refunded())
          .setChargedBackMinor(a.chargedBack())
          .setAuthCode(hold().authCode())
          .setStandIn(hold().standIn())
          .setCard(o.card())
          .setExpiresAtMillis(hold().expiresAtMillis())
          .setVersion(core().version());
      Dispute current = disputes().current();
      if (current != null) {
        b.setDispute(current.toProto());
      }
      disputes().all().forEach(d -> b.addDisputes(d.toProto()));
      return b.build();
    }

    /** The event a deadline of this phase calls for now (an expiry, a dispute lost by silence), or null. */
    default PaymentEvent.Builder due(long now) {
      return null;
    }

    /**
     * What an earlier incarnation left unfinished, to send to itself once recovered: an issuer call whose answer
     * died with it, or a reversal it owes. Null when nothing is unfinished.
     */
    default PaymentCommand resumeAfterRecovery() {
      return owed() != null ? new PaymentCommand.WakeUp() : null;
    }

    /** The owed reversal after a reversal event; the unchanged one for any other event. */
    default Owed owedAfter(PaymentEvent event) {
      return switch (event.getBodyCase()) {
        case REVERSAL_FAILED -> owed().failed(event.getReversalFailed().getAttempts(),
            event.getReversalFailed().getNextRetryAtMillis(), event.getReversalFailed().getNotSent());
        case REVERSED -> null;
        default -> owed();
      };
    }

    /** Whether {@code event} only moves the owed reversal. */
    static boolean reversalEvent(PaymentEvent event) {
      return event.hasReversalFailed() || event.hasReversed();
    }
  }
}
