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
    subcommands = {Main.Node.class, Main.LocalCluster.class, Main.IssuerSim.class, ClientCommand.class,
        Main.HashSecret.class})
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

    @Option(names = "--node-index", description = "Node i of a local cluster: ports 17355+i (remoting), "
        + "7700+i (gateway), 7626+i (management), 9095+i (metrics); name switch-(i+1).")
    Integer nodeIndex;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      if (nodeIndex != null) {
        overrides.put("pekko.remote.artery.canonical.port", 17355 + nodeIndex);
        overrides.put("switch.gateway.port", 7700 + nodeIndex);
        overrides.put("pekko.management.http.port", 7626 + nodeIndex);
        overrides.put("kamon.prometheus.embedded-server.port", 9095 + nodeIndex);
        overrides.put("switch.node-name", "switch-" + (nodeIndex + 1));
      }
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
      // accepting, drains, and the node leaves the cluster. A JVM ended by a signal exits 143 by default; a
      // requested, completed graceful stop is a success, so once the actor system is down the process exits 0.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          node.system().getWhenTerminated().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.MINUTES);
          Runtime.getRuntime().halt(0);
        } catch (Exception e) {
          Runtime.getRuntime().halt(1);
        }
      }, "switch-exit"));
      node.system().getWhenTerminated().toCompletableFuture().join();
      return 0;
    }
  }

  /**
   * Prints an acquirers-file line (an acquirer's id and the salted digest of its secret) or an operators-file
   * entry (an operator's name, the salted digest of its bearer token and its role), from a secret read on stdin.
   */
  @Command(name = "hash-secret", mixinStandardHelpOptions = true,
      description = "Print the acquirers-file line for an acquirer (--acquirer), or the operators-file entry for an"
          + " operator of the management port (--operator, --role): the salted digest of a secret read from"
          + " standard input (or made up with --generate, and then printed on standard error).")
  static final class HashSecret implements Callable<Integer> {

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    static final class Who {
      @Option(names = "--acquirer", required = true, description = "The acquirer's id.")
      String acquirer;

      @Option(names = "--operator", required = true, description = "The operator's name (as the audit log shows).")
      String operator;
    }

    @Option(names = "--role", description = "The operator's role: viewer, operator or admin.")
    String role;

    @Option(names = "--generate", description = "Make up a new random secret instead of reading one.")
    boolean generate;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String name = who.acquirer != null ? who.acquirer : who.operator;
      if (who.operator != null
          && (role == null || !java.util.List.of("viewer", "operator", "admin").contains(role))) {
        spec.commandLine().getErr().println("--operator needs --role viewer, operator or admin");
        return 2;
      }
      if (who.operator != null && !dev.switchyard.ops.Operators.isName(name)) {
        spec.commandLine().getErr().println("--operator: a name is 1 to 64 of A-Z a-z 0-9 . _ @ -");
        return 2;
      }
      String secret;
      if (generate) {
        secret = dev.switchyard.payment.SaltedSecret.generate();
        spec.commandLine().getErr().println((who.operator != null ? "token for " : "secret for ") + name + ": "
            + secret);
        spec.commandLine().getErr().flush();
      } else {
        secret = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
            java.nio.charset.StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isBlank()) {
          spec.commandLine().getErr().println("no secret on standard input");
          return 2;
        }
      }
      String stored = dev.switchyard.payment.SaltedSecret.hash(secret.strip());
      spec.commandLine().getOut().println(who.operator != null
          ? com.typesafe.config.ConfigUtil.quoteString(name) + " { token = \"" + stored + "\", role = " + role + " }"
          : name + " = \"" + stored + "\"");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** Serves the ISO 8583 issuer simulator until Ctrl-C, its mode switchable over a small HTTP port. */
  @Command(name = "issuer-sim", mixinStandardHelpOptions = true,
      description = "Run the issuer simulator: ISO 8583 over TCP, decisions by amount, outage modes over HTTP.")
  static final class IssuerSim implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address of both ports (default loopback).")
    String host;

    @Option(names = "--port", defaultValue = "7800", description = "ISO 8583 port (default 7800).")
    int port;

    @Option(names = "--control-port", defaultValue = "7801",
        description = "HTTP port: GET /mode, POST /mode/{normal|slow|silent|drop|garbage} (default 7801).")
    int controlPort;

    @Option(names = "--delay", defaultValue = "2ms", description = "Delay of every answer (default 2ms).")
    String delay;

    @Option(names = "--slow-delay", defaultValue = "5s", description = "Delay of every answer in slow mode.")
    String slowDelay;

    @Override
    public Integer call() throws Exception {
      var simulator = dev.switchyard.issuer.sim.IsoIssuerSimulator.start(
          new dev.switchyard.issuer.sim.IsoIssuerSimulator.Settings(host, port, duration(delay), duration(slowDelay),
              91, 8_192));
      var control = dev.switchyard.issuer.sim.SimulatorControl.start(simulator, host, controlPort);
      System.out.printf("issuer simulator: ISO 8583 on %s:%d, control on http://%s:%d/mode%n", host,
          simulator.port(), host, control.port());
      java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        control.close();
        simulator.close();
        stopped.countDown();
      }, "issuer-sim-stop"));
      stopped.await();
      return 0;
    }

    private static java.time.Duration duration(String text) {
      return ConfigFactory.parseString("d = " + text).getDuration("d");
    }
  }

  /** Starts N nodes in their own JVMs on this machine, sharing one journal; Ctrl-C stops them all gracefully. */
  @Command(name = "cluster", mixinStandardHelpOptions = true,
      description = "Run a local cluster of N nodes in separate JVMs against a shared journal.")
  static final class LocalCluster implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default 3).")
    int nodes;

    @Option(names = "--config", defaultValue = "${env:SWITCH_CONFIG:-multi-node}",
        description = "Overlays: multi-node (shared H2 file, default) or multi-node,postgres-journal.")
    String overlay;

    @Option(names = "--data-dir", defaultValue = "data", description = "Shared data directory; node logs go here.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      java.nio.file.Files.createDirectories(dataDir);
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      java.util.List<Process> processes = new java.util.ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Path log = dataDir.resolve("node-" + (i + 1) + ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xms256m", "-Xmx1g",
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=25",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(), "node",
            "--config", overlay, "--node-index", Integer.toString(i),
            "--data-dir", dataDir.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        processes.add(builder.start());
        System.out.printf("switch-%d: gateway 127.0.0.1:%d, management http://127.0.0.1:%d, log %s%n",
            i + 1, 7700 + i, 7626 + i, log);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        processes.forEach(Process::destroy); // SIGTERM: each node leaves gracefully
        for (Process p : processes) {
          try {
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }));
      for (Process p : processes) {
        p.waitFor();
      }
      return 0;
    }
  }
}
