package dev.switchyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.switchyard.payment.SaltedSecret;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster Bootstrap for real: a mock Kubernetes API server in this JVM (HTTPS, bearer token, namespace, label
 * selector, as the real one) lists three switch pods at 127.0.0.1, 127.0.0.2 and 127.0.0.3; three switch nodes run
 * in their own JVMs with the `kubernetes` overlay, each bound to its pod address, with no seed nodes, and must form
 * one cluster of three through discovery.
 */
class KubernetesBootstrapIT {

  private static final String OPERATOR_TOKEN = "bootstrap-test-token-" + SaltedSecret.generate();

  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String NAMESPACE = "payment-switch";
  static final String TOKEN = "service-account-token-" + UUID.randomUUID();
  static final Path NODE = Path.of(System.getProperty("switch.node.dir", "../switch-node"));
  static final List<String> IPS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  @TempDir Path dir;

  @Test
  void threeNodesFormOneClusterThroughTheKubernetesApiWithNoSeedNodes() throws Exception {
    requirePostgres();
    String schema = "switch_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    SSLContext tls = selfSignedTls(dir);
    Files.writeString(dir.resolve("token"), TOKEN);
    Files.writeString(dir.resolve("namespace"), NAMESPACE);
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    HttpsServer api = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.setHttpsConfigurator(new HttpsConfigurator(tls));
    api.createContext("/", x -> {
      String target = x.getRequestURI().getPath() + "?" + x.getRequestURI().getQuery();
      requests.add(target);
      int status;
      String body;
      if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        status = 401;
        body = "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Unauthorized\",\"code\":401}";
      } else if (x.getRequestURI().getPath().equals("/api/v1/namespaces/" + NAMESPACE + "/pods")
          && "labelSelector=app=switch".equals(x.getRequestURI().getQuery())) {
        status = 200;
        body = podList();
      } else {
        status = 403;
        body = "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    });
    api.start();
    List<Process> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < IPS.size(); i++) {
        nodes.add(startNode(i, api.getAddress().getPort(), schema));
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      List<String> problems = new ArrayList<>();
      while (true) {
        problems.clear();
        for (int i = 0; i < IPS.size(); i++) {
          if (!nodes.get(i).isAlive()) {
            fail("node " + IPS.get(i) + " exited: " + Files.readString(dir.resolve("node-" + i + ".log")));
          }
          try {
            String members = http.send(HttpRequest.newBuilder(URI.create("http://" + IPS.get(i) + ":7626/cluster/members"))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            long up = members.split("\"status\":\"Up\"", -1).length - 1;
            if (up != 3) {
              problems.add(IPS.get(i) + " sees " + up + " members Up");
            }
            // Up comes before ready: the shard region still has to register with its coordinator.
            int ready = http.send(HttpRequest.newBuilder(URI.create("http://" + IPS.get(i) + ":7626/ready"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (ready != 200) {
              problems.add(IPS.get(i) + " answers /ready with " + ready);
            }
          } catch (IOException notYet) {
            problems.add(IPS.get(i) + " not answering yet");
          }
        }
        if (problems.isEmpty()) {
          break;
        }
        assertThat(System.nanoTime()).as("one cluster of three, all ready, within 3 minutes: %s", problems)
            .isLessThan(deadline);
        nodes.get(0).waitFor(1, TimeUnit.SECONDS); // returns early only if that node exits
      }
      String members = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:7626/cluster/members"))
          .header("Authorization", "Bearer " + OPERATOR_TOKEN).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String ip : IPS) {
        assertThat(members).contains("pekko://switch@" + ip + ":17355");
      }
      assertThat(requests).as("every node asked the Kubernetes API for the pods")
          .contains("/api/v1/namespaces/" + NAMESPACE + "/pods?labelSelector=app=switch");
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.3:7626/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    } finally {
      nodes.forEach(Process::destroyForcibly);
      for (Process p : nodes) {
        p.waitFor(30, TimeUnit.SECONDS);
      }
      api.stop(0);
      try (Connection c = DriverManager.getConnection(PG_URL, "postgres", ""); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  Process startNode(int i, int apiPort, String schema) throws IOException {
    String ip = IPS.get(i);
    String classpath = NODE.resolve("target/classes") + java.io.File.pathSeparator
        + Files.readString(NODE.resolve("target/classpath.txt")).trim();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms128m", "-Xmx384m",
        // What the pod's service account mount would give.
        "-Dpekko.discovery.kubernetes-api.api-ca-path=" + dir.resolve("ca.crt"),
        "-Dpekko.discovery.kubernetes-api.api-token-path=" + dir.resolve("token"),
        "-Dpekko.discovery.kubernetes-api.pod-namespace-path=" + dir.resolve("namespace"),
        // Three "pods" share one machine: each binds its own address instead of 0.0.0.0.
        "-Dpekko.management.http.bind-hostname=" + ip,
        "-Dswitch.gateway.host=" + ip,
        // The overlay's gateway TLS files are a mounted Secret; this test is about forming the cluster.
        "-Dswitch.gateway.tls.enabled=off",
        "-Dpekko.remote.artery.transport=tcp",
        "-Dswitch.metrics.enabled=false",
        "-Dswitch.data-dir=" + dir.resolve("data-" + i),
        // A viewer to read the members with; Bootstrap's own route between the nodes needs no token.
        "-Dswitch.operator.operators.bootstrap-test.token=" + SaltedSecret.hash(OPERATOR_TOKEN),
        "-Dswitch.operator.operators.bootstrap-test.role=viewer",
        "-cp", classpath, "dev.switchyard.node.Main", "node", "--config", "kubernetes"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node-" + i + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("POD_IP", ip);
    env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiPort));
    env.put("SWITCH_NODE_NAME", "switch-" + i);
    env.put("SWITCH_DB_URL", PG_URL + "?currentSchema=" + schema);
    env.put("SWITCH_DB_USER", "postgres");
    env.put("SWITCH_DB_SCHEMA", schema);
    env.put("SWITCH_PAN_HASH_KEY", "bootstrap-test-card-hash-key");
    env.put("REQUIRED_CONTACT_POINT_NR", "3");
    return pb.start();
  }

  /** Three running switch pods, as the API server lists them. */
  static String podList() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < IPS.size(); i++) {
      if (i > 0) {
        items.append(',');
      }
      items.append("""
          {"metadata":{"name":"switch-%d","namespace":"%s","labels":{"app":"switch"}},
           "spec":{"containers":[{"name":"switch","ports":[
             {"name":"management","containerPort":7626,"protocol":"TCP"},
             {"name":"remoting","containerPort":17355,"protocol":"TCP"},
             {"name":"gateway","containerPort":7700,"protocol":"TCP"}]}]},
           "status":{"phase":"Running","podIP":"%s",
             "conditions":[{"type":"Ready","status":"False"}],
             "containerStatuses":[{"name":"switch","ready":false,"state":{"running":{}}}]}}
          """.formatted(i, NAMESPACE, IPS.get(i)));
    }
    return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
        + items + "]}";
  }

  /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool; its PEM is the nodes' API CA. */
  static SSLContext selfSignedTls(Path dir) throws Exception {
    Path keystore = dir.resolve("api.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "api", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=kubernetes", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
    run(keytool, "-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-file", dir.resolve("ca.crt").toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(String.join(" ", command) + " failed: " + out);
    }
  }

  static void requirePostgres() {
    DriverManager.setLoginTimeout(3);
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.isValid(2);
    } catch (Exception e) {
      String reason = "PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres, database test): " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(reason);
      }
      Assumptions.assumeTrue(false, reason);
    }
  }
}
