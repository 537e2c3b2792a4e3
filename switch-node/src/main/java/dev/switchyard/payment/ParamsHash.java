package dev.switchyard.payment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A 64-bit digest of a request's parameters: the same request_id with the same digest is a retry, with a
 * different digest a conflict. Fields are separated unambiguously so ("ab","c") and ("a","bc") differ.
 */
public final class ParamsHash {

  private ParamsHash() {}

  public static long of(Object... parts) {
    MessageDigest digest = Sha256.get();
    for (Object part : parts) {
      byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
      digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      digest.update(bytes);
    }
    return ByteBuffer.wrap(digest.digest()).getLong();
  }
}
