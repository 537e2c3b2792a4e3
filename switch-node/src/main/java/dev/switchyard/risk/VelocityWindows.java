package dev.switchyard.risk;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one velocity key (a card, a merchant, a device, an IP address) has seen, in memory: its authorizations in
 * buckets of a second (the last minute) and of a minute (the last 24 hours), each with its count and amount in one
 * currency; the other keys it was seen with (a device's cards, a card's devices) and when last; its issuer
 * declines in a row; and the payments it counted, so that a retried question counts once. The 1-minute window is
 * exact to the second, the 1-hour and 24-hour windows to the minute. Bounded: at most {@link #MAX_LINKED} other
 * keys and {@link #MAX_SEEN} payments are remembered, the oldest forgotten first.
 */
final class VelocityWindows {

  static final int MAX_LINKED = 1_000;
  static final int MAX_SEEN = 2_000;
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60_000;

  private static final class Bucket {
    final long start;
    final String currency;
    long count;
    long amount;

    Bucket(long start, String currency) {
      this.start = start;
      this.currency = currency;
    }
  }

  // Small to start with: most keys (cards) see a few authorizations a day.
  private final ArrayDeque<Bucket> seconds = new ArrayDeque<>(2);
  private final ArrayDeque<Bucket> minutes = new ArrayDeque<>(2);
  private final LinkedHashMap<String, Long> linked = new LinkedHashMap<>(2, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_LINKED;
    }
  };
  private final LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>(4) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_SEEN;
    }
  };
  private int declinesInARow;

  /**
   * Counts the authorization {@code key} (once, however often asked) at {@code now}, with {@code other} (a linked
   * key, or ""), and answers the windows as they are with it.
   */
  Velocity.Counts observe(String key, long now, long amountMinor, String currency, String other) {
    prune(now);
    if (seen.put(key, Boolean.TRUE) == null) {
      add(seconds, now - now % SECOND, currency, amountMinor);
      add(minutes, now - now % MINUTE, currency, amountMinor);
      if (!other.isEmpty()) {
        linked.put(other, now);
      }
    }
    return counts(now, currency);
  }

  /** An issuer's answer to an authorization counted here: a decline adds one to the run, an approval ends it. */
  void outcome(boolean approved) {
    declinesInARow = approved ? 0 : declinesInARow + 1;
  }


  Velocity.Counts counts(long now, String currency) {
    RiskRules.Window[] windows = RiskRules.Window.values();
    long[] count = new long[windows.length];
    long[] amount = new long[windows.length];
    int[] others = new int[windows.length];
    long minuteNow = now - now % MINUTE;
    for (Bucket b : seconds) {
      if (b.start > now - RiskRules.Window.MINUTE.millis()) {
        count[0] += b.count;
        amount[0] += b.currency.equals(currency) ? b.amount : 0;
      }
    }
    for (Bucket b : minutes) {
      for (int w = 1; w < windows.length; w++) {
        if (b.start > minuteNow - windows[w].millis()) {
          count[w] += b.count;
          amount[w] += b.currency.equals(currency) ? b.amount : 0;
        }
      }
    }
    for (long lastSeen : linked.values()) {
      for (int w = 0; w < windows.length; w++) {
        if (lastSeen > now - windows[w].millis()) {
          others[w]++;
        }
      }
    }
    return new Velocity.Counts(count, amount, others, declinesInARow);
  }

  private static void add(ArrayDeque<Bucket> buckets, long start, String currency, long amountMinor) {
    Bucket last = buckets.peekLast();
    if (last == null || last.start != start || !last.currency.equals(currency)) {
      last = new Bucket(start, currency);
      buckets.addLast(last);
    }
    last.count++;
    last.amount += amountMinor;
  }

  private void prune(long now) {
    while (!seconds.isEmpty() && seconds.peekFirst().start <= now - RiskRules.Window.MINUTE.millis()) {
      seconds.pollFirst();
    }
    long minuteNow = now - now % MINUTE;
    while (!minutes.isEmpty() && minutes.peekFirst().start <= minuteNow - RiskRules.Window.DAY.millis()) {
      minutes.pollFirst();
    }
    for (Iterator<Long> it = linked.values().iterator(); it.hasNext(); ) {
      if (it.next() <= now - RiskRules.Window.DAY.millis()) {
        it.remove();
      }
    }
  }
}
