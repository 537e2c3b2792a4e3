package dev.switchyard.risk;

import static dev.switchyard.cluster.PostedDocument.key;
import static dev.switchyard.cluster.PostedDocument.string;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchyard.cluster.PostedDocument;
import dev.switchyard.cluster.PostedDocument.Invalid;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A risk rule set, as {@code switch.risk.rule-set} configures it and {@code POST /risk/rules} replaces it: the
 * scores at which a decision is REVIEW and DECLINE, the BIN prefixes' countries, and the rules. {@link #parse}
 * refuses a set whole, naming the field of its first fault.
 *
 * @param reviewScore a total score at or above it is REVIEW
 * @param declineScore a total score at or above it is DECLINE
 * @param binCountries BIN prefix to the card's ISO 3166-1 alpha-2 country; the longest prefix wins
 * @param rules in the order they are evaluated and reported
 */
public record RiskRules(int reviewScore, int declineScore, Map<String, String> binCountries, List<Rule> rules) {

  /** What a rule measures. */
  public enum Kind {
    AMOUNT("amount", Set.of("currency", "merchant-categories")),
    CARD_COUNT("card-count", Set.of("window")),
    CARD_AMOUNT("card-amount", Set.of("window", "currency")),
    MERCHANT_COUNT("merchant-count", Set.of("window")),
    MERCHANT_AMOUNT("merchant-amount", Set.of("window", "currency")),
    DECLINES_IN_A_ROW("declines-in-a-row", Set.of()),
    COUNTRY_MISMATCH("country-mismatch", Set.of()),
    CARDS_PER_DEVICE("cards-per-device", Set.of("window")),
    CARDS_PER_IP("cards-per-ip", Set.of("window")),
    DEVICES_PER_CARD("devices-per-card", Set.of("window"));

    private final String key;
    private final Set<String> keys;

    Kind(String key, Set<String> keys) {
      this.key = key;
      this.keys = keys;
    }

    public String key() {
      return key;
    }

    static Kind of(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      return null;
    }
  }

  /** The windows velocity is counted over. */
  public enum Window {
    MINUTE("1m", 60_000L, "minute"), HOUR("1h", 3_600_000L, "hour"), DAY("24h", 86_400_000L, "24 hours");

    private final String key;
    private final long millis;
    private final String words;

    Window(String key, long millis, String words) {
      this.key = key;
      this.millis = millis;
      this.words = words;
    }

    public String key() {
      return key;
    }

    public long millis() {
      return millis;
    }

    /** "in the last " + words. */
    public String words() {
      return words;
    }
  }

  /**
   * One rule: it triggers when what it measures is above {@code limit}, and then adds {@code score}.
   *
   * @param window for velocity and linked-entity kinds, else null
   * @param currency for amount kinds (ISO 4217), else ""
   * @param merchantCategories for {@code amount}: the merchant category codes it applies to; empty for all
   */
  public record Rule(String id, Kind kind, Window window, String currency, List<String> merchantCategories,
      long limit, int score) {}



  private static final Set<String> KEYS = Set.of("review-score", "decline-score", "bin-countries", "rules");
  private static final Set<String> RULE_KEYS = Set.of("id", "kind", "limit", "score");

  /** The rule set in a posted HOCON or JSON document (no includes, no environment). */
  public static RiskRules parse(String document) {
    try {
      return parse(PostedDocument.parse(document));
    } catch (Invalid e) {
      throw e;
    } catch (ConfigException e) {
      throw new Invalid("body", "not a rule set document: " + e.getMessage());
    }
  }

