package dev.switchyard.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Switch nodes in their own JVMs on loopback, for tests where failure is the point: each gets free ports, all
 * share one PostgreSQL schema, the first three are the seed nodes.
 */
final class NodeProcesses implements AutoCloseable {

  /** One node: its process and its ports. */
  record Node(int index, Process process, int remotePort, int gatewayPort, int managementPort, Path log) {
    String management() {
      return "http://127.0.0.1:" + managementPort;
    }

    String address() {
      return "pekko://switch@127.0.0.1:" + remotePort;
    }
  }

  private final List<Node> nodes = new ArrayList<>();
  private final Path dir;
  private final String schema;
  private final int[] remotePorts;
  private final int[] gatewayPorts;
  private final int[] managementPorts;
  private final List<String> extraArgs = new ArrayList<>();

  /** Ports are fixed per node index, so a restarted node comes back where clients expect it. */
  NodeProcesses(Path dir, String schema, int count) throws IOException {
    this.dir = dir;
    this.schema = schema;
    this.remotePorts = new int[count];
    this.gatewayPorts = new int[count];
    this.managementPorts = new int[count];
    for (int i = 0; i < count; i++) {
      remotePorts[i] = freePort();
      gatewayPorts[i] = freePort();
      managementPorts[i] = freePort();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** JVM options (-D settings) added to every node started after this call. */
  NodeProcesses withJvmArgs(List<String> args) {
    extraArgs.addAll(args);
    return this;
  }

  List<Node> nodes() {
    return nodes;
  }

  /** Starts node {@code i} (again, after a stop, on the same remoting port). */
  Node start(int i) throws IOException {
    int gateway = gatewayPorts[i];
    int management = managementPorts[i];
    Path log = dir.resolve("node-" + (i + 1) + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms128m", "-Xmx512m",
        "-Dpekko.remote.artery.canonical.port=" + remotePorts[i],
        "-Dswitch.gateway.port=" + gateway,
        "-Dpekko.management.http.port=" + management,
        "-Dswitch.node-name=switch-" + (i + 1),
        "-Dswitch.metrics.enabled=false",
        "-Dswitch.database.url=" + TestDatabases.PG_URL + "?currentSchema=" + schema,
        "-Dswitch.database.schema=" + schema,
        "-Dswitch.data-dir=" + dir.resolve("data"),
        "-Dpekko.management.http.route-providers-read-only=false"));
    for (int s = 0; s < Math.min(3, remotePorts.length); s++) {
      command.add("-Dpekko.cluster.seed-nodes." + s + "=pekko://switch@127.0.0.1:" + remotePorts[s]);
    }
    command.addAll(extraArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node",
        "--config", "multi-node,postgres-journal"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Node node = new Node(i, process, remotePorts[i], gateway, management, log);
    if (i < nodes.size()) {
      nodes.set(i, node);
    } else {
      nodes.add(node);
    }
    return node;
  }

  /** Starts node 0, waits until it answers /ready, then starts the others. */
  void startInOrder(int count) throws Exception {
    Node first = start(0);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      if (!first.process().isAlive()) {
        throw new IllegalStateException("node 0 exited while starting; see " + first.log());
      }
      try {
        var response = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(first.management() + "/ready")).timeout(java.time.Duration.ofSeconds(2)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("node 0 not ready within 3 minutes; see " + first.log());
      }
      first.process().waitFor(500, TimeUnit.MILLISECONDS); // returns early only if the process exits
    }
    for (int i = 1; i < count; i++) {
      start(i);
    }
  }

  @Override
  public void close() {
    for (Node node : nodes) {
      node.process().destroyForcibly();
    }
    for (Node node : nodes) {
      try {
        node.process().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
