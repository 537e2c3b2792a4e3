package dev.switchyard.mirror;

import dev.switchyard.persistence.TagSlices;
import java.time.Duration;
import javax.sql.DataSource;
import kamon.Kamon;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Publishes each mirror slice's lag as Kamon gauges, {@code switch.mirror.lag.events} and
 * {@code switch.mirror.lag.seconds}, tagged {@code mirror} and {@code slice}. The figures come from the journal
 * database, so they are the cluster's, whichever node mirrors the slice: every node reports the same values
 * (aggregate with max, not sum).
 */
public final class MirrorLagMonitor {

  private static final Logger log = LoggerFactory.getLogger(MirrorLagMonitor.class);

  private MirrorLagMonitor() {}

  public static void start(ActorSystem<?> system, DataSource dataSource, TagSlices tags, String mirror,
      String projectionName, Duration interval) {
    MirrorOffsets offsets = new MirrorOffsets(dataSource);
    ExecutionContextExecutor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    system.scheduler().scheduleWithFixedDelay(interval, interval, () -> {
      for (int slice = 0; slice < tags.count(); slice++) {
        try {
          MirrorOffsets.Lag lag = offsets.lag(projectionName, tags.tag(slice), slice);
          String s = Integer.toString(slice);
          Kamon.gauge("switch.mirror.lag.events", "Journal events not yet acknowledged by the mirror's sink")
              .withTag("mirror", mirror).withTag("slice", s).update(lag.events());
          Kamon.gauge("switch.mirror.lag.seconds", "Age of the oldest event not yet acknowledged by the sink")
              .withTag("mirror", mirror).withTag("slice", s).update(lag.seconds(System.currentTimeMillis()));
        } catch (Exception e) {
          log.warn("Could not read the lag of mirror {} slice {}: {}", mirror, slice, e.toString());
        }
      }
    }, blocking);
  }
}
