package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.persistence.DatabaseSettings;
import dev.switchyard.persistence.Databases;
import dev.switchyard.persistence.PostgresJournalDao;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * The journal's PostgreSQL write path ({@link PostgresJournalDao}, configured by the postgres-journal overlay)
 * against the real server: a batch of several payments' events lands whole, with its tags on the right rows and
 * the journal order following each payment's sequence numbers; a batch with one conflicting event lands not at
 * all; and a batch is committed also on connections without auto-commit.
 */
class PostgresJournalDaoIT {

  @TempDir Path dataDir;
  private TestDatabases.Target target;
  private ActorSystem system;
  private HikariDataSource pool;

  @AfterEach
  void tearDown() throws Exception {
    if (system != null) {
      system.terminate();
      FutureConverters.asJava(system.whenTerminated()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (pool != null) {
      pool.close();
    }
    if (target != null) {
      TestDatabases.dropSchema(target.schema());
    }
  }

  private PostgresJournalDao dao() {
    return dao(ConfigFactory.empty());
  }

  private PostgresJournalDao dao(Config extra) {
    target = TestDatabases.POSTGRES.prepare(dataDir);
    Config config = SwitchNode.loadConfig(target.overlay(), extra.withFallback(target.overrides()));
    assertThat(config.getString("jdbc-journal.dao")).isEqualTo(PostgresJournalDao.class.getName());
    DatabaseSettings settings = DatabaseSettings.create(config);
    pool = Databases.pool(settings, "journal-dao-test");
    Databases.migrate(pool, settings);
    system = ActorSystem.create("journal-dao-test",
        ConfigFactory.parseString("pekko.actor.provider = local").withFallback(config));
    SlickDatabase db = ((SlickExtensionImpl) SlickExtension.get(system)).database(config.getConfig("jdbc-journal"));
    return new PostgresJournalDao(
        db.database(), db.profile(), new JournalConfig(config.getConfig("jdbc-journal")),
        SerializationExtension.get(system), system.dispatcher(), Materializer.createMaterializer(system));
  }

  @Test
  void aBatchOfSeveralPaymentsLandsWholeWithItsTagsOnTheRightRows() throws Exception {
    PostgresJournalDao dao = dao();
    // Three payments in one call, their writes interleaved and out of sequence order within the call.
    List<AtomicWrite> writes = List.of(
        write(event("pay_b", 1, "b1", "payment-1", "extra"), event("pay_b", 2, "b2", "payment-1")),
        write(event("pay_a", 2, "a2", "payment-0"), event("pay_a", 1, "a1", "payment-0")),
        write(event("pay_c", 1, "c1")));
    assertThat(await(dao.asyncWriteMessages(seq(writes))).isEmpty()).as("no write refused").isTrue();

    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      List<String> journal = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT persistence_id, sequence_number FROM event_journal ORDER BY ordering")) {
        while (rs.next()) {
          journal.add(rs.getString(1) + "#" + rs.getLong(2));
        }
      }
      assertThat(journal).containsExactlyInAnyOrder("pay_a#1", "pay_a#2", "pay_b#1", "pay_b#2", "pay_c#1");
      assertThat(journal.indexOf("pay_a#1")).isLessThan(journal.indexOf("pay_a#2"));
      assertThat(journal.indexOf("pay_b#1")).isLessThan(journal.indexOf("pay_b#2"));

      List<String> tags = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT j.persistence_id, j.sequence_number, t.tag FROM event_tag t "
          + "JOIN event_journal j ON j.ordering = t.event_id ORDER BY 1, 2, 3")) {
        while (rs.next()) {
          tags.add(rs.getString(1) + "#" + rs.getLong(2) + ":" + rs.getString(3));
        }
      }
      assertThat(tags).containsExactly(
          "pay_a#1:payment-0", "pay_a#2:payment-0", "pay_b#1:extra", "pay_b#1:payment-1", "pay_b#2:payment-1");
    }

    List<String> replayed = new ArrayList<>();
    dao.messages("pay_b", 0, Long.MAX_VALUE, Long.MAX_VALUE).asJava()
        .runForeach(t -> replayed.add(t.get()._1().sequenceNr() + "=" + t.get()._1().payload()), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(replayed).containsExactly("1=b1", "2=b2");
  }

  @Test
  void aBatchWithOneConflictingEventWritesNothing() throws Exception {
    PostgresJournalDao dao = dao();
    await(dao.asyncWriteMessages(seq(List.of(write(event("pay_a", 1, "a1", "payment-0"))))));

    // pay_a#1 exists already: the whole batch, pay_b's events included, must fail and leave no row behind.
    List<AtomicWrite> conflicting = List.of(
        write(event("pay_b", 1, "b1", "payment-1")),
        write(event("pay_a", 1, "again", "payment-0")));
    assertThatThrownBy(() -> await(dao.asyncWriteMessages(seq(conflicting))))
        .hasRootCauseInstanceOf(java.sql.SQLException.class);

    assertRows(1, 1);
  }

  @Test
  void aBatchIsCommittedAlsoWhenThePoolHandsOutConnectionsWithoutAutoCommit() throws Exception {
    PostgresJournalDao dao = dao(ConfigFactory.parseString(
        "pekko-persistence-jdbc.shared-databases.slick.db.autoCommit = false"));
    assertThat(await(dao.asyncWriteMessages(seq(List.of(write(event("pay_a", 1, "a1", "payment-0")))))).isEmpty())
        .isTrue();

    // Read on another connection: what the pool rolled back when the connection came back would not be here.
    assertRows(1, 1);
  }

  /** The journal and tag rows in the database, read on a connection of the test's own pool. */
  private void assertRows(long journalRows, long tagRows) throws Exception {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM event_journal), (SELECT count(*) FROM event_tag)")) {
      rs.next();
      assertThat(rs.getLong(1)).as("journal rows").isEqualTo(journalRows);
      assertThat(rs.getLong(2)).as("tag rows").isEqualTo(tagRows);
    }
  }

  private static PersistentRepr event(String persistenceId, long sequenceNr, String payload, String... tags) {
    Object stored = tags.length == 0
        ? payload
        : new Tagged(payload, CollectionConverters.asScala(java.util.Set.of(tags)).toSet());
    return PersistentRepr.apply(stored, sequenceNr, persistenceId, "", false, null, "writer-1");
  }

  private static AtomicWrite write(PersistentRepr... events) {
    return AtomicWrite.apply(seq(List.of(events)));
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  private static <T> T await(scala.concurrent.Future<T> future) throws Exception {
    CompletionStage<T> stage = FutureConverters.asJava(future);
    try {
      return stage.toCompletableFuture().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
