package dev.switchyard.payment;

import dev.switchyard.CborSerializable;
import dev.switchyard.protocol.v1.ReversalKind;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything a payment accepts: requests from acquirers and the back office, reads, wake-ups, issuer answers. */
public sealed interface PaymentCommand extends CborSerializable {

  /** A command from outside that carries an idempotency key and wants one answer. */
  sealed interface RequestCommand extends PaymentCommand {
    String requestId();

    ActorRef<Reply> replyTo();

    /** Digest of the parameters (everything but the request id and the reply address). */
    long paramsHash();

    /** Whether {@code stored}, the digest of an earlier request, says that request had these parameters. */
    default boolean sameParams(long stored) {
      return stored == paramsHash();
    }

    /** How a refusal in a phase that does not take this command names it. */
    String operation();
  }

  /** A command from an acquirer: it may only touch the acquirer's own payments. */
  sealed interface AcquirerCommand extends RequestCommand {
    String acquirerId();
  }

  /**
   * Creates the payment and asks the issuer. {@code pan} goes to the issuer and nowhere else (see {@link Pan});
   * the parameters' digest uses the card's keyed hash. The presentment is recorded, not part of the digest: a
   * retry is the same request whatever the device said the second time. {@code earlierPanHashes} are the card's
   * hashes under the card-hash keys before the newest: a retry of a request made before a key rotation is still
   * the same request.
   */
  record Authorize(
      String requestId, String acquirerId, String reference, String merchantId, Money amount, Card card, Pan pan,
      Presentment presentment, java.util.List<String> earlierPanHashes, ActorRef<Reply> replyTo)
      implements AcquirerCommand {

    /** A node of an earlier version sends no earlier hashes. */
    public Authorize {
      earlierPanHashes = earlierPanHashes == null ? java.util.List.of() : earlierPanHashes;
    }

    /** An authorization of a card hashed under the only key. */
    public Authorize(String requestId, String acquirerId, String reference, String merchantId, Money amount,
        Card card, Pan pan, Presentment presentment, ActorRef<Reply> replyTo) {
      this(requestId, acquirerId, reference, merchantId, amount, card, pan, presentment, java.util.List.of(),
          replyTo);
    }

    /** An authorization without a presentment. */
    public Authorize(String requestId, String acquirerId, String reference, String merchantId, Money amount,
        Card card, Pan pan, ActorRef<Reply> replyTo) {
      this(requestId, acquirerId, reference, merchantId, amount, card, pan, Presentment.NONE, replyTo);
    }

    @Override
    public long paramsHash() {
      return paramsHash(card.panHash());
    }

    @Override
    public boolean sameParams(long stored) {
      return stored == paramsHash() || earlierPanHashes.stream().anyMatch(h -> stored == paramsHash(h));
    }

    private long paramsHash(String panHash) {
      return ParamsHash.of("authorize", acquirerId, reference, merchantId, amount, panHash, card.expiryMonth(),
          card.expiryYear());
    }

    @Override
    public String operation() {
      return "authorization";
    }
  }

  /** Raises the hold while nothing is captured. */
  record IncrementAuthorization(String requestId, String acquirerId, Money amount, ActorRef<Reply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("increment", acquirerId, amount);
    }

    @Override
    public String operation() {
      return "incremental authorization (only while nothing is captured)";
    }
  }

  /** Captures part or all of what is authorized. */
  record Capture(
      String requestId, String acquirerId, Money amount, boolean finalCapture, ActorRef<Reply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("capture", acquirerId, amount, finalCapture);
    }

    @Override
    public String operation() {
      return "capture";
    }
  }

  /** Cancels an authorization with nothing captured. */
  record VoidAuthorization(String requestId, String acquirerId, ActorRef<Reply> replyTo) implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("void", acquirerId);
    }

    @Override
    public String operation() {
      return "void (only while nothing is captured)";
    }
  }

  /** Returns captured money. */
  record Refund(String requestId, String acquirerId, Money amount, ActorRef<Reply> replyTo)
      implements AcquirerCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("refund", acquirerId, amount);
    }

    @Override
    public String operation() {
      return "refund";
    }
  }

  /** A dispute command of the back office (card network), about one dispute of the payment. */
  sealed interface DisputeCommand extends RequestCommand {
    String disputeId();

    @Override
    default String operation() {
      return "dispute (only on a captured payment)";
    }
  }

  /** Opens a chargeback. */
  record OpenDispute(
      String requestId, String disputeId, Money amount, String reasonCode, int respondWithinDays,
      ActorRef<Reply> replyTo) implements DisputeCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-open", disputeId, amount, reasonCode, respondWithinDays);
    }
  }

  /** The merchant answered the dispute with evidence. */
  record SubmitDisputeEvidence(String requestId, String disputeId, String evidenceRef, ActorRef<Reply> replyTo)
      implements DisputeCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-evidence", disputeId, evidenceRef);
    }
  }

  /** The merchant accepts the chargeback. */
  record AcceptDispute(String requestId, String disputeId, ActorRef<Reply> replyTo) implements DisputeCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-accept", disputeId);
    }
  }

  /** The network decided the dispute. */
  record DecideDispute(String requestId, String disputeId, boolean won, ActorRef<Reply> replyTo)
      implements DisputeCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-decide", disputeId, won);
    }
  }

  /** Pre-arbitration / second chargeback after a won dispute. */
  record PreArbitrate(
      String requestId, String disputeId, String reasonCode, int respondWithinDays, ActorRef<Reply> replyTo)
      implements DisputeCommand {
    @Override
    public long paramsHash() {
      return ParamsHash.of("dispute-prearb", disputeId, reasonCode, respondWithinDays);
    }
  }

  /** Reads the payment; an empty acquirer id means an operator, who may read any payment. */
  record Get(String acquirerId, ActorRef<Reply> replyTo) implements PaymentCommand {}

  /** From the deadline sweeper or a timer: re-check every deadline against the payment's own state. */
  record WakeUp() implements PaymentCommand {}

  // --- the issuer's answers, sent by the payment to itself ----------------------------------------------

  /** The issuer decided the authorization. */
  record IssuerAnswered(IssuerGateway.Decision decision) implements PaymentCommand {}

  /** The authorization's outcome is unknown. */
  record IssuerFailed(IssuerFailure failure) implements PaymentCommand {}

  /**
   * The issuer decided an increment, or its outcome is unknown ({@code failure} set); {@code replyTo} waits for
   * the answer, or is null when the request's incarnation is gone.
   */
  record IncrementAnswered(
      String requestId, IssuerGateway.Decision decision, IssuerFailure failure, ActorRef<Reply> replyTo)
      implements PaymentCommand {}

  /** The risk decision on the authorization or increment {@code key} names ({@link RiskAssessor.Request#key}). */
  record RiskAnswered(String key, dev.switchyard.protocol.v1.RiskAssessed assessed) implements PaymentCommand {}

  /** The issuer acknowledged an owed reversal, or did not. */
  record ReversalAnswered(ReversalKind kind, boolean acknowledged, boolean notSent) implements PaymentCommand {}
}
