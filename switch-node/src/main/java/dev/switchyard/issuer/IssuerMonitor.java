package dev.switchyard.issuer;

import dev.switchyard.issuer.iso.IsoLink;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Gauge;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * This node's watch over its issuer routes, every nudge interval: tells each route's advice queues to deliver (which
 * also starts a queue again after failover) and publishes each link's signed-on connections
 * ({@code switch.issuer.link.connections}) and breaker state ({@code switch.issuer.breaker.state}: 0 closed, 1 half
 * open, 2 open).
 */
final class IssuerMonitor {

  enum Tick { INSTANCE }

  private IssuerMonitor() {}

  static Behavior<Tick> create(IssuerSide side, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerAtFixedRate(Tick.INSTANCE, interval);
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      Map<String, Gauge[]> gauges = new HashMap<>();
      return Behaviors.receiveMessage(tick -> {
        for (Map.Entry<String, IsoLink> e : side.links().entrySet()) {
          String route = e.getKey();
          for (int p = 0; p < AdviceQueue.PARTITIONS; p++) {
            sharding.entityRefFor(AdviceQueue.ENTITY_KEY, AdviceQueue.entityId(route, p))
                .tell(AdviceQueue.Deliver.INSTANCE);
          }
          Gauge[] g = gauges.computeIfAbsent(route, r -> new Gauge[] {
              Kamon.gauge("switch.issuer.link.connections", "Connections of the issuer link signed on")
                  .withTag("route", r),
              Kamon.gauge("switch.issuer.breaker.state", "The route's circuit breaker: 0 closed, 1 half open, 2 open")
                  .withTag("route", r)});
          g[0].update(e.getValue().readyConnections());
          g[1].update(side.health(route).breakerLevel());
        }
        return Behaviors.same();
      });
    }));
  }
}
