package dev.switchyard.risk;

import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskDecision;
import dev.switchyard.protocol.v1.RiskInputs;
import dev.switchyard.protocol.v1.RiskRuleResult;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Set;

/**
 * The risk decision: every rule of the set evaluated against the inputs and the velocity counters, the scores of
 * the triggered ones added (at most 1000), and the total compared with the set's review and decline scores. A rule
 * triggers when what it measures is above its limit; velocity counts include the authorization decided on. Pure:
 * the same inputs, counters and rules give the same decision.
 */
public final class RiskEngine {

  public static final int MAX_SCORE = 1000;

  /**
   * The velocity counters a decision saw: null where a key was not asked (no device id, no IP address, or no rule
   * reads it) or did not answer; {@code unavailable} names those that did not answer.
   */
  public record Observed(Velocity.Counts card, Velocity.Counts merchant, Velocity.Counts device, Velocity.Counts ip,
      Set<String> unavailable) {
    public static final Observed NONE = new Observed(null, null, null, null, Set.of());
  }

  private RiskEngine() {}

  /** The decision on {@code in} by {@code rules} (version {@code version}); the duration is the caller's to set. */
  public static RiskAssessed.Builder decide(RiskRules rules, long version, RiskInputs in, Observed seen) {
    RiskAssessed.Builder out = RiskAssessed.newBuilder().setInputs(in).setRuleSetVersion(version)
        .addAllUnavailable(seen.unavailable().stream().sorted().toList());
    int score = 0;
    for (RiskRules.Rule rule : rules.rules()) {
      RiskRuleResult result = evaluate(rule, in, seen);
      out.addRules(result);
      if (result.getTriggered()) {
        score += rule.score();
        out.addReasons(rule.id()).addExplanations(result.getExplanation());
      }
    }
    score = Math.min(MAX_SCORE, score);
    RiskDecision decision = score >= rules.declineScore() ? RiskDecision.RISK_DECLINE
        : score >= rules.reviewScore() ? RiskDecision.RISK_REVIEW : RiskDecision.RISK_APPROVE;
    return out.setScore(score).setDecision(decision);
  }

  static RiskRuleResult evaluate(RiskRules.Rule rule, RiskInputs in, Observed seen) {
    RiskRuleResult.Builder r = RiskRuleResult.newBuilder().setRule(rule.id()).setKind(rule.kind().key())
        .setLimit(rule.limit()).setScore(rule.score());
    Money amount = in.getAmount();
    String currency = amount.getCurrency();
    int w = rule.window() == null ? 0 : rule.window().ordinal();
    String last = rule.window() == null ? "" : " in the last " + rule.window().words();
    switch (rule.kind()) {
      case AMOUNT -> {
        if (!rule.currency().equals(currency)) {
          return notApplicable(r, "the amount is in " + currency + ", the rule's limit in " + rule.currency());
        }
        if (!rule.merchantCategories().isEmpty() && !rule.merchantCategories().contains(in.getMerchantCategory())) {
          return notApplicable(r, in.getMerchantCategory().isEmpty() ? "no merchant category was given"
              : "merchant category " + in.getMerchantCategory() + " is not one of the rule's");
        }
        return measured(r, amount.getMinorUnits(), "an amount of " + money(amount.getMinorUnits(), currency)
            + (in.getMerchantCategory().isEmpty() ? "" : " at merchant category " + in.getMerchantCategory())
            + ", limit " + money(rule.limit(), currency));
      }
      case CARD_COUNT, MERCHANT_COUNT -> {
        boolean card = rule.kind() == RiskRules.Kind.CARD_COUNT;
        Velocity.Counts c = card ? seen.card() : seen.merchant();
        if (c == null) {
          return unavailable(r, card ? "card" : "merchant");
        }
        long n = c.count()[w];
        return measured(r, n, n + " authorization" + (n == 1 ? "" : "s")
            + (card ? " on this card" : " at this merchant") + last + ", limit " + rule.limit());
      }
      case CARD_AMOUNT, MERCHANT_AMOUNT -> {
        boolean card = rule.kind() == RiskRules.Kind.CARD_AMOUNT;
        if (!rule.currency().equals(currency)) {
          return notApplicable(r, "the amount is in " + currency + ", the rule's limit in " + rule.currency());
        }
        Velocity.Counts c = card ? seen.card() : seen.merchant();
        if (c == null) {
          return unavailable(r, card ? "card" : "merchant");
        }
        long sum = c.amount()[w];
        return measured(r, sum, money(sum, currency) + " asked for" + (card ? " on this card" : " at this merchant")
            + last + ", limit " + money(rule.limit(), currency));
      }
      case DECLINES_IN_A_ROW -> {
        if (seen.card() == null) {
          return unavailable(r, "card");
        }
        int n = seen.card().declinesInARow();
        return measured(r, n, n + " issuer decline" + (n == 1 ? "" : "s") + " in a row on this card, limit "
            + rule.limit());
      }
      case COUNTRY_MISMATCH -> {
        if (in.getCardCountry().isEmpty() || in.getMerchantCountry().isEmpty()) {
          return notApplicable(r, in.getCardCountry().isEmpty() ? "the card's BIN has no country in the rule set"
              : "no merchant country was given");
        }
        boolean mismatch = !in.getCardCountry().equals(in.getMerchantCountry());
        return measured(r, mismatch ? 1 : 0, "card issued in " + in.getCardCountry() + ", merchant in "
            + in.getMerchantCountry());
      }
      case CARDS_PER_DEVICE, CARDS_PER_IP -> {
        boolean device = rule.kind() == RiskRules.Kind.CARDS_PER_DEVICE;
        if ((device ? in.getDeviceId() : in.getIpAddress()).isEmpty()) {
          return notApplicable(r, device ? "no device id was given" : "no IP address was given");
        }
        Velocity.Counts c = device ? seen.device() : seen.ip();
        if (c == null) {
          return unavailable(r, device ? "device" : "ip");
        }
        int n = c.linked()[w];
        return measured(r, n, n + " card" + (n == 1 ? "" : "s") + " used from this "
            + (device ? "device" : "IP address") + last + ", limit " + rule.limit());
      }
      case DEVICES_PER_CARD -> {
        if (seen.card() == null) {
          return unavailable(r, "card");
        }
        int n = seen.card().linked()[w];
        return measured(r, n, n + " device" + (n == 1 ? "" : "s") + " used this card" + last + ", limit "
            + rule.limit());
      }
      default -> throw new IllegalStateException("no evaluation for " + rule.kind());
    }
  }

  /**
   * A rule that applied: triggered when {@code observed} is above its limit. Only a triggered rule keeps its words
   * in the audit (the others' observed value and limit say it all, and every authorization writes them).
   */
  private static RiskRuleResult measured(RiskRuleResult.Builder r, long observed, String explanation) {
    boolean triggered = observed > r.getLimit();
    r.setApplicable(true).setObserved(observed).setTriggered(triggered);
    return (triggered ? r.setExplanation(explanation) : r).build();
  }

  private static RiskRuleResult notApplicable(RiskRuleResult.Builder r, String why) {
    return r.setApplicable(false).setExplanation("not applicable: " + why).build();
  }

  private static RiskRuleResult unavailable(RiskRuleResult.Builder r, String counter) {
    return notApplicable(r, "the " + counter + " velocity counters did not answer in time");
  }

  /** Minor units in words: 150000 EUR is "1500.00 EUR". */
  static String money(long minor, String currency) {
    int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currency;
  }
}
