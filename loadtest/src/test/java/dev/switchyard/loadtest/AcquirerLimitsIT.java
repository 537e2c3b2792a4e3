package dev.switchyard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.payment.SaltedSecret;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.protocol.v1.ResultCode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-acquirer limits under the load generator: the acquirer over its request rate gets RATE_LIMITED, the one
 * over its connection cap cannot open more sessions, and an acquirer loading the same node at the same time is
 * not touched by either.
 */
class AcquirerLimitsIT {

  @TempDir static Path dir;
  static SwitchNode node;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Path acquirers = Files.writeString(dir.resolve("acquirers.conf"),
        "rated = \"" + SaltedSecret.hash("secret-r") + "\"\ncapped = \"" + SaltedSecret.hash("secret-c")
            + "\"\nfree = \"" + SaltedSecret.hash("secret-f") + "\"\n");
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.data-dir", dir.resolve("data").toString(),
        "switch.gateway.port", 0,
        "switch.gateway.acquirers-file", acquirers.toString(),
        "switch.gateway.limits.acquirers", Map.of(
            "rated", Map.of("requests-per-period", 30, "period", "1s"),
            "capped", Map.of("connections", 2))))));
    port = node.gateway().address().getPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static LoadRunner.Settings run(String acquirer, String secret, double rate, int connections) {
    return new LoadRunner.Settings(List.of(new InetSocketAddress("127.0.0.1", port)), rate, Duration.ofSeconds(3),
        Duration.ZERO, connections, List.of(new LoadRunner.Credentials(acquirer, secret)), Workload.AUTHORIZE,
        Duration.ofSeconds(30), 7, null);
  }

  private static Map<ResultCode, Long> authorizations(RunResult r) {
    return r.operations().get(Stats.Op.AUTHORIZE).results();
  }

  @Test
  void anAcquirerOverItsRateIsLimitedAndAnotherOneIsNot() throws Exception {
    CompletableFuture<RunResult> rated = CompletableFuture.supplyAsync(() -> call(run("rated", "secret-r", 60, 2)));
    CompletableFuture<RunResult> free = CompletableFuture.supplyAsync(() -> call(run("free", "secret-f", 60, 2)));
    Map<ResultCode, Long> limited = authorizations(rated.get());
    assertThat(limited.getOrDefault(ResultCode.RATE_LIMITED, 0L)).as(limited.toString()).isPositive();
    assertThat(limited.getOrDefault(ResultCode.APPROVED, 0L)).as("the rate it is allowed still goes through")
        .isPositive();
    RunResult other = free.get();
    assertThat(authorizations(other)).as(other.problems().toString()).containsOnlyKeys(ResultCode.APPROVED);
    assertThat(other.missing()).isZero();
  }

  @Test
  void anAcquirerAtItsConnectionCapCannotOpenMoreAndAnotherOneCan() throws Exception {
    RunResult within = LoadRunner.run(run("capped", "secret-c", 20, 2));
    assertThat(authorizations(within)).containsOnlyKeys(ResultCode.APPROVED);
    CompletableFuture<RunResult> free = CompletableFuture.supplyAsync(() -> call(run("free", "secret-f", 20, 6)));
    assertThatThrownBy(() -> LoadRunner.run(run("capped", "secret-c", 20, 3)))
        .hasMessageContaining("RATE_LIMITED").hasMessageContaining("2 connections");
    assertThat(authorizations(free.get())).containsOnlyKeys(ResultCode.APPROVED);
  }

  private static RunResult call(LoadRunner.Settings settings) {
    try {
      return LoadRunner.run(settings);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
