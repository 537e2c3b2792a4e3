package dev.switchyard.payment;

import com.typesafe.config.Config;
import dev.switchyard.persistence.PooledJdbcSession;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Deadlines that survive restarts. A projection per tag slice keeps the table {@code payment_deadline} from the
 * journal (the offset commits in the same transaction, so the table is exactly what the journal implies), and a
 * sweeper per slice wakes every payment whose deadline is due. Both run as sharded daemon processes: one
 * instance of each per slice across the cluster. A wake-up is only a hint: the payment checks its own state.
 */
public final class PaymentDeadlines {

  /** Deadline kinds, one row per payment and kind at most. */
  static final String ISSUER = "issuer";
  static final String EXPIRY = "expiry";
  static final String REVERSAL = "reversal";
  static final String DISPUTE = "dispute";

  public static final String PROJECTION_NAME = "payment-deadlines";

  /** {@code switch.deadlines}. */
  public record Settings(Duration sweepInterval, int batchSize) {
    public static Settings create(Config config) {
      Config c = config.getConfig("switch.deadlines");
      return new Settings(c.getDuration("sweep-interval"), c.getInt("batch-size"));
    }
  }

  private PaymentDeadlines() {}

  public static void init(
      ActorSystem<?> system, DataSource dataSource, TagSlices tags, Settings settings, Clock clock) {
    ShardedDaemonProcess daemons = ShardedDaemonProcess.get(system);
    daemons.init(
        ProjectionBehavior.Command.class,
        PROJECTION_NAME,
        tags.count(),
        slice -> ProjectionBehavior.create(projection(system, dataSource, tags, slice)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
    daemons.init(
        Sweep.class,
        "payment-deadline-sweeper",
        tags.count(),
        slice -> sweeper(dataSource, slice, settings, clock));
  }

  private static org.apache.pekko.projection.Projection<EventEnvelope<PaymentEvent>> projection(
      ActorSystem<?> system, DataSource dataSource, TagSlices tags, int slice) {
    String tag = tags.tag(slice);
    // Grouped: up to 500 events or 200 ms per transaction, the offset committed in the same transaction, so the
    // table stays exactly what the journal implies at a fraction of the per-event transactions.
    return JdbcProjection.groupedWithin(
            ProjectionId.of(PROJECTION_NAME, tag),
            EventSourcedProvider.<PaymentEvent>eventsByTag(system, JdbcReadJournal.Identifier(), tag),
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler(slice),
            system)
        .withGroup(500, Duration.ofMillis(200));
  }

  /** Writes a group of events' consequences in the projection's transaction. */
  private static final class Handler
      extends JdbcHandler<List<EventEnvelope<PaymentEvent>>, PooledJdbcSession> {
    private final int slice;

    Handler(int slice) {
      this.slice = slice;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<PaymentEvent>> envelopes) throws Exception {
      Changes changes = new Changes();
      for (EventEnvelope<PaymentEvent> envelope : envelopes) {
        changes.apply(PaymentIds.fromPersistenceId(envelope.persistenceId()), envelope.event());
      }
      session.withConnection(c -> {
        changes.write(c, slice);
        return null;
      });
    }
  }

  /** A row of {@code payment_deadline}: one per payment and kind. */
  record Key(String paymentId, String kind) {}

  /**
   * The net effect of a group of events on the deadline table, in event order: per payment and kind, the last
   * deadline set, or none when the last change removed it. Written as a delete of every touched row (one statement
   * per kind) and a batched insert of the ones still due, instead of a statement per change: a payment authorized
   * and captured within the same group inserts no row.
   */
  static final class Changes {
    private static final Long REMOVED = null;
    private final Map<Key, Long> dueAt = new LinkedHashMap<>();

    /** Applies one event of payment {@code id}. */
    void apply(String id, PaymentEvent e) {
      switch (e.getBodyCase()) {
        case AUTHORIZATION_REQUESTED -> put(id, ISSUER, e.getAuthorizationRequested().getIssuerDeadlineMillis());
        case AUTHORIZED -> {
          put(id, ISSUER, REMOVED);
          put(id, EXPIRY, e.getAuthorized().getExpiresAtMillis());
        }
        case DECLINED, INCREMENT_DECLINED -> put(id, ISSUER, REMOVED);
        case IN_DOUBT -> {
          put(id, ISSUER, REMOVED);
          put(id, REVERSAL, e.getInDoubt().getNextRetryAtMillis());
        }
        case INCREMENT_REQUESTED -> put(id, ISSUER, e.getIncrementRequested().getIssuerDeadlineMillis());
        case INCREMENTED -> {
          put(id, ISSUER, REMOVED);
          put(id, EXPIRY, e.getIncremented().getExpiresAtMillis());
        }
        case INCREMENT_WITHDRAWN -> {
          put(id, ISSUER, REMOVED);
          put(id, REVERSAL, e.getIncrementWithdrawn().getNextRetryAtMillis());
        }
        // Each failed attempt moves the wake-up to the next one: the backoff holds across sweeps and restarts.
        case REVERSAL_FAILED -> put(id, REVERSAL, e.getReversalFailed().getNextRetryAtMillis());
        case REVERSED -> put(id, REVERSAL, REMOVED);
        case VOIDED -> {
          if (e.getVoided().getNextRetryAtMillis() > 0) {
            put(id, REVERSAL, e.getVoided().getNextRetryAtMillis());
          }
        }
        case DISPUTE_OPENED -> put(id, DISPUTE, e.getDisputeOpened().getRespondByMillis());
        case DISPUTE_REOPENED -> put(id, DISPUTE, e.getDisputeReopened().getRespondByMillis());
        case DISPUTE_EVIDENCE_SUBMITTED, DISPUTE_CLOSED -> put(id, DISPUTE, REMOVED);
        default -> { }
      }
      PaymentState after = e.getStateAfter();
      if (after != PaymentState.AUTHORIZED && after != PaymentState.PARTIALLY_CAPTURED
          && after != PaymentState.AUTHORIZING) {
        put(id, EXPIRY, REMOVED);
      }
    }

    private void put(String id, String kind, Long due) {
      dueAt.put(new Key(id, kind), due);
    }

    /** What the group leaves: per row, its deadline or null for none. */
    Map<Key, Long> result() {
      return Collections.unmodifiableMap(dueAt);
    }

    /** Writes the net effect on {@code c}, in the caller's transaction. */
    void write(Connection c, int slice) throws SQLException {
      if (dueAt.isEmpty()) {
        return;
      }
      // Every touched row goes, one statement per kind (at most four) with the payment ids as an array: nearly
      // every touched row was set and cleared within the group and so is not there, and a statement per row cost
      // the database a statement per row for nothing.
      Map<String, List<String>> touched = new LinkedHashMap<>();
      for (Key key : dueAt.keySet()) {
        touched.computeIfAbsent(key.kind(), k -> new ArrayList<>()).add(key.paymentId());
      }
      List<Array> arrays = new ArrayList<>(touched.size());
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM payment_deadline WHERE kind = ? AND payment_id = ANY (?)")) {
        for (Map.Entry<String, List<String>> kind : touched.entrySet()) {
          Array ids = c.createArrayOf("VARCHAR", kind.getValue().toArray());
          arrays.add(ids);
          delete.setString(1, kind.getKey());
          delete.setArray(2, ids);
          delete.addBatch();
        }
        delete.executeBatch();
      } finally {
        for (Array ids : arrays) {
          ids.free();
        }
      }
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO payment_deadline (payment_id, kind, slice, due_at) VALUES (?, ?, ?, ?)")) {
        int rows = 0;
        for (Map.Entry<Key, Long> change : dueAt.entrySet()) {
          if (change.getValue() != null) {
            insert.setString(1, change.getKey().paymentId());
            insert.setString(2, change.getKey().kind());
            insert.setInt(3, slice);
            insert.setLong(4, change.getValue());
            insert.addBatch();
            rows++;
          }
        }
        if (rows > 0) {
          insert.executeBatch();
        }
      }
    }
  }

