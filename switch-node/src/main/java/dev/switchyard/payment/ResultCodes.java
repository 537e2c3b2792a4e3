package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ResultCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table between the payment's {@link Outcome} and the {@code ResultCode} of the protocol. Used where an
 * outcome leaves the domain: the acquirer's answer, the back office's reply, the events and answers that are
 * stored (the protocol's numbers are stable and never reused, which stored data needs) and read back.
 */
public final class ResultCodes {

  private static final Map<Outcome, ResultCode> TO_WIRE = new EnumMap<>(Outcome.class);
  private static final Map<ResultCode, Outcome> FROM_WIRE = new EnumMap<>(ResultCode.class);

  static {
    map(Outcome.APPROVED, ResultCode.APPROVED);
    map(Outcome.DO_NOT_HONOR, ResultCode.DO_NOT_HONOR);
    map(Outcome.INSUFFICIENT_FUNDS, ResultCode.INSUFFICIENT_FUNDS);
    map(Outcome.EXPIRED_CARD, ResultCode.EXPIRED_CARD);
    map(Outcome.INVALID_AMOUNT, ResultCode.INVALID_AMOUNT);
    map(Outcome.RESTRICTED_CARD, ResultCode.RESTRICTED_CARD);
    map(Outcome.SUSPECTED_FRAUD, ResultCode.SUSPECTED_FRAUD);
    map(Outcome.RISK_DECLINED, ResultCode.RISK_DECLINED);
    map(Outcome.ISSUER_UNAVAILABLE, ResultCode.ISSUER_UNAVAILABLE);
    map(Outcome.STAND_IN_DECLINED, ResultCode.STAND_IN_DECLINED);
    map(Outcome.ISSUER_UNREACHABLE, ResultCode.ISSUER_UNREACHABLE);
    map(Outcome.INVALID_REQUEST, ResultCode.INVALID_REQUEST);
    map(Outcome.INVALID_STATE, ResultCode.INVALID_STATE);
    map(Outcome.AMOUNT_EXCEEDS_AVAILABLE, ResultCode.AMOUNT_EXCEEDS_AVAILABLE);
    map(Outcome.CURRENCY_MISMATCH, ResultCode.CURRENCY_MISMATCH);
    map(Outcome.NOT_FOUND, ResultCode.NOT_FOUND);
    map(Outcome.IDEMPOTENCY_CONFLICT, ResultCode.IDEMPOTENCY_CONFLICT);
    map(Outcome.DISPUTE_CONFLICT, ResultCode.DISPUTE_CONFLICT);
    map(Outcome.OVERLOADED, ResultCode.OVERLOADED);
    // The acquirer learns that the switch failed and nothing is known to be done: retry later, after the upgrade.
    map(Outcome.UNREADABLE, ResultCode.SYSTEM_ERROR);
  }

  private ResultCodes() {}

  private static void map(Outcome outcome, ResultCode code) {
    TO_WIRE.put(outcome, code);
    FROM_WIRE.put(code, outcome);
  }

  public static ResultCode toWire(Outcome outcome) {
    return TO_WIRE.get(outcome);
  }

  /** The outcome a stored or received code stands for; a code no payment answers with is refused. */
  public static Outcome fromWire(ResultCode code) {
    Outcome outcome = FROM_WIRE.get(code);
    if (outcome == null) {
      throw new IllegalArgumentException("a result code this version does not know (" + code
          + (code == ResultCode.UNRECOGNIZED ? "" : " " + code.getNumber()) + ")");
    }
    return outcome;
  }
}
