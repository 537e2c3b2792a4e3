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
  private volatile java.util.Map<String, dev.switchyard.issuer.iso.IsoLink> issuerLinks = java.util.Map.of();

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

  /** The node's issuer links by route; empty when it has none. */
  public java.util.Map<String, dev.switchyard.issuer.iso.IsoLink> issuerLinks() {
    return issuerLinks;
  }

  public void registerIssuerLinks(java.util.Map<String, dev.switchyard.issuer.iso.IsoLink> links) {
    this.issuerLinks = java.util.Map.copyOf(links);
  }

  public void register(String name, GatewayServer server, javax.sql.DataSource pool) {
    this.nodeName = name;
    this.gateway = server;
    this.dataSource = pool;
  }
}
