package dev.switchyard.payment;

/**
 * The card number, on its way from the gateway to the issuer in an authorization. Only in memory and on the wire:
 * no event, snapshot, answer or log line holds it, and its text form shows only BIN and last four.
 */
public record Pan(String digits) {

  public Pan {
    if (digits == null || digits.length() < 12 || digits.length() > 19 || !digits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("a card number is 12 to 19 digits");
    }
  }

  @Override
  public String toString() {
    return "Pan[" + digits.substring(0, 6) + "…" + digits.substring(digits.length() - 4) + "]";
  }
}
