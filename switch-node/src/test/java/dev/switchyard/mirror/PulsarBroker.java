package dev.switchyard.mirror;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Pulsar standalone broker in its own JVM, launched the way {@code bin/switch pulsar} launches it:
 * the classpath resolved by the {@code pulsar-dev-broker} module, its configuration and JVM options, loopback
 * ports chosen here. The broker never shares the tests' classpath (it brings Netty 4.1).
 */
public final class PulsarBroker implements AutoCloseable {

  private static final Path MODULE = Path.of(System.getProperty("pulsar.broker.dir", "../persistence/pulsar-dev-broker"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int port;
  private final int webPort;
  private final Path dataDir;
  private Process process;

  private PulsarBroker(int port, int webPort, Path dataDir) {
    this.port = port;
    this.webPort = webPort;
    this.dataDir = dataDir;
  }

  /** A broker on two free loopback ports, keeping its data in {@code dataDir}, started and ready. */
  public static PulsarBroker start(Path dataDir) throws Exception {
    PulsarBroker broker = new PulsarBroker(freePort(), freePort(), dataDir);
    broker.launch();
    return broker;
  }

  public String serviceUrl() {
    return "pulsar://127.0.0.1:" + port;
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  /** Starts the broker process (again, after {@link #stop}, on the same ports and data) and waits until ready. */
  public synchronized void launch() throws Exception {
    Path classpath = MODULE.resolve("target/pulsar-broker.classpath");
    if (!Files.exists(classpath)) {
      throw new IllegalStateException(classpath.toAbsolutePath() + " is missing: build the reactor (mvn verify) first");
    }
    Files.createDirectories(dataDir);
    Path conf = dataDir.resolve("standalone.conf");
    Files.writeString(conf, Files.readString(MODULE.resolve("src/main/pulsar/standalone.conf"))
        + "\nbrokerServicePort=" + port + "\nwebServicePort=" + webPort + "\n");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Files.readAllLines(MODULE.resolve("src/main/pulsar/jvm.options")).stream()
        .map(String::trim).filter(l -> !l.isEmpty()).toList());
    command.add("-Dlog4j2.configurationFile=" + MODULE.resolve("src/main/pulsar/log4j2.xml").toAbsolutePath());
    command.addAll(List.of("-cp", Files.readString(classpath).trim(), "org.apache.pulsar.PulsarStandaloneStarter",
        "--config", conf.toAbsolutePath().toString(), "--no-functions-worker", "--no-stream-storage",
        "--metadata-dir", dataDir.resolve("metadata").toAbsolutePath().toString(),
        "--bookkeeper-dir", dataDir.resolve("bookkeeper").toAbsolutePath().toString()));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.log").toFile()))
        .start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    awaitReady(Duration.ofSeconds(90));
  }

  /** Ready means the default namespace exists (an open port is not enough: producers fail before that). */
  private void awaitReady(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Pulsar broker exited with " + process.exitValue()
            + "; see " + dataDir.resolve("broker.log"));
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/admin/v2/namespaces/public"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("public/default")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("the Pulsar broker was not ready within " + timeout);
  }

  /** Stops the broker with SIGTERM and waits for it. */
  public synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** One JSON document of the admin REST API, e.g. {@code /admin/v2/persistent/public/default/t/stats}. */
  public String admin(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
