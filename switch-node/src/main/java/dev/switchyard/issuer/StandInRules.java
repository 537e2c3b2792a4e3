package dev.switchyard.issuer;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the switch does when a route's issuer is unreachable ({@code switch.issuer.unreachable}, a route's own
 * {@code unreachable}), and within which limits it stands in: the route's ({@code switch.issuer.stand-in}, a
 * route's own {@code stand-in} block) and, on top of them, those of the card's BIN prefix (longest wins).
 */
public final class StandInRules {

  /** What a route does when its issuer cannot be reached. */
  public enum Policy { STAND_IN, DECLINE }

  /**
   * The most one authorization may be, and per card (keyed hash) and currency on a UTC day how many stand-in
   * approvals and how much in all; amounts in minor units of the authorization's currency.
   */
  public record Limits(long maxAmount, int dailyCount, long dailyAmount, String source) {

    /** The tighter of each limit of this and {@code other}. */
    Limits within(Limits other) {
      return new Limits(Math.min(maxAmount, other.maxAmount), Math.min(dailyCount, other.dailyCount),
          Math.min(dailyAmount, other.dailyAmount), source + " and " + other.source);
    }

    /** Why a stand-in approval of {@code amount} is not allowed, given the card's approvals today; null if it is. */
    public String refusal(long amount, int countToday, long amountToday) {
      if (amount > maxAmount) {
        return "stand-in limit of " + maxAmount + " per authorization (" + source + ")";
      }
      if (countToday + 1 > dailyCount) {
        return "stand-in limit of " + dailyCount + " approvals a day per card (" + source + ")";
      }
      if (amountToday + amount > dailyAmount) {
        return "stand-in limit of " + dailyAmount + " a day per card (" + source + ")";
      }
      return null;
    }

    /** The limits as recorded in a stand-in approval. */
    public String describe() {
      return source + ": " + maxAmount + " per authorization, " + dailyCount + " approvals and " + dailyAmount
          + " a day per card";
    }
  }

  private final Policy defaultPolicy;
  private final Limits defaults;
  private final Map<String, Policy> policies;
  private final Map<String, Config> routeLimits;
  private final TreeMap<String, Config> binLimits = new TreeMap<>();

  private StandInRules(Policy defaultPolicy, Limits defaults, Map<String, Policy> policies,
      Map<String, Config> routeLimits) {
    this.defaultPolicy = defaultPolicy;
    this.defaults = defaults;
    this.policies = policies;
    this.routeLimits = routeLimits;
  }

  /** The rules of {@code switch.issuer}; refuses a policy or a limit it cannot read, naming the key. */
  public static StandInRules create(Config issuer) {
    Config standIn = issuer.getConfig("stand-in");
    Limits defaults = limits(standIn, null, "switch.issuer.stand-in");
    Map<String, Policy> policies = new HashMap<>();
    Map<String, Config> routeLimits = new HashMap<>();
    for (Config route : issuer.getConfigList("routes")) {
      String name = route.getString("name");
      if (route.hasPath("unreachable")) {
        policies.put(name, policy(route.getString("unreachable"), "switch.issuer.routes." + name + ".unreachable"));
      }
      if (route.hasPath("stand-in")) {
        routeLimits.put(name, route.getConfig("stand-in"));
        limits(route.getConfig("stand-in"), defaults, "route " + name);
      }
    }
    StandInRules rules = new StandInRules(policy(issuer.getString("unreachable"), "switch.issuer.unreachable"),
        defaults, Map.copyOf(policies), Map.copyOf(routeLimits));
    List<? extends Config> bins = standIn.getConfigList("bins");
    for (Config bin : bins) {
      String prefix = bin.getString("prefix");
      if (!prefix.matches("[0-9]{1,8}")) {
        throw new IllegalArgumentException("switch.issuer.stand-in.bins: '" + prefix
            + "' is not a BIN prefix of 1 to 8 digits");
      }
      limits(bin, defaults, "BIN " + prefix);
      rules.binLimits.put(prefix, bin);
    }
    return rules;
  }

  private static Policy policy(String value, String key) {
    try {
      return Policy.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be stand-in or decline, not '" + value + "'", e);
    }
  }

  /** Limits read from {@code c}, each key not given taken from {@code base} (all required when there is none). */
  private static Limits limits(Config c, Limits base, String source) {
    long max = c.hasPath("max-amount") || base == null ? c.getLong("max-amount") : base.maxAmount();
    int count = c.hasPath("daily-count") || base == null ? c.getInt("daily-count") : base.dailyCount();
    long amount = c.hasPath("daily-amount") || base == null ? c.getLong("daily-amount") : base.dailyAmount();
    if (max < 0 || count < 0 || amount < 0) {
      throw new IllegalArgumentException(source + ": stand-in limits cannot be negative");
    }
    return new Limits(max, count, amount, source);
  }

  /** What {@code route} does when its issuer is unreachable. */
  public Policy policy(String route) {
    return policies.getOrDefault(route, defaultPolicy);
  }

  /** The limits for a card of {@code bin} on {@code route}: the route's, tightened by the BIN prefix's if any. */
  public Limits limits(String route, String bin) {
    Config own = routeLimits.get(route);
    Limits forRoute = own == null ? new Limits(defaults.maxAmount(), defaults.dailyCount(), defaults.dailyAmount(),
        "route " + route) : limits(own, defaults, "route " + route);
    for (int length = Math.min(bin.length(), 8); length > 0; length--) {
      Config forBin = binLimits.get(bin.substring(0, length));
      if (forBin != null) {
        return forRoute.within(limits(forBin, forRoute, "BIN " + bin.substring(0, length)));
      }
    }
    return forRoute;
  }
}
