package dev.switchyard.payment;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a card number into what may leave the gateway: BIN, last four digits and an HMAC-SHA-256 of the PAN
 * under a configured key. The same PAN under the same key always gives the same hash (velocity checks,
 * lookup); without the key the hash says nothing about the PAN.
 */
public final class CardProtector {

  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;
  /**
   * One initialized Mac per thread: a Mac is not thread-safe, and looking one up and keying it for every card
   * showed in the gateway's profile. doFinal leaves it ready for the next PAN.
   */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public CardProtector(String secret) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException(
          "switch.card.pan-hash-key must be set to a secret of at least 16 characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The PAN must already be validated (digits only, 12 to 19 long). */
  public Card protect(String pan, int expiryMonth, int expiryYear) {
    return new Card(pan.substring(0, 6), pan.substring(pan.length() - 4), hash(pan), expiryMonth, expiryYear);
  }

  public String hash(String pan) {
    return HexFormat.of().formatHex(macs.get().doFinal(pan.getBytes(StandardCharsets.US_ASCII)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
    }
  }
}