  public static RiskRules parse(Config c) {
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new Invalid(key, "not a key of a rule set (review-score, decline-score, bin-countries, rules)");
      }
    }
    int review = (int) number(c, "review-score", "", 1, 1000);
    int decline = (int) number(c, "decline-score", "", 1, 1000);
    if (decline < review) {
      throw new Invalid("decline-score", decline + " is below review-score " + review);
    }
    Map<String, String> countries = new TreeMap<>();
    if (c.hasPath("bin-countries")) {
      if (c.getValue("bin-countries").valueType() != ConfigValueType.OBJECT) {
        throw new Invalid("bin-countries", "not an object of BIN prefix = country");
      }
      for (Map.Entry<String, ConfigValue> e : c.getObject("bin-countries").entrySet()) {
        String at = "bin-countries." + e.getKey();
        if (!e.getKey().matches("[0-9]{1,8}")) {
          throw new Invalid(at, "'" + e.getKey() + "' is not a BIN prefix of 1 to 8 digits");
        }
        Object country = e.getValue().unwrapped();
        if (!(country instanceof String s) || !s.matches("[A-Z]{2}")) {
          throw new Invalid(at, "not an ISO 3166-1 alpha-2 country code in capitals");
        }
        countries.put(e.getKey(), (String) country);
      }
    }
    if (!c.hasPath("rules") || c.getValue("rules").valueType() != ConfigValueType.LIST) {
      throw new Invalid("rules", "missing or not a list of rules");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    ConfigList list = (ConfigList) c.getValue("rules");
    for (int i = 0; i < list.size(); i++) {
      String at = "rules[" + i + "]";
      if (list.get(i).valueType() != ConfigValueType.OBJECT) {
        throw new Invalid(at, "not an object");
      }
      Rule rule = rule(((ConfigObject) list.get(i)).toConfig(), at);
      if (!ids.add(rule.id())) {
        throw new Invalid(at + ".id", "rule " + rule.id() + " is listed twice");
      }
      rules.add(rule);
    }
    return new RiskRules(review, decline, Map.copyOf(countries), List.copyOf(rules));
  }

  private static Rule rule(Config r, String at) {
    String id = string(r, "id", at);
    if (!id.matches("[a-z0-9][a-z0-9-]{0,39}")) {
      throw new Invalid(at + ".id", "'" + id + "' is not 1 to 40 lower-case letters, digits and '-'");
    }
    String kindKey = string(r, "kind", at);
    Kind kind = Kind.of(kindKey);
    if (kind == null) {
      List<String> known = new ArrayList<>();
      for (Kind k : Kind.values()) {
        known.add(k.key());
      }
      throw new Invalid(at + ".kind", "'" + kindKey + "' is not a kind of rule " + known);
    }
    for (String key : r.root().keySet()) {
      if (!RULE_KEYS.contains(key) && !kind.keys.contains(key)) {
        throw new Invalid(at + "." + key, "not a key of a " + kind.key() + " rule (id, kind, score"
            + (kind == Kind.COUNTRY_MISMATCH ? "" : ", limit") + (kind.keys.isEmpty() ? "" : ", "
            + String.join(", ", new java.util.TreeSet<>(kind.keys))) + ")");
      }
    }
    Window window = null;
    if (kind.keys.contains("window")) {
      String w = string(r, "window", at);
      for (Window candidate : Window.values()) {
        if (candidate.key().equals(w)) {
          window = candidate;
        }
      }
      if (window == null) {
        throw new Invalid(at + ".window", "'" + w + "' is not a window (1m, 1h, 24h)");
      }
    }
    String currency = "";
    if (kind.keys.contains("currency")) {
      currency = string(r, "currency", at);
      try {
        Currency.getInstance(currency);
      } catch (IllegalArgumentException e) {
        throw new Invalid(at + ".currency", "'" + currency + "' is not an ISO 4217 currency code");
      }
    }
    List<String> categories = List.of();
    if (r.hasPath("merchant-categories")) {
      categories = codes(r, at + ".merchant-categories");
    }
    long limit = 0;
    if (kind == Kind.COUNTRY_MISMATCH) {
      if (r.hasPath("limit")) {
        throw new Invalid(at + ".limit", "a country-mismatch rule has no limit: it triggers on a mismatch");
      }
    } else {
      limit = number(r, "limit", at, 0, Long.MAX_VALUE);
    }
    int score = (int) number(r, "score", at, 0, 1000);
    return new Rule(id, kind, window, currency, categories, limit, score);
  }

  private static List<String> codes(Config r, String at) {
    ConfigValue v = r.getValue("merchant-categories");
    if (v.valueType() != ConfigValueType.LIST) {
      throw new Invalid(at, "not a list of merchant category codes");
    }
    List<String> out = new ArrayList<>();
    for (ConfigValue code : (ConfigList) v) {
      String text = String.valueOf(code.unwrapped());
      if (code.valueType() != ConfigValueType.STRING || !text.matches("[0-9]{4}")) {
        throw new Invalid(at, "'" + text + "' is not a merchant category code of 4 digits in quotes");
      }
      out.add(text);
    }
    return List.copyOf(out);
  }



  private static long number(Config c, String key, String at, long min, long max) {
    if (!c.hasPath(key)) {
      throw new Invalid(key(at, key), "missing");
    }
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.NUMBER) {
      throw new Invalid(key(at, key), "not a number");
    }
    Number n = (Number) v.unwrapped();
    if (n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new Invalid(key(at, key), n + " is not a whole number from " + min
          + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }
    return n.longValue();
  }

  /** The card's country by the BIN table (longest prefix), or "". */
  public String countryOf(String bin) {
    String best = "";
    String country = "";
    for (Map.Entry<String, String> e : binCountries.entrySet()) {
      if (bin.startsWith(e.getKey()) && e.getKey().length() > best.length()) {
        best = e.getKey();
        country = e.getValue();
      }
    }
    return country;
  }

  /** The rule set as a JSON document {@link #parse} reads back to an equal set. */
  public String render() {
    List<Object> rs = new ArrayList<>();
    for (Rule r : rules) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("kind", r.kind().key());
      if (r.window() != null) {
        m.put("window", r.window().key());
      }
      if (!r.currency().isEmpty()) {
        m.put("currency", r.currency());
      }
      if (!r.merchantCategories().isEmpty()) {
        m.put("merchant-categories", r.merchantCategories());
      }
      if (r.kind() != Kind.COUNTRY_MISMATCH) {
        m.put("limit", r.limit());
      }
      m.put("score", r.score());
      rs.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("review-score", reviewScore);
    root.put("decline-score", declineScore);
    root.put("bin-countries", new TreeMap<>(binCountries));
    root.put("rules", rs);
    return ConfigFactory.parseMap(root).root().render(ConfigRenderOptions.concise());
  }

}
