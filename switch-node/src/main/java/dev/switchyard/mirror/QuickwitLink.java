package dev.switchyard.mirror;

import dev.switchyard.persistence.TagSlices;
import dev.switchyard.persistence.quickwit.QuickwitClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Quickwit: its client (for the mirror, the log shipping and the operator search) and the mirror's
 * state. At start the events index is created when missing; when it exists with another mapping, the mirror is
 * refused (nothing is sent, the reason is logged and shown by {@code GET /mirrors/quickwit}) while the rest of
 * the node runs on. While Quickwit cannot be reached, the check is retried with backoff.
 */
public final class QuickwitLink implements Extension {

  private static final Logger log = LoggerFactory.getLogger(QuickwitLink.class);

  private volatile QuickwitClient client;
  private volatile QuickwitSettings settings;
  private volatile String refusal;
  private volatile boolean mirroring;

  /** The extension id. */
  public static final class Id extends ExtensionId<QuickwitLink> {
    @Override
    public QuickwitLink createExtension(ActorSystem<?> system) {
      return new QuickwitLink();
    }
  }

  private static final Id ID = new Id();

  public static QuickwitLink get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** The client, or null when no Quickwit is configured. */
  public QuickwitClient client() {
    return client;
  }

  public QuickwitSettings settings() {
    return settings;
  }

  /** Why the mirror was refused, or null. */
  public String refusal() {
    return refusal;
  }

  /** Whether this node runs the mirror's daemons (the index was found usable). */
  public boolean mirroring() {
    return mirroring;
  }

  public static void start(ActorSystem<?> system, DataSource dataSource, TagSlices tags, QuickwitSettings settings,
      String node) {
    QuickwitLink link = get(system);
    link.settings = settings;
    if (!settings.configured()) {
      return;
    }
    QuickwitClient client = new QuickwitClient(URI.create(settings.url()), settings.requestTimeout(),
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
    link.client = client;
    if (settings.logs().enabled()) {
      QuickwitLogShipper.start(client, settings.logs(), node);
    }
    if (!settings.mirror().enabled()) {
      return;
    }
    CompletionStage<String> checked = Patterns.retry(
        () -> client.ensureIndex(settings.mirror().indexConfig()),
        (differences, failure) -> failure != null,
        Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2, Adapter.toClassic(system));
    checked.whenComplete((differences, failure) -> {
      if (differences != null) {
        link.refusal = "Quickwit index " + settings.mirror().indexId() + " exists with another mapping than"
            + " the switch's (" + differences + "); the Quickwit mirror does not start. Fix or delete the index,"
            + " or point switch.quickwit.mirror.index-config at a new index id, then restart the node.";
        log.error(link.refusal);
      } else if (failure == null) {
        link.mirroring = true;
        QuickwitMirror.init(system, client, dataSource, tags, settings.mirror(), node);
        MirrorLagMonitor.start(system, dataSource, tags, "quickwit", QuickwitMirror.PROJECTION_NAME,
            settings.mirror().lagInterval());
        log.info("Mirroring the journal to Quickwit index {} at {}", settings.mirror().indexId(), settings.url());
      }
    });
  }

}
