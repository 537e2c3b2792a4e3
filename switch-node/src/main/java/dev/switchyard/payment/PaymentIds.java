package dev.switchyard.payment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Payment ids are derived from (acquirer id, acquirer reference), so a retried authorization reaches the same
 * entity without any lookup. The id is the first 16 bytes of SHA-256 over both, hex-encoded with a prefix.
 */
public final class PaymentIds {

  public static final String PREFIX = "pay_";

  private PaymentIds() {}

  public static String derive(String acquirerId, String acquirerReference) {
    MessageDigest digest = Sha256.get();
    digest.update(acquirerId.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    digest.update(acquirerReference.getBytes(StandardCharsets.UTF_8));
    byte[] hash = digest.digest();
    return PREFIX + HexFormat.of().formatHex(hash, 0, 16);
  }

  /** Whether a string has the shape of a payment id; anything else is refused before reaching sharding. */
  public static boolean isWellFormed(String id) {
    if (id == null || id.length() != PREFIX.length() + 32 || !id.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The payment's retrieval reference number (ISO 8583 field 37, 12 characters): the last 12 hex digits of its
   * id, upper case. The same for every request about the payment.
   */
  public static String rrn(String paymentId) {
    return paymentId.substring(paymentId.length() - 12).toUpperCase(java.util.Locale.ROOT);
  }

  /** The payment id inside a persistence id ({@code Payment|pay_...}). */
  public static String fromPersistenceId(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? persistenceId : persistenceId.substring(bar + 1);
  }
}
