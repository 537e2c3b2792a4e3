package dev.switchyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskDecision;
import dev.switchyard.protocol.v1.RiskInputs;
import dev.switchyard.protocol.v1.RiskRuleResult;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of rule below, at and above its limit, with the words an operator reads. */
class RiskEngineTest {

  private static final RiskInputs BASE = RiskInputs.newBuilder().setCardBin("411111").setCardLast4("1111")
      .setCardHash("ab12").setMerchantId("m-1").setMerchantCategory("5411").setMerchantCountry("DE")
      .setAmount(Money.newBuilder().setMinorUnits(10_000).setCurrency("EUR")).build();

  private static RiskRules oneRule(String rule) {
    return RiskRules.parse("review-score = 300, decline-score = 700, rules = [" + rule + "]");
  }

  /** Counters with {@code n} in every window: count, amount and linked keys. */
  private static Velocity.Counts counts(long n) {
    return new Velocity.Counts(new long[] {n, n, n}, new long[] {n, n, n}, new int[] {(int) n, (int) n, (int) n},
        (int) n);
  }

  private static RiskRuleResult evaluate(String rule, RiskInputs in, Velocity.Counts c) {
    RiskAssessed d = RiskEngine.decide(oneRule(rule), 7, in, new RiskEngine.Observed(c, c, c, c, Set.of())).build();
    assertThat(d.getRulesCount()).isEqualTo(1);
    RiskRuleResult r = d.getRules(0);
    assertThat(d.getReasonsList()).isEqualTo(r.getTriggered() ? java.util.List.of(r.getRule()) : java.util.List.of());
    assertThat(d.getRuleSetVersion()).isEqualTo(7);
    return r;
  }

