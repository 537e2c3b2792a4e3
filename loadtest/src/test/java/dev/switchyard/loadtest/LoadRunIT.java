package dev.switchyard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One short open-loop run against a node started in the test: every request answered, the report written. */
class LoadRunIT {

  @TempDir Path dir;

  @Test
  void aShortMixedRunGetsEveryAnswerAndWritesTheReport() throws Exception {
    try (SwitchNode node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.port", 0,
        "pekko.management.http.port", 0,
        "switch.metrics.enabled", false,
        "switch.data-dir", dir.resolve("data").toString(),
        "switch.gateway.port", 0))))) {
      var settings = new LoadRunner.Settings(
          List.of(new InetSocketAddress("127.0.0.1", node.gateway().address().getPort())),
          40, Duration.ofSeconds(3), Duration.ofSeconds(1), 2,
          List.of(new LoadRunner.Credentials("demo", "demo-secret")), Workload.MIXED, Duration.ofSeconds(30), 11,
          null);
      RunResult result = LoadRunner.run(settings);
      assertThat(result.missing()).isZero();
      assertThat(result.failures()).isZero();
      assertThat(result.errors()).as(result.problems().toString()).isZero();
      assertThat(result.answered()).isEqualTo(result.sent());
      assertThat(result.operations()).containsKey(Stats.Op.AUTHORIZE);
      assertThat(result.cpu().generatorCores()).as("the generator's own CPU over the run").isPositive();
      Report.write(dir.resolve("report"), "it", List.of(result));
      assertThat(dir.resolve("report/report.html")).isNotEmptyFile();
      assertThat(dir.resolve("report/result.json")).isNotEmptyFile();
      assertThat(Files.readString(dir.resolve("report/summary.txt"))).contains("authorize");
    }
  }
}
