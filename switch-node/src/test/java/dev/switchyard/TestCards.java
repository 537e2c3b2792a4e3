package dev.switchyard;

/** Card numbers for tests: Luhn-valid, 16 digits, one per seed. */
public final class TestCards {

  private TestCards() {}

  /** The card number of {@code seed} starting with {@code prefix} (at most 15 digits). */
  public static String pan(String prefix, long seed) {
    StringBuilder digits = new StringBuilder(prefix);
    String tail = Long.toString(Math.abs(seed));
    while (digits.length() + tail.length() < 15) {
      digits.append('0');
    }
    digits.append(tail, Math.max(0, digits.length() + tail.length() - 15), tail.length());
    int sum = 0;
    for (int i = 0; i < 15; i++) {
      int d = digits.charAt(14 - i) - '0';
      sum += i % 2 == 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
    }
    return digits.append((10 - sum % 10) % 10).toString();
  }
}
