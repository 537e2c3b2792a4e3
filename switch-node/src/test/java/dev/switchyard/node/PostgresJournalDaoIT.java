package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.persistence.DatabaseSettings;
import dev.switchyard.persistence.Databases;
import dev.switchyard.persistence.PostgresJournalDao;
import dev.switchyard.persistence.PostgresReadJournalDao;
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
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.persistence.jdbc.query.dao.ReadJournalDao;
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
 * The journal's PostgreSQL DAOs, configured by the postgres-journal overlay, against the real server. The write
 * path ({@link PostgresJournalDao}): a batch of several payments' events lands whole, with its tags on the right
 * rows and the journal order following each payment's sequence numbers; a batch with one conflicting event lands
 * not at all; and a batch is committed also on connections without auto-commit. The tag query
 * ({@link PostgresReadJournalDao}): the events of a tag in an ordering range, in order, up to a limit, without
 * deleted ones, exactly as the plugin's own query returns them.
 */
class PostgresJournalDaoIT {

  @TempDir Path dataDir;
  private TestDatabases.Target target;
  private ActorSystem system;
  private HikariDataSource pool;
  private Config config;

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
    Databases.migrate(settings);
    system = ActorSystem.create("journal-dao-test",
        ConfigFactory.parseString("pekko.actor.provider = local").withFallback(settings.withJournalSchema(config)));
    this.config = config;
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

  @Test
  void theTagQueryReturnsWhatThePluginsQueryReturns() throws Exception {
    PostgresJournalDao writer = dao();
    assertThat(config.getString("jdbc-read-journal.dao")).isEqualTo(PostgresReadJournalDao.class.getName());
    // Six payments of five events each, written one payment after another; tags in turn over three slices, every
    // third event also tagged "extra", every fifth untagged.
    List<String> expectedSlice0 = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      List<PersistentRepr> events = new ArrayList<>();
      for (int seq = 1; seq <= 5; seq++) {
        int n = p * 5 + seq;
        String payload = "p" + p + "e" + seq;
        if (n % 5 == 0) {
          events.add(event("pay_" + p, seq, payload));
        } else if (n % 3 == 0) {
          events.add(event("pay_" + p, seq, payload, "payment-" + (n % 3), "extra"));
        } else {
          events.add(event("pay_" + p, seq, payload, "payment-" + (n % 3)));
        }
        if (n % 5 != 0 && n % 3 == 0 && !(p == 1 && seq <= 3)) {
          expectedSlice0.add(payload);
        }
      }
      await(writer.asyncWriteMessages(seq(List.of(write(events.toArray(PersistentRepr[]::new))))));
    }
    // pay_1's events up to 3 are deleted as the plugin deletes (rows 1 and 2 removed, row 3 marked deleted): no
    // tag query returns them any more.
    await(writer.delete("pay_1", 3));

    SlickDatabase db =
        ((SlickExtensionImpl) SlickExtension.get(system)).database(config.getConfig("jdbc-read-journal"));
    ReadJournalConfig readConfig = new ReadJournalConfig(config.getConfig("jdbc-read-journal"));
    Materializer mat = Materializer.createMaterializer(system);
    ReadJournalDao ours = new PostgresReadJournalDao(
        db.database(), db.profile(), readConfig, SerializationExtension.get(system), system.dispatcher(), mat);
    ReadJournalDao plugins = new DefaultReadJournalDao(
        db.database(), db.profile(), readConfig, SerializationExtension.get(system), system.dispatcher(), mat);

    List<String> all = tagged(ours, "payment-0", 0, Long.MAX_VALUE, 1000);
    assertThat(all).extracting(e -> e.substring(e.indexOf('=') + 1)).containsExactlyElementsOf(expectedSlice0);

    Object max = await(plugins.maxJournalSequence());
    long highest = (Long) max;
    assertThat(tagged(ours, "payment-2", 0, highest, 1000))
        .as("pay_1#3 is marked deleted, pay_2#1 is not")
        .noneMatch(e -> e.endsWith("=p1e3")).anyMatch(e -> e.endsWith("=p2e1"));
    for (String tag : List.of("payment-0", "payment-1", "payment-2", "extra")) {
      // Ranges that start and end exactly on events of the tag: (from, to] must leave out "from", keep "to".
      List<Long> orderings = tagged(plugins, tag, 0, highest, 1000).stream()
          .map(e -> Long.parseLong(e.substring(0, e.indexOf(':')))).toList();
      assertThat(orderings).as("events of %s", tag).hasSizeGreaterThanOrEqualTo(4);
      long[][] queries = {
        {0, highest, 1000}, {0, highest, 3}, {orderings.get(0), highest, 2}, {orderings.get(1), orderings.get(3), 1000},
        {orderings.get(0) - 1, orderings.get(2) - 1, 1000}
      };
      for (long[] q : queries) {
        assertThat(tagged(ours, tag, q[0], q[1], q[2]))
            .as("tag %s, ordering in (%d, %d], at most %d", tag, q[0], q[1], q[2])
            .containsExactlyElementsOf(tagged(plugins, tag, q[0], q[1], q[2]));
      }
    }
    assertThat(tagged(ours, "none", 0, highest, 1000)).isEmpty();
  }

  /** A tag query's answer as "ordering:persistenceId#sequenceNr=payload", in the order the DAO streams it. */
  private List<String> tagged(ReadJournalDao dao, String tag, long from, long to, long max) throws Exception {
    List<String> found = new ArrayList<>();
    dao.eventsByTag(tag, from, to, max).asJava()
        .runForeach(t -> found.add(t.get()._3() + ":" + t.get()._1().persistenceId() + "#"
            + t.get()._1().sequenceNr() + "=" + t.get()._1().payload()), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return found;
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
