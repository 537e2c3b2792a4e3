package dev.switchyard.node;

import com.typesafe.config.Config;

/**
 * The journal's write queue must hold every event that can be persisting at once, or writes fail and open its
 * circuit breaker for every payment (docs/operations.md, "Overload"). What can persist at once is bounded by
 * admission: the gateway's requests in flight, the deadline sweepers' wake-ups and the back office's commands.
 * A node whose configuration lets in more than the queue holds refuses to start, and says which keys.
 */
final class JournalCapacity {

  private JournalCapacity() {}

  static void check(Config config) {
    long queue = config.getLong("jdbc-journal.bufferSize");
    long gateway = config.getLong("switch.gateway.max-in-flight-per-node");
    long sweepers = config.getLong("switch.persistence.tag-slices") * config.getLong("switch.deadlines.batch-size");
    long backOffice = config.getBoolean("switch.pulsar.enabled") && config.getBoolean("switch.pulsar.commands.enabled")
        ? config.getLong("switch.pulsar.commands.parallelism") : 0;
    long admitted = gateway + sweepers + backOffice;
    if (queue < admitted) {
      throw new IllegalArgumentException("jdbc-journal.bufferSize is " + queue + ", less than the " + admitted
          + " events that may be persisting at once: switch.gateway.max-in-flight-per-node (" + gateway
          + ") + switch.persistence.tag-slices x switch.deadlines.batch-size (" + sweepers
          + ") + switch.pulsar.commands.parallelism (" + backOffice + "). Raise the first or lower the others.");
    }
  }
}
