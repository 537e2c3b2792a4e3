package dev.switchyard.loadtest;

import dev.switchyard.protocol.Luhn;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.Capture;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.Refund;
import dev.switchyard.protocol.v1.Void;
import java.util.SplittableRandom;

/**
 * What one arrival does. Every arrival starts a payment with an authorization; what follows its approval
 * depends on the mix. Amounts avoid the issuer simulator's decline suffixes (…05, …13, …51, …54, …59, …62,
 * …91), so every authorization is expected to be approved and anything else counts as an error.
 */
public enum Workload {
  /** Authorizations only. */
  AUTHORIZE,
  /** Authorize, then capture the full amount: one payment, two acquirer operations, three journal events. */
  AUTHORIZE_CAPTURE,
  /** Realistic: captures (some partial, followed by partial refunds), voids, uncaptured holds, 2% invalid requests. */
  MIXED;

  /** What to send after an approved authorization; null when the payment is done. */
  public record Step(Stats.Op op, AcquirerRequest.Builder request, Step then) {}

  public static Workload parse(String name) {
    return switch (name.toLowerCase()) {
      case "authorize" -> AUTHORIZE;
      case "authorize-capture", "authorize+capture" -> AUTHORIZE_CAPTURE;
      case "mixed", "realistic" -> MIXED;
      default -> throw new IllegalArgumentException("unknown mix " + name + ": authorize, authorize-capture, mixed");
    };
  }

  /** Whether this arrival is a deliberately invalid request (only in the mixed workload). */
  public boolean invalid(SplittableRandom random) {
    return this == MIXED && random.nextInt(50) == 0;
  }

  /** The first request of an arrival. */
  public AcquirerRequest.Builder first(String reference, long amount, SplittableRandom random, boolean invalid) {
    String pan = invalid ? Cards.badLuhn(random) : Cards.pan(random);
    return AcquirerRequest.newBuilder()
        .setRequestId(reference + "-a")
        .setAuthorize(Authorize.newBuilder()
            .setAcquirerReference(reference)
            .setMerchantId("merchant-" + random.nextInt(100))
            .setAmount(money(amount))
            .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(1 + random.nextInt(12)).setExpiryYear(2031)));
  }

  /** The follow-up steps after an approved authorization. */
  public Step after(String reference, String paymentId, long amount, SplittableRandom random) {
    return switch (this) {
      case AUTHORIZE -> null;
      case AUTHORIZE_CAPTURE -> new Step(Stats.Op.CAPTURE, capture(reference, paymentId, amount, true), null);
      case MIXED -> {
        int roll = random.nextInt(100);
        if (roll < 50) {
          yield new Step(Stats.Op.CAPTURE, capture(reference, paymentId, amount, true), null);
        } else if (roll < 70) {
          long part = Math.max(1, amount / 2);
          yield new Step(Stats.Op.CAPTURE, capture(reference, paymentId, part, true),
              new Step(Stats.Op.REFUND, refund(reference, paymentId, Math.max(1, part / 2)), null));
        } else if (roll < 80) {
          yield new Step(Stats.Op.VOID, AcquirerRequest.newBuilder().setRequestId(reference + "-v")
              .setVoid(Void.newBuilder().setPaymentId(paymentId)), null);
        } else {
          yield null;
        }
      }
    };
  }

  /** An amount in minor units that the simulated issuer approves. */
  public static long amount(SplittableRandom random) {
    long a = 100 + random.nextLong(99_900);
    int suffix = (int) (a % 100);
    return switch (suffix) {
      case 5, 13, 51, 54, 59, 62, 91 -> a + 1;
      default -> a;
    };
  }

  private static AcquirerRequest.Builder capture(String reference, String paymentId, long amount, boolean fin) {
    return AcquirerRequest.newBuilder().setRequestId(reference + "-c")
        .setCapture(Capture.newBuilder().setPaymentId(paymentId).setAmount(money(amount)).setFinal(fin));
  }

  private static AcquirerRequest.Builder refund(String reference, String paymentId, long amount) {
    return AcquirerRequest.newBuilder().setRequestId(reference + "-r")
        .setRefund(Refund.newBuilder().setPaymentId(paymentId).setAmount(money(amount)));
  }

  private static Money money(long amount) {
    return Money.newBuilder().setMinorUnits(amount).setCurrency("EUR").build();
  }

  /** Card numbers for load: Luhn-valid test numbers, or deliberately broken ones. */
  static final class Cards {
    private Cards() {}

    static String pan(SplittableRandom random) {
      StringBuilder digits = new StringBuilder("4");
      for (int i = 0; i < 14; i++) {
        digits.append(random.nextInt(10));
      }
      return digits.append(Luhn.checkDigit(digits)).toString();
    }

    static String badLuhn(SplittableRandom random) {
      String good = pan(random);
      int last = good.charAt(good.length() - 1) - '0';
      return good.substring(0, good.length() - 1) + ((last + 1) % 10);
    }

  }
}
