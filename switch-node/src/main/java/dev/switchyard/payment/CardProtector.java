package dev.switchyard.payment;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a card number into what may leave the gateway: BIN, last four digits and an HMAC-SHA-256 of the PAN
 * under a configured key, with that key's id. The same PAN under the same key always gives the same hash
 * (velocity checks, lookup); without the key the hash says nothing about the PAN. Keys rotate: new cards are
 * hashed under the newest, and the earlier ones still give the hashes older records hold.
 */
public final class CardProtector {

  private static final String ALGORITHM = "HmacSHA256";

  /** One key: its id (recorded with every hash made under it) and its secret. */
  public record Key(String id, String secret) {
    public Key {
      if (secret == null || secret.length() < 16) {
        throw new IllegalArgumentException("a card-hash key must be a secret of at least 16 characters"
            + (id == null || id.isEmpty() ? "" : " (key '" + id + "')"));
      }
    }

    @Override
    public String toString() {
      return "Key[" + id + "]";
    }
  }

  private final Key newest;
  private final List<Key> earlier;
  /**
   * One initialized Mac per key and thread: a Mac is not thread-safe, and looking one up and keying it for every
   * card showed in the gateway's profile. doFinal leaves it ready for the next PAN.
   */
  private final List<ThreadLocal<Mac>> macs;

  /** One key, without an id (the form before keys had ids). */
  public CardProtector(String secret) {
    this(List.of(new Key("", checked(secret))));
  }

  /** {@code keys} newest first: new cards are hashed under the first, lookups try every one. */
  public CardProtector(List<Key> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("switch.card.pan-hash-key must be set");
    }
    if (keys.stream().map(Key::id).distinct().count() != keys.size()) {
      throw new IllegalArgumentException("switch.card: two card-hash keys have the same id");
    }
    this.newest = keys.get(0);
    this.earlier = List.copyOf(keys.subList(1, keys.size()));
    this.macs = keys.stream().map(k -> ThreadLocal.withInitial(() -> newMac(k))).toList();
  }

  /**
   * The keys {@code switch.card} names: {@code pan-hash-key} with {@code pan-hash-key-id} the newest, then
   * {@code previous-pan-hash-keys} and those of {@code previous-pan-hash-keys-file}, still used for lookups.
   */
  public static CardProtector create(Config config) {
    Config c = config.getConfig("switch.card");
    if (!c.hasPath("pan-hash-key")) {
      throw new IllegalArgumentException(
          "switch.card.pan-hash-key must be set to a secret of at least 16 characters (SWITCH_PAN_HASH_KEY)");
    }
    List<Key> keys = new ArrayList<>();
    keys.add(new Key(c.getString("pan-hash-key-id"), checked(c.getString("pan-hash-key"))));
    List<? extends Config> previous = new ArrayList<>(c.getConfigList("previous-pan-hash-keys"));
    String file = c.getString("previous-pan-hash-keys-file");
    if (!file.isBlank()) {
      java.io.File f = new java.io.File(file);
      if (!f.isFile()) {
        throw new IllegalArgumentException("switch.card.previous-pan-hash-keys-file: no file at " + file);
      }
      previous = java.util.stream.Stream.concat(previous.stream(),
          ConfigFactory.parseFile(f).getConfigList("keys").stream()).toList();
    }
    for (Config k : previous) {
      keys.add(new Key(k.getString("id"), k.getString("key")));
    }
    return new CardProtector(keys);
  }

  private static String checked(String secret) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException(
          "switch.card.pan-hash-key must be set to a secret of at least 16 characters");
    }
    return secret;
  }

  /** The PAN must already be validated (digits only, 12 to 19 long). Hashed under the newest key. */
  public Card protect(String pan, int expiryMonth, int expiryYear) {
    return new Card(pan.substring(0, 6), pan.substring(pan.length() - 4), hash(pan), expiryMonth, expiryYear,
        newest.id());
  }

  /** The PAN's hash under the newest key. */
  public String hash(String pan) {
    return hash(0, pan);
  }

  /** The PAN's hashes under the keys before the newest, newest first: what older records of it hold. */
  public List<String> earlierHashes(String pan) {
    List<String> hashes = new ArrayList<>(earlier.size());
    for (int i = 1; i <= earlier.size(); i++) {
      hashes.add(hash(i, pan));
    }
    return hashes;
  }

  /** The id recorded with a hash made now. */
  public String newestKeyId() {
    return newest.id();
  }

  private String hash(int key, String pan) {
    return HexFormat.of().formatHex(macs.get(key).get().doFinal(pan.getBytes(StandardCharsets.US_ASCII)));
  }

  private static Mac newMac(Key key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key.secret().getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
    }
  }
}
