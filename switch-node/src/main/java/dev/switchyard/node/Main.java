package dev.switchyard.node;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.cli.ClientCommand;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code switch} command: {@code switch node} runs a node, {@code switch client} talks to one. */
@Command(name = "switch", mixinStandardHelpOptions = true, version = "switch 0.1.0",
    description = "A clustered card-payment switch.",
    subcommands = {Main.Node.class, ClientCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Say which: node or client");
  }

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs one node until Ctrl-C or SIGTERM, which shut it down gracefully. */
  @Command(name = "node", mixinStandardHelpOptions = true,
      description = "Run a switch node (embedded H2 journal under ./data by default).")
  static final class Node implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "${env:SWITCH_CONFIG:-local}",
        description = "Configuration overlay of cluster-config: local (default), postgres. Env: SWITCH_CONFIG.")
    String overlay;

    @Option(names = "--data-dir", description = "Directory of the embedded database (default ./data).")
    Path dataDir;

    @Option(names = "--gateway-port", description = "Acquirer gateway port (default 7700).")
    Integer gatewayPort;

    @Option(names = "--management-port", description = "Management HTTP port (default 7626).")
    Integer managementPort;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      if (dataDir != null) {
        overrides.put("switch.data-dir", dataDir.toAbsolutePath().toString());
      }
      if (gatewayPort != null) {
        overrides.put("switch.gateway.port", gatewayPort);
      }
      if (managementPort != null) {
        overrides.put("pekko.management.http.port", managementPort);
      }
      SwitchNode node = SwitchNode.start(SwitchNode.loadConfig(overlay, ConfigFactory.parseMap(overrides)));
      // Ctrl-C and SIGTERM run Pekko's coordinated shutdown through its JVM shutdown hook: the gateway stops
      // accepting, drains, and the node leaves the cluster.
      node.system().getWhenTerminated().toCompletableFuture().join();
      return 0;
    }
  }
}
