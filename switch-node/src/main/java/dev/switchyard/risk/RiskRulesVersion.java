package dev.switchyard.risk;

import dev.switchyard.cluster.ConfigRegister;

/**
 * One version of the risk rule set, as the cluster keeps it: the set as {@link RiskRules#render()} wrote it, who
 * posted it and when. Version 0 is the node's own configuration, never replicated.
 */
public record RiskRulesVersion(long version, String rules, String operator, long atMillis)
    implements ConfigRegister.Version {}
