package dev.switchyard.loadtest;

import dev.switchyard.protocol.client.ClientTls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/loadtest}: open-loop load against a running switch, a search for the highest sustained rate, or the database ceiling. */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
    description = "Open-loop load generator for the switch's acquirer protocol.")
public final class LoadTestCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1:7700", split = ",",
      description = "Gateway addresses host:port, comma-separated; connections are spread over them.")
  List<String> hosts;

  @Option(names = "--rate", defaultValue = "200", description = "Arrivals (payments) per second.")
  double rate;

  @Option(names = "--duration", defaultValue = "30s", description = "Measured duration (e.g. 30s, 2m).")
  String duration;

  @Option(names = "--warmup", defaultValue = "10s", description = "Unmeasured warmup at the same rate.")
  String warmup;

  @Option(names = "--connections", defaultValue = "8", description = "TCP connections.")
  int connections;

  @Option(names = "--acquirers", defaultValue = "1",
      description = "How many acquirers: 1 uses --acquirer/--secret; N > 1 uses load-1..load-N with --secret.")
  int acquirers;

  @Option(names = "--acquirer", defaultValue = "demo") String acquirer;

  @Option(names = "--secret", defaultValue = "${env:SWITCH_ACQUIRER_SECRET:-demo-secret}") String secret;

  @Option(names = "--mix", defaultValue = "authorize-capture",
      description = "authorize, authorize-capture or mixed (captures, partial refunds, voids, invalid requests).")
  String mix;

  @Option(names = "--out", description = "Report directory (default loadtest/target/reports/<time>).")
  Path out;

  @Option(names = "--seed", defaultValue = "42") long seed;

  @Option(names = "--tls", description = "Connect over TLS (implied by the --tls-* files).") boolean tls;

  @Option(names = "--tls-ca", description = "PEM file of the CAs trusted to sign the gateway's certificate.")
  String tlsCa;

  @Option(names = "--tls-cert", description = "PEM file of the acquirers' client certificate, for mutual TLS.")
  String tlsCert;

  @Option(names = "--tls-key", description = "PEM file of the client certificate's PKCS#8 private key.")
  String tlsKey;

  @Option(names = "--drain-timeout", defaultValue = "30s") String drainTimeout;

  @Option(names = "--find-max", description = "Raise the rate step by step until p99 exceeds --p99-bound or a run has problems.")
  boolean findMax;

  @Option(names = "--p99-bound", defaultValue = "50", description = "Highest acceptable p99 in ms (--find-max).")
  double p99Bound;

  @Option(names = "--step", defaultValue = "1.25", description = "Rate multiplier between --find-max steps.")
  double step;

  @Option(names = "--max-rate", defaultValue = "20000") double maxRate;

  @Option(names = "--mirror-pulsar", description = "Also watch the journal mirror's topic on this Pulsar service URL:"
      + " events/s and end-to-end lag from journal write to receipt (single runs only).")
  String mirrorPulsar;

  @Option(names = "--mirror-topic", defaultValue = "persistent://public/default/switch-payment-events")
  String mirrorTopic;

  @Option(names = "--mirror-pulsar-token-file", description = "A file holding the Pulsar token to watch with,"
      + " for a broker that authenticates.")
  String mirrorPulsarTokenFile;

  @Option(names = "--db-ceiling", description = "Measure the database's journal-row ceiling instead of the switch.")
  boolean dbCeiling;

  @Option(names = "--db-url", defaultValue = "${env:SWITCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/test}") String dbUrl;

  @Option(names = "--db-user", defaultValue = "${env:SWITCH_DB_USER:-postgres}") String dbUser;

  @Option(names = "--db-password", defaultValue = "${env:SWITCH_DB_PASSWORD:-}") String dbPassword;

  @Option(names = "--db-threads", defaultValue = "4") int dbThreads;

  @Option(names = "--db-batch", defaultValue = "100") int dbBatch;

  @Option(names = "--db-payload", defaultValue = "160", description = "Bytes per row payload (a real event's size).")
  int dbPayload;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestCommand()).execute(args));
  }

  private String mirrorSummary;

  @Override
  public Integer call() throws Exception {
    if (dbCeiling) {
      DbCeiling.Result r = DbCeiling.measure(dbUrl, dbUser, dbPassword, parse(duration), dbThreads, dbBatch, dbPayload);
      System.out.printf(Locale.ROOT, "database ceiling: %.0f journal-shaped rows/s (%d rows in %.1f s, %d threads,"
          + " batches of %d, %d-byte payloads, synchronous commit) on %s%n",
          r.rowsPerSecond(), r.rows(), r.seconds(), r.threads(), r.batchSize(), r.payloadBytes(), r.url());
      return 0;
    }
    Path dir = out != null ? out
        : Path.of("loadtest", "target", "reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    List<RunResult> runs = new ArrayList<>();
    String title;
    if (findMax) {
      double r = rate;
      RunResult best = null;
      while (r <= maxRate) {
        RunResult result = LoadRunner.run(settings(r));
        runs.add(result);
        boolean ok = result.good() && result.worstP99() <= p99Bound;
        System.out.printf(Locale.ROOT, "rate %.0f/s: %s (worst p99 %.2f ms)%s%n", r, ok ? "sustained" : "NOT sustained",
            result.worstP99(), result.good() ? "" : " " + result.problems());
        if (!ok) {
          break;
        }
        best = result;
        r = Math.ceil(r * step);
      }
      title = best == null
          ? String.format(Locale.ROOT, "find-max (%s): not even %.0f/s was sustained with p99 <= %.0f ms", mix, rate, p99Bound)
          : String.format(Locale.ROOT, "find-max (%s): highest sustained rate %.0f/s with p99 <= %.0f ms and no problems",
              mix, best.targetRate(), p99Bound);
    } else if (mirrorPulsar != null) {
      try (MirrorWatch watch = new MirrorWatch(mirrorPulsar, mirrorTopic, mirrorPulsarTokenFile)) {
        watch.measureFrom(System.currentTimeMillis() + parse(warmup).toMillis());
        runs.add(LoadRunner.run(settings(rate)));
        // The mirror trails the answers: wait until its events stop arriving (2 s without one).
        long seen = -1;
        while (seen != watch.events()) {
          seen = watch.events();
          Thread.sleep(2_000);
        }
        mirrorSummary = watch.summary();
      }
      title = String.format(Locale.ROOT, "open-loop run (%s) at %.0f/s, mirror watched", mix, rate);
    } else {
      runs.add(LoadRunner.run(settings(rate)));
      title = String.format(Locale.ROOT, "open-loop run (%s) at %.0f/s", mix, rate);
    }
    String text = Report.write(dir, title, runs);
    System.out.print(text);
    if (mirrorSummary != null) {
      System.out.print(mirrorSummary);
    }
    System.out.println("report: " + dir.toAbsolutePath().resolve("report.html"));
    return runs.stream().allMatch(RunResult::good) || findMax ? 0 : 1;
  }

  private LoadRunner.Settings settings(double r) throws java.io.IOException {
    List<InetSocketAddress> addresses = hosts.stream().map(h -> {
      String[] hp = h.split(":");
      return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }).toList();
    List<LoadRunner.Credentials> creds = new ArrayList<>();
    if (acquirers <= 1) {
      creds.add(new LoadRunner.Credentials(acquirer, secret));
    } else {
      for (int i = 1; i <= acquirers; i++) {
        creds.add(new LoadRunner.Credentials("load-" + i, secret));
      }
    }
    return new LoadRunner.Settings(addresses, r, parse(duration), parse(warmup), connections, creds,
        Workload.parse(mix), parse(drainTimeout), seed, ClientTls.fromOptions(tls, tlsCa, tlsCert, tlsKey));
  }

  static Duration parse(String text) {
    return Duration.parse("PT" + text.toUpperCase(Locale.ROOT));
  }
}
