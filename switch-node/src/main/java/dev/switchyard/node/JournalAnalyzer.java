package dev.switchyard.node;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Keeps PostgreSQL's statistics of the journal fresh: one instance in the cluster runs {@code ANALYZE} on
 * {@code event_journal} and {@code event_tag} every {@code switch.database.analyze-interval}. The read journal's tag
 * query, planned on statistics from an emptier table, hash-joins every journal row in the offset range instead of
 * walking the tag index (72 ms instead of 1.4 ms per poll at 26k events, docs/benchmarks.md). Autovacuum would do
 * this too, but it may be off (it is on these test machines) or late while the journal grows from nothing.
 */
final class JournalAnalyzer {

  /** The daemon's only message: time to analyze. */
  sealed interface Tick {}

  private record Analyze() implements Tick {}

  private record Done(Throwable failure) implements Tick {}

  private JournalAnalyzer() {}

  static void init(ActorSystem<?> system, DataSource dataSource, Duration interval) {
    ShardedDaemonProcess.get(system).init(Tick.class, "journal-analyzer", 1, i -> behavior(dataSource, interval));
  }

  private static Behavior<Tick> behavior(DataSource dataSource, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Analyze(), interval);
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      return Behaviors.receive(Tick.class)
          .onMessage(Analyze.class, a -> {
            ctx.pipeToSelf(CompletableFuture.runAsync(() -> {
              try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("ANALYZE event_journal, event_tag");
              } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
            }, blocking), (ok, failure) -> new Done(failure));
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            if (d.failure() != null) {
              ctx.getLog().warn("ANALYZE of the journal failed: {}", d.failure().getMessage());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
