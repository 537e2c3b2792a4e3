package dev.switchyard.issuer.iso;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a link gets its STANs from: blocks of consecutive numbers, each reserved once per route and UTC day, so
 * that every node's link to a route, and the same node after a restart, sends numbers no other sent that day. A
 * day holds 999,999; past them, numbers start again at 1.
 */
public interface StanBlocks {

  /** The highest STAN (field 11 is n6). */
  int MAX = 999_999;

  /**
   * Reserves {@code count} consecutive STANs of {@code route} on {@code day} and returns the first; the block
   * never passes {@link #MAX}.
   */
  int reserve(String route, LocalDate day, int count);

  /** Blocks kept in this process only: unique on this node until it restarts (tests, tools). */
  static StanBlocks inMemory() {
    Map<String, Integer> next = new HashMap<>();
    return (route, day, count) -> {
      synchronized (next) {
        int first = next.getOrDefault(route + "/" + day, 1);
        if (first + count - 1 > MAX) {
          first = 1;
        }
        next.put(route + "/" + day, first + count);
        return first;
      }
    };
  }
}