  /** The kinds of deadline, each swept on its own. */
  static final List<String> KINDS = List.of(ISSUER, EXPIRY, REVERSAL, DISPUTE);

  /**
   * Due payments of one slice: up to {@code limit} of each kind, oldest deadline first. Each kind has its own
   * share, so a backlog of one (reversals while an issuer is down) cannot starve the others (hold expiries,
   * dispute deadlines) of the same slice.
   */
  static List<String> due(DataSource dataSource, int slice, long now, int limit) throws SQLException {
    Set<String> ids = new LinkedHashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT payment_id FROM payment_deadline"
            + " WHERE slice = ? AND kind = ? AND due_at <= ? ORDER BY due_at")) {
      s.setMaxRows(limit);
      for (String kind : KINDS) {
        s.setInt(1, slice);
        s.setString(2, kind);
        s.setLong(3, now);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      c.rollback();
    }
    return List.copyOf(ids);
  }

  // --- the sweeper ------------------------------------------------------------------------------------

  /** The sweeper's messages: its own timer tick and the result of a query. */
  public sealed interface Sweep {}

  private record Tick() implements Sweep {}

  private record Found(List<String> paymentIds, Throwable failure) implements Sweep {}

  private static Behavior<Sweep> sweeper(DataSource dataSource, int slice, Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), settings.sweepInterval());
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      return Behaviors.receive(Sweep.class)
          .onMessage(Tick.class, t -> {
            ctx.pipeToSelf(
                CompletableFuture.supplyAsync(() -> {
                  try {
                    return due(dataSource, slice, clock.millis(), Math.max(1, settings.batchSize() / KINDS.size()));
                  } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                  }
                }, blocking),
                (ids, failure) -> new Found(ids, failure));
            return Behaviors.same();
          })
          .onMessage(Found.class, found -> {
            if (found.failure() != null) {
              ctx.getLog().warn("Deadline sweep of slice {} failed: {}", slice, found.failure().getMessage());
            } else {
              found.paymentIds().forEach(id ->
                  sharding.entityRefFor(PaymentEntity.ENTITY_KEY, id).tell(new PaymentCommand.WakeUp()));
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
