package dev.switchyard.payment;

/** The issuer's hold of an approved authorization: its code and when it lapses unless captured. */
record Hold(String authCode, long expiresAtMillis) {

  /** No hold: before approval, or declined. */
  static final Hold NONE = new Hold("", 0);

  boolean expiredAt(long now) {
    return expiresAtMillis > 0 && now >= expiresAtMillis;
  }
}
