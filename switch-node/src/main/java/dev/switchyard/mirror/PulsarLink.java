package dev.switchyard.mirror;

import dev.switchyard.persistence.TagSlices;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Pulsar client, and what runs on it: the journal mirror, its lag gauges and the back-office
 * consumer. The client reconnects by itself while the broker is away; it closes after the node's last stream
 * stopped (coordinated shutdown, before the actor system ends).
 */
public final class PulsarLink {

  private static final Logger log = LoggerFactory.getLogger(PulsarLink.class);

  private PulsarLink() {}

  /** The client of {@code settings}: its broker, its token (read by Pulsar's token plugin) and TLS. */
  static PulsarClient client(PulsarSettings settings) throws PulsarClientException {
    PulsarSettings.Security security = settings.security();
    ClientBuilder builder = PulsarClient.builder()
        .serviceUrl(settings.serviceUrl())
        .operationTimeout(30, TimeUnit.SECONDS)
        .enableTlsHostnameVerification(security.hostnameVerification());
    if (!security.trustCertsFile().isEmpty()) {
      builder.tlsTrustCertsFilePath(security.trustCertsFile());
    }
    if (!security.tokenFile().isEmpty()) {
      // Read again each time the client authenticates a connection.
      builder.authentication(AuthenticationFactory.token(() -> readToken(security.tokenFile())));
    } else if (!security.token().isEmpty()) {
      builder.authentication(AuthenticationFactory.token(security.token()));
    }
    boolean tls = settings.serviceUrl().startsWith("pulsar+ssl://");
    if (security.authenticates() && !tls && !isLoopback(settings.serviceUrl())) {
      log.warn("The Pulsar token goes to {} in clear: use a pulsar+ssl:// service URL", settings.serviceUrl());
    }
    log.info("Pulsar client for {}: {}", settings.serviceUrl(), security);
    return builder.build();
  }

  private static String readToken(String file) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Pulsar token file " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isLoopback(String serviceUrl) {
    String host = java.net.URI.create(serviceUrl.split(",")[0]).getHost();
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }

  public static void start(ActorSystem<?> system, DataSource dataSource, TagSlices tags, PulsarSettings settings) {
    PulsarClient client;
    try {
      client = client(settings);
    } catch (PulsarClientException e) {
      throw new IllegalStateException("Pulsar client for " + settings.serviceUrl() + ": " + e.getMessage(), e);
    }
    if (settings.mirror().enabled()) {
      PulsarMirror.init(system, client, dataSource, tags, settings.mirror());
      MirrorLagMonitor.start(system, dataSource, tags, "pulsar", PulsarMirror.PROJECTION_NAME,
          settings.mirror().lagInterval());
    }
    if (settings.commands().enabled()) {
      BackOffice.start(system, client, settings.commands());
    }
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-pulsar-client",
        () -> client.closeAsync().thenApply(v -> Done.getInstance()).exceptionally(failure -> Done.getInstance()));
  }
}
