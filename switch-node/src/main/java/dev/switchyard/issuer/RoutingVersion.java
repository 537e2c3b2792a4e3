package dev.switchyard.issuer;

import dev.switchyard.cluster.ConfigRegister;

/**
 * One version of the routing table, as the cluster keeps it (a last-writer-wins register in Distributed Data):
 * the table as {@link RoutingTable#render()} wrote it, who posted it and when. Version 0 is the node's own
 * configuration, never replicated.
 */
public record RoutingVersion(long version, String table, String operator, long atMillis)
    implements ConfigRegister.Version {

  static RoutingVersion configured(RoutingTable table) {
    return new RoutingVersion(0, table.render(), "configuration", 0);
  }
}
