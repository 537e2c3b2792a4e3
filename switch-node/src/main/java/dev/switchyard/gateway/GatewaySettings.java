package dev.switchyard.gateway;

import com.typesafe.config.Config;
import dev.switchyard.payment.SaltedSecret;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code switch.gateway}, read once at start. {@code acquirerSecrets} holds what each acquirer's secret is kept as
 * ({@link SaltedSecret}), never part of the text form.
 */
public record GatewaySettings(
    String host,
    int port,
    int maxFrameBytes,
    int maxInFlight,
    int maxInFlightPerNode,
    double newPaymentShare,
    Duration requestTimeout,
    Duration issuerTimeout,
    Duration helloTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    long maxAmountMinor,
    int ioThreads,
    int writeBufferLow,
    int writeBufferHigh,
    Map<String, String> acquirerSecrets,
    GatewayTls.Settings tls,
    boolean allowPlain,
    AcquirerLimits.Settings limits) {

  public static GatewaySettings create(Config config) {
    Config g = config.getConfig("switch.gateway");
    Map<String, String> secrets = new HashMap<>();
    Config acquirers = g.getConfig("acquirers");
    for (String id : acquirers.root().keySet()) {
      String stored = acquirers.getString("\"" + id + "\"");
      SaltedSecret.check("switch.gateway.acquirers." + id, stored);
      secrets.put(id, stored);
    }
    if (g.hasPath("acquirers-file") && !g.getString("acquirers-file").isBlank()) {
      // A mounted Secret: `id = "sha256:…"` lines (HOCON or properties), added to (and overriding) the above. Only
      // salted digests: a file that holds secrets in clear is refused, naming the acquirer.
      java.io.File file = new java.io.File(g.getString("acquirers-file"));
      if (!file.isFile()) {
        throw new IllegalArgumentException("switch.gateway.acquirers-file: no file at " + file);
      }
      Config fromFile = com.typesafe.config.ConfigFactory.parseFile(file);
      for (String id : fromFile.root().keySet()) {
        String stored = fromFile.getString("\"" + id + "\"");
        String where = "switch.gateway.acquirers-file (" + file + "), acquirer '" + id + "'";
        if (!SaltedSecret.isHashed(stored)) {
          throw new IllegalArgumentException(where + ": a secret in clear; store its salted digest instead"
              + " (bin/switch hash-secret)");
        }
        SaltedSecret.check(where, stored);
        secrets.put(id, stored);
      }
    }
    return new GatewaySettings(
        g.getString("host"),
        g.getInt("port"),
        (int) g.getBytes("max-frame-size").longValue(),
        g.getInt("max-in-flight"),
        g.getInt("max-in-flight-per-node"),
        g.getDouble("new-payment-share"),
        g.getDuration("request-timeout"),
        config.getDuration("switch.payment.issuer-timeout"),
        g.getDuration("hello-timeout"),
        g.getDuration("idle-timeout"),
        g.getDuration("drain-timeout"),
        g.getLong("max-amount-minor"),
        g.getInt("io-threads"),
        (int) g.getBytes("write-buffer-low").longValue(),
        (int) g.getBytes("write-buffer-high").longValue(),
        Map.copyOf(secrets),
        GatewayTls.Settings.create(g),
        g.getBoolean("allow-plain"),
        AcquirerLimits.Settings.create(g));
  }

  /**
   * Refuses plain TCP on an address beyond loopback unless {@code allow-plain} says so: card numbers and acquirer
   * secrets would cross the network in clear.
   */
  void requireSafeTransport() {
    if (tls.enabled() || allowPlain) {
      return;
    }
    boolean loopback;
    try {
      java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host);
      loopback = java.util.Arrays.stream(all).allMatch(java.net.InetAddress::isLoopbackAddress);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("switch.gateway.host: unknown host '" + host + "'", e);
    }
    if (!loopback) {
      throw new IllegalArgumentException("switch.gateway: plain TCP on " + host + " is beyond loopback; enable"
          + " switch.gateway.tls, or set switch.gateway.allow-plain = on where the network is otherwise protected");
    }
  }

  /** The acquirers whose secret is kept in clear (a development overlay's configuration). */
  java.util.List<String> acquirersWithPlainSecrets() {
    return acquirerSecrets.entrySet().stream().filter(e -> !SaltedSecret.isHashed(e.getValue()))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** The node's in-flight slots authorizations may take; the rest is kept for payments already let in. */
  public int maxNewPaymentsInFlight() {
    return Math.max(1, (int) (maxInFlightPerNode * newPaymentShare));
  }

  /** The same share of a connection's slots. */
  public int maxNewPaymentsInFlightPerConnection() {
    return Math.max(1, (int) (maxInFlight * newPaymentShare));
  }

  @Override
  public String toString() {
    return "GatewaySettings[" + host + ":" + port + ", maxFrameBytes=" + maxFrameBytes + ", maxInFlight="
        + maxInFlight + ", tls=" + tls.enabled() + ", acquirers=" + acquirerSecrets.keySet() + "]";
  }
}
