package dev.switchyard.node;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Keeps PostgreSQL's statistics of the journal fresh: one instance in the cluster looks at the journal tables'
 * change counters every {@code switch.database.analyze-interval} and runs {@code ANALYZE} on those that changed
 * enough since their last analysis. The read journal's tag query, planned on statistics from an emptier table,
 * hash-joins every journal row in the offset range instead of walking the tag index (72 ms instead of 1.4 ms per
 * poll at 26k events, docs/perf-log/2026-11-23-statistics-trap.md). Autovacuum would do this too, but it may be off
 * (it is on these test machines) and it looks at most once a minute, which leaves a fresh journal under load on bad
 * plans for its first minute. Checking often and analyzing on change keeps a young journal's statistics current
 * within seconds and a large one's without analyzing it needlessly.
 */
final class JournalAnalyzer {

  private static final List<String> TABLES = List.of("event_journal", "event_tag");

  /** When a table's statistics are stale, from {@code switch.database.analyze-*}. */
  record Settings(Duration interval, long minChangedRows, double changedFraction) {

    static Settings create(Config config) {
      return new Settings(config.getDuration("switch.database.analyze-interval"),
          config.getLong("switch.database.analyze-min-changed-rows"),
          config.getDouble("switch.database.analyze-changed-fraction"));
    }

    boolean enabled() {
      return !interval.isZero();
    }
  }

  /** One table's counters from {@code pg_stat_user_tables}. */
  record TableStats(String table, long liveRows, long changedSinceAnalyze, boolean everAnalyzed) {

    /**
     * Stale when rows exist and it was never analyzed, or when at least {@code minChangedRows} plus
     * {@code changedFraction} of its rows changed since the last analysis (by this switch or by autovacuum).
     */
    boolean stale(Settings settings) {
      if (!everAnalyzed) {
        return liveRows > 0 || changedSinceAnalyze > 0;
      }
      return changedSinceAnalyze >= settings.minChangedRows() + (long) (settings.changedFraction() * liveRows);
    }
  }

  /** The daemon's only message: time to look. */
  sealed interface Tick {}

  private record Check() implements Tick {}

  private record Done(Throwable failure) implements Tick {}

  private JournalAnalyzer() {}

  static void init(ActorSystem<?> system, DataSource dataSource, Settings settings) {
    ShardedDaemonProcess.get(system).init(Tick.class, "journal-analyzer", 1, i -> behavior(dataSource, settings));
  }

  private static Behavior<Tick> behavior(DataSource dataSource, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSelf().tell(new Check());
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      return Behaviors.receive(Tick.class)
          .onMessage(Check.class, c -> {
            ctx.pipeToSelf(CompletableFuture.runAsync(() -> analyzeStale(dataSource, settings), blocking),
                (ok, failure) -> new Done(failure));
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            if (d.failure() != null) {
              ctx.getLog().warn("ANALYZE of the journal failed: {}", d.failure().getMessage());
            }
            // The next look is timed from the end of this one, so a slow ANALYZE never overlaps the next.
            timers.startSingleTimer(new Check(), settings.interval());
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Analyzes the journal tables whose statistics are stale. */
  private static void analyzeStale(DataSource dataSource, Settings settings) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (TableStats stats : read(c)) {
        if (stats.stale(settings)) {
          try (Statement s = c.createStatement()) {
            s.execute("ANALYZE " + stats.table());
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static List<TableStats> read(Connection c) throws SQLException {
    List<TableStats> result = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT relname, n_live_tup, n_mod_since_analyze, (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
            + " FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", TABLES.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(new TableStats(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4)));
        }
      }
    }
    return result;
  }
}
