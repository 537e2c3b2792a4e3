package dev.switchyard.ops;

import dev.switchyard.gateway.GatewayServer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What operator routes and health checks need to see of this node, which Pekko instantiates by class name and so
 * cannot receive by constructor. Filled in by {@link SwitchNode} at start.
 */
public final class NodeServices implements Extension {

  private volatile String nodeName = "";
  private volatile GatewayServer gateway;
  private volatile javax.sql.DataSource dataSource;
  private volatile dev.switchyard.issuer.IssuerSide issuers;
  private volatile dev.switchyard.risk.RiskSide risk;
  private volatile Operators operators;
  private volatile OperatorAudit audit;

  /** The extension id. */
  public static final class Id extends ExtensionId<NodeServices> {
    @Override
    public NodeServices createExtension(ActorSystem<?> system) {
      return new NodeServices();
    }
  }

  private static final Id ID = new Id();

  public static NodeServices get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public String nodeName() {
    return nodeName;
  }

  public GatewayServer gateway() {
    return gateway;
  }

  /** The node's own pool on the journal database. */
  public javax.sql.DataSource dataSource() {
    return dataSource;
  }

  /** The node's issuer side; null when the node was given an issuer gateway of its own. */
  public dev.switchyard.issuer.IssuerSide issuers() {
    return issuers;
  }

  /** The node's risk decisions; null until the node has started them. */
  public dev.switchyard.risk.RiskSide risk() {
    return risk;
  }

  /** Who may use the management port, and its audit log; null until the port is bound. */
  public Operators operators() {
    return operators;
  }

  public OperatorAudit audit() {
    return audit;
  }

  void registerOperators(Operators who, OperatorAudit log) {
    this.operators = who;
    this.audit = log;
  }

  public void registerRisk(dev.switchyard.risk.RiskSide side) {
    this.risk = side;
  }

  public void registerIssuers(dev.switchyard.issuer.IssuerSide side) {
    this.issuers = side;
  }

  public void register(String name, GatewayServer server, javax.sql.DataSource pool) {
    this.nodeName = name;
    this.gateway = server;
    this.dataSource = pool;
  }
}
