package dev.switchyard.payment;

/**
 * The issuer's hold of an approved authorization: its code, when it lapses unless captured, and whether the switch's
 * stand-in rules approved it.
 */
record Hold(String authCode, long expiresAtMillis, boolean standIn) {

  /** No hold: before approval, or declined. */
  static final Hold NONE = new Hold("", 0, false);

  boolean expiredAt(long now) {
    return expiresAtMillis > 0 && now >= expiresAtMillis;
  }
}
