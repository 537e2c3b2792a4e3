package dev.switchyard.issuer;

import dev.switchyard.payment.Outcome;
import java.util.Map;

/**
 * The one table between ISO 8583 response codes (field 39) and the payment's outcomes. An issuer's code that is
 * not in it is a decline (DO_NOT_HONOR) with the code kept in the reason, never an approval.
 */
public final class ResponseCodes {

  private static final Map<String, Outcome> FROM_ISSUER = Map.of(
      "00", Outcome.APPROVED,
      "05", Outcome.DO_NOT_HONOR,
      "13", Outcome.INVALID_AMOUNT,
      "51", Outcome.INSUFFICIENT_FUNDS,
      "54", Outcome.EXPIRED_CARD,
      "59", Outcome.SUSPECTED_FRAUD,
      "62", Outcome.RESTRICTED_CARD);

  private static final Map<Outcome, String> TO_ISSUER = Map.of(
      Outcome.APPROVED, "00",
      Outcome.DO_NOT_HONOR, "05",
      Outcome.INVALID_AMOUNT, "13",
      Outcome.INSUFFICIENT_FUNDS, "51",
      Outcome.EXPIRED_CARD, "54",
      Outcome.SUSPECTED_FRAUD, "59",
      Outcome.RESTRICTED_CARD, "62");

  private ResponseCodes() {}

  /** What an issuer's code means to the payment; an unknown code is a decline. */
  public static Outcome outcome(String code) {
    Outcome known = code == null ? null : FROM_ISSUER.get(code);
    return known != null ? known : Outcome.DO_NOT_HONOR;
  }

  /** Whether the table knows {@code code}. */
  public static boolean known(String code) {
    return code != null && FROM_ISSUER.containsKey(code);
  }

  /** The code an issuer sends for {@code outcome} (for the simulator); null for an outcome no issuer sends. */
  public static String code(Outcome outcome) {
    return TO_ISSUER.get(outcome);
  }
}
