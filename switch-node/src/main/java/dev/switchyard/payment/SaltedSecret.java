package dev.switchyard.payment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A secret as a node keeps it (an acquirer's secret, an operator's bearer token): {@code sha256:<salt>:<digest>},
 * the SHA-256 of a random 16-byte salt followed by the secret (hex), or, in the configuration of a development
 * overlay only, an acquirer's secret itself.
 * Secrets are long random strings ({@link #generate}), so one salted digest is what a slow password hash would be
 * for a human's password, and a hello costs microseconds on the event loop.
 */
public final class SaltedSecret {

  private static final String PREFIX = "sha256:";
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] NO_SALT = new byte[0];

  private SaltedSecret() {}

  /** Whether {@code stored} is a salted digest rather than a plain secret. */
  public static boolean isHashed(String stored) {
    return stored.startsWith(PREFIX);
  }

  /** Refuses a stored value that looks like a digest but is not one, naming {@code where}. */
  public static void check(String where, String stored) {
    if (isHashed(stored)) {
      parse(where, stored);
    } else if (stored.isEmpty()) {
      throw new IllegalArgumentException(where + ": an empty secret");
    }
  }

  /** Whether {@code presented} is the secret {@code stored} keeps, compared in constant time. */
  public static boolean matches(String stored, String presented) {
    byte[][] saltAndDigest = isHashed(stored) ? parse("stored secret", stored)
        : new byte[][] {NO_SALT, digest(NO_SALT, stored)};
    return MessageDigest.isEqual(saltAndDigest[1], digest(saltAndDigest[0], presented));
  }

  /** The stored form of {@code secret}, under a new random salt. */
  public static String hash(String secret) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    HexFormat hex = HexFormat.of();
    return PREFIX + hex.formatHex(salt) + ":" + hex.formatHex(digest(salt, secret));
  }

  /** A new secret: 32 random bytes, base64url. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[][] parse(String where, String stored) {
    String[] parts = stored.substring(PREFIX.length()).split(":", -1);
    try {
      if (parts.length == 2) {
        byte[] salt = HexFormat.of().parseHex(parts[0]);
        byte[] digest = HexFormat.of().parseHex(parts[1]);
        if (salt.length >= SALT_BYTES && digest.length == 32) {
          return new byte[][] {salt, digest};
        }
      }
    } catch (IllegalArgumentException e) {
      // Not hex: refused below.
    }
    throw new IllegalArgumentException(where + ": not sha256:<salt, 16 bytes or more, hex>:<SHA-256, hex>");
  }

  private static byte[] digest(byte[] salt, String secret) {
    MessageDigest md = Sha256.get();
    md.update(salt);
    return md.digest(secret.getBytes(StandardCharsets.UTF_8));
  }
}
