package dev.switchyard.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.cluster.PostedDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A rule set as operators write it: read back as written, or refused whole naming the field. */
class RiskRulesTest {

  @Test
  void theConfiguredSetIsReadAndRendersToAnEqualSet() {
    RiskRules configured = RiskRules.parse(ConfigFactory.load("switch/base.conf").getConfig("switch.risk.rule-set"));
    assertThat(configured.rules()).isNotEmpty();
    assertThat(RiskRules.parse(configured.render())).isEqualTo(configured);
    RiskRules posted = RiskRules.parse("""
        review-score = 200, decline-score = 200
        bin-countries { 4111 = GB }
        rules = [{ id = big, kind = amount, currency = EUR, merchant-categories = ["5411", "7995"], limit = 5,
                   score = 1000 }]""");
    assertThat(RiskRules.parse(posted.render())).isEqualTo(posted);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "review-score = 300, decline-score = 700 | rules | missing or not a list of rules",
      "review-score = 300, decline-score = 200, rules = [] | decline-score | 200 is below review-score 300",
      "review-score = 0, decline-score = 200, rules = [] | review-score | 0 is not a whole number from 1 to 1000",
      "review-score = 1, decline-score = 2, rules = [], limits = 3 | limits | not a key of a rule set (review-score,"
          + " decline-score, bin-countries, rules)",
      "review-score = 1, decline-score = 2, bin-countries { 4x = DE }, rules = [] | bin-countries.4x | '4x' is not a"
          + " BIN prefix of 1 to 8 digits",
      "review-score = 1, decline-score = 2, bin-countries { 4 = de }, rules = [] | bin-countries.4 | not an ISO"
          + " 3166-1 alpha-2 country code in capitals",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = card-count, window = 2h, limit = 1, score = 1"
          + " }] | rules[0].window | '2h' is not a window (1m, 1h, 24h)",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = card-count, window = 1h, limit = -1, score = 1"
          + " }] | rules[0].limit | -1 is not a whole number from 0 up",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = card-count, window = 1h, limit = 1, score ="
          + " 1001 }] | rules[0].score | 1001 is not a whole number from 0 to 1000",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = velocity, limit = 1, score = 1 }] |"
          + " rules[0].kind | 'velocity' is not a kind of rule [amount, card-count, card-amount, merchant-count,"
          + " merchant-amount, declines-in-a-row, country-mismatch, cards-per-device, cards-per-ip, devices-per-card]",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = amount, currency = EURO, limit = 1, score = 1"
          + " }] | rules[0].currency | 'EURO' is not an ISO 4217 currency code",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = amount, currency = EUR, window = 1m, limit ="
          + " 1, score = 1 }] | rules[0].window | not a key of a amount rule (id, kind, score, limit, currency,"
          + " merchant-categories)",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = amount, currency = EUR, merchant-categories ="
          + " [5411], limit = 1, score = 1 }] | rules[0].merchant-categories | '5411' is not a merchant category code"
          + " of 4 digits in quotes",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = country-mismatch, limit = 1, score = 1 }] |"
          + " rules[0].limit | a country-mismatch rule has no limit: it triggers on a mismatch",
      "review-score = 1, decline-score = 2, rules = [{ id = A, kind = country-mismatch, score = 1 }] | rules[0].id |"
          + " 'A' is not 1 to 40 lower-case letters, digits and '-'",
      "review-score = 1, decline-score = 2, rules = [{ id = a, kind = country-mismatch, score = 1 }, { id = a, kind"
          + " = country-mismatch, score = 2 }] | rules[1].id | rule a is listed twice",
      "include \"secrets.conf\" | body | not a rule set document: include is not allowed in a posted document",
  })
  void aFaultySetIsRefusedNamingItsField(String document, String field, String reason) {
    assertThatThrownBy(() -> RiskRules.parse(document))
        .isInstanceOfSatisfying(PostedDocument.Invalid.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.reason()).startsWith(reason);
        });
  }

  @Test
  void aSubstitutionReadsNoEnvironment() {
    assertThatThrownBy(() -> RiskRules.parse("review-score = ${HOME}, decline-score = 2, rules = []"))
        .isInstanceOfSatisfying(PostedDocument.Invalid.class, e -> assertThat(e.field()).isEqualTo("body"));
  }
}
