package dev.switchyard.payment;

import com.typesafe.config.Config;
import dev.switchyard.persistence.PooledJdbcSession;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      session.withConnection(c -> {
        for (EventEnvelope<PaymentEvent> envelope : envelopes) {
          apply(c, envelope, slice);
        }
        return null;
      });
    }
  }

  /** Applies one event to the deadline table. */
  static void apply(Connection c, EventEnvelope<PaymentEvent> envelope, int slice) throws SQLException {
    PaymentEvent e = envelope.event();
    String id = PaymentIds.fromPersistenceId(envelope.persistenceId());
    switch (e.getBodyCase()) {
      case AUTHORIZATION_REQUESTED -> put(c, id, ISSUER, slice, e.getAuthorizationRequested().getIssuerDeadlineMillis());
      case AUTHORIZED -> {
        remove(c, id, ISSUER);
        put(c, id, EXPIRY, slice, e.getAuthorized().getExpiresAtMillis());
      }
      case DECLINED -> remove(c, id, ISSUER);
      case IN_DOUBT -> {
        remove(c, id, ISSUER);
        put(c, id, REVERSAL, slice, e.getInDoubt().getNextRetryAtMillis());
      }
      case REVERSED -> remove(c, id, REVERSAL);
      case INCREMENTED -> put(c, id, EXPIRY, slice, e.getIncremented().getExpiresAtMillis());
      case DISPUTE_OPENED -> put(c, id, DISPUTE, slice, e.getDisputeOpened().getRespondByMillis());
      case DISPUTE_REOPENED -> put(c, id, DISPUTE, slice, e.getDisputeReopened().getRespondByMillis());
      case DISPUTE_EVIDENCE_SUBMITTED, DISPUTE_CLOSED -> remove(c, id, DISPUTE);
      default -> { }
    }
    PaymentState after = e.getStateAfter();
    if (after != PaymentState.AUTHORIZED && after != PaymentState.PARTIALLY_CAPTURED
        && after != PaymentState.AUTHORIZING) {
      remove(c, id, EXPIRY);
    }
  }


  private static void put(Connection c, String id, String kind, int slice, long dueAt) throws SQLException {
    remove(c, id, kind);
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO payment_deadline (payment_id, kind, slice, due_at) VALUES (?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, kind);
      s.setInt(3, slice);
      s.setLong(4, dueAt);
      s.executeUpdate();
    }
  }

  private static void remove(Connection c, String id, String kind) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM payment_deadline WHERE payment_id = ? AND kind = ?")) {
      s.setString(1, id);
      s.setString(2, kind);
      s.executeUpdate();
    }
  }

  /** Due payments of one slice, oldest deadline first. */
  static List<String> due(DataSource dataSource, int slice, long now, int limit) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT payment_id, MIN(due_at) AS first_due FROM payment_deadline"
                + " WHERE slice = ? AND due_at <= ? GROUP BY payment_id ORDER BY first_due")) {
      s.setInt(1, slice);
      s.setLong(2, now);
      s.setMaxRows(limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      c.rollback();
    }
    return ids;
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
                    return due(dataSource, slice, clock.millis(), settings.batchSize());
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
                  sharding.entityRefFor(PaymentEntity.ENTITY_KEY, id).tell(new PaymentEntity.WakeUp()));
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
