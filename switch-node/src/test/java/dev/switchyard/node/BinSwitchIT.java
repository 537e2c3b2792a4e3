package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's way: {@code bin/switch node} in its own process, ready on /ready, an authorization through
 * {@code bin/switch client}, then a graceful stop on SIGTERM with exit code 0.
 */
class BinSwitchIT {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path dir;
  private Process node;
  private final ActorTestKit waiting = ActorTestKit.create();

  @AfterEach
  void tearDown() {
    if (node != null && node.isAlive()) {
      node.destroyForcibly();
    }
    waiting.shutdownTestKit();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aNodeStartedByTheScriptServesTheClientAndStopsGracefully() throws Exception {
    int gateway = freePort();
    int management = freePort();
    ProcessBuilder builder = new ProcessBuilder(List.of(ROOT.resolve("bin/switch").toString(), "node",
        "--data-dir", dir.resolve("data").toString(),
        "--gateway-port", Integer.toString(gateway), "--management-port", Integer.toString(management)))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("node.log").toFile());
    builder.environment().put("SWITCH_REMOTE_PORT", Integer.toString(freePort()));
    builder.environment().put("SWITCH_SKIP_BUILD", "1");
    builder.environment().put("SWITCH_METRICS_PORT", Integer.toString(freePort()));
    node = builder.start();

    HttpClient http = HttpClient.newHttpClient();
    TestProbe<Object> probe = waiting.createTestProbe();
    probe.awaitAssert(Duration.ofMinutes(3), Duration.ofMillis(500), () -> {
      assertThat(node.isAlive()).as("node process alive").isTrue();
      HttpResponse<String> ready = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      return null;
    });

    ProcessBuilder clientBuilder = new ProcessBuilder(List.of(ROOT.resolve("bin/switch").toString(), "client",
        "--host", "127.0.0.1:" + gateway, "authorize", "--ref", "readme-1",
        "--pan", "4111111111111111", "--expiry", "12/30", "--amount", "2500"));
    clientBuilder.environment().put("SWITCH_SKIP_BUILD", "1");
    Process client = clientBuilder.start();
    assertThat(client.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.exitValue()).as(answer).isZero();
    assertThat(answer).contains("\"result\":\"APPROVED\"");

    node.destroy(); // SIGTERM: coordinated shutdown, graceful
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(Files.readString(dir.resolve("node.log"))).isZero();
    // The node left its cluster on the way out (the last lines of a shutdown may not reach the log before exit).
    assertThat(Files.readString(dir.resolve("node.log"))).contains("Exiting completed");
  }
}
