package dev.switchyard.payment;

import dev.switchyard.protocol.v1.CardFingerprint;

/**
 * What the switch keeps of a card once the gateway has seen it: BIN, last four, keyed hash (and the id of its key)
 * and expiry. There is deliberately no field for the card number.
 */
public record Card(String bin, String last4, String panHash, int expiryMonth, int expiryYear, String panHashKeyId) {

  /** A card from a node of an earlier version, which sends no key id, has the key without an id. */
  public Card {
    panHashKeyId = panHashKeyId == null ? "" : panHashKeyId;
  }

  /** A card hashed under the key without an id. */
  public Card(String bin, String last4, String panHash, int expiryMonth, int expiryYear) {
    this(bin, last4, panHash, expiryMonth, expiryYear, "");
  }

  public CardFingerprint toProto() {
    return CardFingerprint.newBuilder()
        .setBin(bin)
        .setLast4(last4)
        .setPanHash(panHash)
        .setExpiryMonth(expiryMonth)
        .setExpiryYear(expiryYear)
        .setPanHashKeyId(panHashKeyId)
        .build();
  }
}
