package dev.switchyard.payment;

/**
 * What became of a command, in the payment's own terms. Codes in ranges, like an ISO 8583 response code list:
 * 0 done, 1000-1999 declines by the issuer or the switch's rules, 2000-2999 refusals (nothing was done),
 * 9000-9999 conditions of the switch itself. {@link ResultCodes} maps them to the wire's {@code ResultCode}, in
 * one table; nothing else in the domain names a wire code.
 */
public enum Outcome {
  APPROVED(0),

  DO_NOT_HONOR(1000),
  INSUFFICIENT_FUNDS(1001),
  EXPIRED_CARD(1002),
  INVALID_AMOUNT(1003),
  RESTRICTED_CARD(1004),
  SUSPECTED_FRAUD(1005),
  RISK_DECLINED(1006),
  ISSUER_UNAVAILABLE(1007),
  /** The issuer was unreachable and the stand-in limits did not allow approving; nothing was sent. */
  STAND_IN_DECLINED(1008),
  /** The issuer was unreachable and the request is not stood in for; nothing was sent. */
  ISSUER_UNREACHABLE(1009),

  INVALID_REQUEST(2000),
  INVALID_STATE(2001),
  AMOUNT_EXCEEDS_AVAILABLE(2002),
  CURRENCY_MISMATCH(2003),
  NOT_FOUND(2004),
  IDEMPOTENCY_CONFLICT(2005),
  DISPUTE_CONFLICT(2007),

  /** Too much is waiting for this payment; nothing was done. */
  OVERLOADED(9001),
  /** The payment's journal holds an event this node cannot read (written by a newer version). */
  UNREADABLE(9002);

  private final int code;

  Outcome(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public boolean approved() {
    return code == 0;
  }

  /** A business decline (1000-1999). */
  public boolean declined() {
    return code >= 1000 && code < 2000;
  }

  /** Nothing was done (2000 and above). */
  public boolean refused() {
    return code >= 2000;
  }
}
