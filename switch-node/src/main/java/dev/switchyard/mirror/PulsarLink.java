package dev.switchyard.mirror;

import dev.switchyard.persistence.TagSlices;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * The node's one Pulsar client, and what runs on it: the journal mirror, its lag gauges and the back-office
 * consumer. The client reconnects by itself while the broker is away; it closes after the node's last stream
 * stopped (coordinated shutdown, before the actor system ends).
 */
public final class PulsarLink {

  private PulsarLink() {}

  public static void start(ActorSystem<?> system, DataSource dataSource, TagSlices tags, PulsarSettings settings) {
    PulsarClient client;
    try {
      client = PulsarClient.builder()
          .serviceUrl(settings.serviceUrl())
          .operationTimeout(30, TimeUnit.SECONDS)
          .build();
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
