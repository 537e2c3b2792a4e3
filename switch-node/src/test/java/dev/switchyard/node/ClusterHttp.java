package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.ops.OperatorHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/** What the multi-JVM tests ask nodes over their management HTTP port. */
final class ClusterHttp {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  /** GET that must answer 200 with JSON. */
  JsonNode get(String url) throws Exception {
    HttpResponse<String> response = http.send(OperatorHttp.request(url).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** POST of {@code body} as the demo operator; the answer, whatever its status. */
  HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(OperatorHttp.request(url).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long upMembers(JsonNode members) {
    long up = 0;
    for (JsonNode m : members.get("members")) {
      up += "Up".equals(m.get("status").asText()) ? 1 : 0;
    }
    return up;
  }

  /** Waits until every node is alive, ready, and sees all of them Up. */
  void awaitFullCluster(TestProbe<Object> probe, List<NodeProcesses.Node> nodes) {
    probe.awaitAssert(Duration.ofMinutes(3), Duration.ofSeconds(1), () -> {
      for (NodeProcesses.Node n : nodes) {
        assertThat(n.process().isAlive()).as("node " + n.index() + " alive, log " + n.log()).isTrue();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(n.management() + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(upMembers(get(n.management() + "/cluster/members"))).isEqualTo(nodes.size());
      }
      return null;
    });
  }
}
