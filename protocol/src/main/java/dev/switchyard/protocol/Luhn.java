package dev.switchyard.protocol;

/** The Luhn (mod 10) check of card numbers: used to refuse mistyped PANs and to make valid test PANs. */
public final class Luhn {

  private Luhn() {}

  /** Whether a string of digits passes the check. */
  public static boolean isValid(CharSequence digits) {
    return sum(digits, false) % 10 == 0;
  }

  /** The digit to append to {@code payload} to make it pass. */
  public static int checkDigit(CharSequence payload) {
    return (10 - sum(payload, true) % 10) % 10;
  }

  private static int sum(CharSequence digits, boolean doubleLast) {
    int sum = 0;
    boolean twice = doubleLast;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum;
  }
}