  /** Each velocity kind with its keys, and its explanation with %s for what it observed. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "card-count, window = 1h | %s authorizations on this card in the last hour, limit 10",
      "card-count, window = 1m | %s authorizations on this card in the last minute, limit 10",
      "card-amount, window = 24h, currency = EUR | 0.%s EUR asked for on this card in the last 24 hours,"
          + " limit 0.10 EUR",
      "merchant-count, window = 1m | %s authorizations at this merchant in the last minute, limit 10",
      "merchant-amount, window = 1h, currency = EUR | 0.%s EUR asked for at this merchant in the last hour,"
          + " limit 0.10 EUR",
      "declines-in-a-row | %s issuer declines in a row on this card, limit 10",
      "cards-per-device, window = 24h | %s cards used from this device in the last 24 hours, limit 10",
      "cards-per-ip, window = 1h | %s cards used from this IP address in the last hour, limit 10",
      "devices-per-card, window = 24h | %s devices used this card in the last 24 hours, limit 10",
  })
  void aVelocityRuleTriggersOnlyAboveItsLimit(String kindAndKeys, String explanation) {
    String kind = kindAndKeys.split(",")[0];
    RiskInputs in = BASE.toBuilder().setDeviceId("dev-1").setIpAddress("192.0.2.7").build();
    for (long observed : new long[] {9, 10, 11}) {
      RiskRuleResult r = evaluate("{ id = r1, kind = " + kindAndKeys + ", limit = 10, score = 400 }", in,
          counts(observed));
      String at = observed + " observed";
      assertThat(r.getKind()).isEqualTo(kind);
      assertThat(r.getApplicable()).as(at).isTrue();
      assertThat(r.getObserved()).as(at).isEqualTo(observed);
      assertThat(r.getLimit()).isEqualTo(10);
      assertThat(r.getTriggered()).as(at).isEqualTo(observed > 10);
      assertThat(r.getExplanation()).as(at).isEqualTo(observed > 10 ? explanation.formatted(
          kind.endsWith("amount") ? String.format("%02d", observed) : Long.toString(observed)) : "");
    }
  }

  @Test
  void oneOfSomethingIsSaidInTheSingular() {
    RiskInputs in = BASE.toBuilder().setDeviceId("dev-1").build();
    assertThat(evaluate("{ id = d, kind = devices-per-card, window = 1h, limit = 0, score = 1 }", in, counts(1))
        .getExplanation()).isEqualTo("1 device used this card in the last hour, limit 0");
    assertThat(evaluate("{ id = c, kind = card-count, window = 1h, limit = 0, score = 1 }", in, counts(1))
        .getExplanation()).isEqualTo("1 authorization on this card in the last hour, limit 0");
  }

  @ParameterizedTest(name = "{0} minor units")
  @CsvSource(delimiter = '|', value = {
      "99999 | false | ''",
      "100000 | false | ''",
      "100001 | true | an amount of 1000.01 EUR at merchant category 5411, limit 1000.00 EUR",
  })
  void anAmountRuleTriggersAboveItsLimitForItsCurrencyAndCategories(long minor, boolean triggered,
      String explanation) {
    RiskInputs in = BASE.toBuilder().setAmount(Money.newBuilder().setMinorUnits(minor).setCurrency("EUR")).build();
    String rule = "{ id = big, kind = amount, currency = EUR, merchant-categories = [\"5411\"], limit = 100000,"
        + " score = 300 }";
    RiskRuleResult r = evaluate(rule, in, null);
    assertThat(r.getTriggered()).isEqualTo(triggered);
    assertThat(r.getExplanation()).isEqualTo(explanation);
    RiskRuleResult otherCategory = evaluate(rule, in.toBuilder().setMerchantCategory("7995").build(), null);
    assertThat(otherCategory.getApplicable()).isFalse();
    assertThat(otherCategory.getTriggered()).isFalse();
    assertThat(otherCategory.getExplanation())
        .isEqualTo("not applicable: merchant category 7995 is not one of the rule's");
    RiskRuleResult otherCurrency = evaluate(rule, in.toBuilder()
        .setAmount(Money.newBuilder().setMinorUnits(minor).setCurrency("USD")).build(), null);
    assertThat(otherCurrency.getApplicable()).isFalse();
    assertThat(otherCurrency.getExplanation())
        .isEqualTo("not applicable: the amount is in USD, the rule's limit in EUR");
  }

  @Test
  void aCardFromAnotherCountryThanTheMerchantIsAMismatchAndAnUnknownCountryIsNot() {
    String rule = "{ id = abroad, kind = country-mismatch, score = 150 }";
    RiskRuleResult same = evaluate(rule, BASE.toBuilder().setCardCountry("DE").build(), null);
    assertThat(same.getTriggered()).isFalse();
    assertThat(same.getExplanation()).as("words only for a triggered rule").isEmpty();
    RiskRuleResult other = evaluate(rule, BASE.toBuilder().setCardCountry("GB").build(), null);
    assertThat(other.getTriggered()).isTrue();
    assertThat(other.getObserved()).isEqualTo(1);
    assertThat(other.getExplanation()).isEqualTo("card issued in GB, merchant in DE");
    RiskRuleResult unknown = evaluate(rule, BASE, null);
    assertThat(unknown.getApplicable()).isFalse();
    assertThat(unknown.getExplanation()).isEqualTo("not applicable: the card's BIN has no country in the rule set");
    assertThat(RiskRules.parse("review-score = 1, decline-score = 2, bin-countries { 4 = US, 4111 = GB }, rules = []")
        .countryOf("411111")).as("the longest prefix").isEqualTo("GB");
  }

  @Test
  void aRuleWithoutItsKeyOrItsCounterIsNotApplicableAndSaysWhy() {
    RiskRuleResult noDevice = evaluate("{ id = d, kind = cards-per-device, window = 1h, limit = 1, score = 1 }",
        BASE, counts(5));
    assertThat(noDevice.getApplicable()).isFalse();
    assertThat(noDevice.getExplanation()).isEqualTo("not applicable: no device id was given");
    RiskAssessed late = RiskEngine.decide(oneRule("{ id = c, kind = card-count, window = 1m, limit = 1, score = 900 }"),
        0, BASE, new RiskEngine.Observed(null, counts(1), null, null, Set.of("card"))).build();
    assertThat(late.getRules(0).getApplicable()).isFalse();
    assertThat(late.getRules(0).getExplanation())
        .isEqualTo("not applicable: the card velocity counters did not answer in time");
    assertThat(late.getUnavailableList()).containsExactly("card");
    assertThat(late.getDecision()).isEqualTo(RiskDecision.RISK_APPROVE);
  }

  @Test
  void theTriggeredScoresAddUpToTheDecisionAtMost1000() {
    RiskRules rules = RiskRules.parse("""
        review-score = 300, decline-score = 700
        rules = [
          { id = a, kind = card-count, window = 1m, limit = 2, score = 300 }
          { id = b, kind = merchant-count, window = 1m, limit = 2, score = 400 }
          { id = c, kind = declines-in-a-row, limit = 2, score = 600 }
        ]""");
    RiskEngine.Observed low = new RiskEngine.Observed(counts(1), counts(1), null, null, Set.of());
    Velocity.Counts busyCardNoDeclines = new Velocity.Counts(new long[] {3, 3, 3}, new long[3], new int[3], 0);
    RiskEngine.Observed some = new RiskEngine.Observed(busyCardNoDeclines, counts(1), null, null, Set.of());
    RiskEngine.Observed all = new RiskEngine.Observed(counts(3), counts(3), null, null, Set.of());
    RiskAssessed approve = RiskEngine.decide(rules, 1, BASE, low).build();
    assertThat(approve.getDecision()).isEqualTo(RiskDecision.RISK_APPROVE);
    assertThat(approve.getScore()).isZero();
    assertThat(approve.getExplanationsList()).isEmpty();
    RiskAssessed review = RiskEngine.decide(rules, 1, BASE, some).build();
    assertThat(review.getDecision()).isEqualTo(RiskDecision.RISK_REVIEW);
    assertThat(review.getScore()).isEqualTo(300);
    assertThat(review.getReasonsList()).containsExactly("a");
    RiskAssessed decline = RiskEngine.decide(rules, 1, BASE, all).build();
    assertThat(decline.getDecision()).isEqualTo(RiskDecision.RISK_DECLINE);
    assertThat(decline.getScore()).isEqualTo(1000);
    assertThat(decline.getReasonsList()).containsExactly("a", "b", "c");
    assertThat(decline.getExplanationsList()).containsExactly(
        "3 authorizations on this card in the last minute, limit 2",
        "3 authorizations at this merchant in the last minute, limit 2",
        "3 issuer declines in a row on this card, limit 2");
  }
}
