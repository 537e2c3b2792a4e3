package dev.switchyard.payment;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One SHA-256 digest per thread for the hashes computed on every request (payment ids, parameter digests) and
 * for the gateway's comparison of acquirer secrets: looking a digest up through the security providers each time
 * showed in the gateway's profile. A digest is not thread-safe; digest() resets it, so the next caller on the
 * thread starts clean.
 */
public final class Sha256 {

  private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  });

  private Sha256() {}

  /** This thread's digest, reset; finish every use with digest(). */
  public static MessageDigest get() {
    MessageDigest digest = DIGESTS.get();
    digest.reset();
    return digest;
  }
}
