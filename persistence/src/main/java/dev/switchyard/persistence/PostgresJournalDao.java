package dev.switchyard.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.PostgresProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The journal's write path on PostgreSQL: a batch of events and their tags in one statement.
 *
 * <p>The plugin's own DAO writes a batch as one {@code INSERT … RETURNING ordering} execution per event, then the
 * tag rows, inside {@code BEGIN}/{@code COMMIT}: 2 + 2n statements for n events. This one sends the batch as
 * arrays and lets PostgreSQL insert the journal rows and, from their returned {@code ordering}, the tag rows in a
 * single statement, which is atomic by itself. Rows go in ordered by sequence number, as the plugin does, so
 * {@code ordering} grows with the sequence number of each payment. Everything else (reads, deletes, the
 * tables' layout and their default column names) is the plugin's.
 */
public final class PostgresJournalDao extends DefaultJournalDao {

  /**
   * The element type of each array parameter, in parameter order: the twelve journal columns, then the tag rows'
   * persistence id, sequence number and tag. The statement casts each parameter to the same type.
   */
  private static final String[] TYPES = {
    "boolean", "varchar", "int8", "varchar", "int8", "varchar", "int4", "varchar", "bytea", "int4", "varchar",
    "bytea", "varchar", "int8", "varchar"
  };

  private final String sql;

  public PostgresJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    requirePostgres(profile, "PostgresJournalDao writes PostgreSQL only, the journal's");
    this.sql = statement(
        qualified(
            journalConfig.eventJournalTableConfiguration().schemaName(),
            journalConfig.eventJournalTableConfiguration().tableName()),
        qualified(
            journalConfig.eventTagTableConfiguration().schemaName(),
            journalConfig.eventTagTableConfiguration().tableName()));
  }

  // Slick's run takes an action whose effect type is Scala's Nothing; Scala's variance lets any action pass, Java
  // has no such variance, hence the raw type.
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> xs) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>(xs.size());
    xs.foreach(rows::add);
    rows.sort((a, b) -> Long.compare(a._1().sequenceNumber(), b._1().sequenceNumber()));
    SimpleJdbcAction<BoxedUnit> write = SimpleJdbcAction.apply(context -> {
      try {
        insert(context.connection(), rows);
        return BoxedUnit.UNIT;
      } catch (SQLException e) {
        throw new JournalWriteException(e);
      }
    });
    return db().run((DBIOAction) write);
  }

  private void insert(Connection connection, List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows)
      throws SQLException {
    int n = rows.size();
    Boolean[] deleted = new Boolean[n];
    String[] persistenceIds = new String[n];
    Long[] sequenceNumbers = new Long[n];
    String[] writers = new String[n];
    Long[] writeTimestamps = new Long[n];
    String[] adapterManifests = new String[n];
    Integer[] serIds = new Integer[n];
    String[] serManifests = new String[n];
    byte[][] payloads = new byte[n][];
    Integer[] metaSerIds = new Integer[n];
    String[] metaSerManifests = new String[n];
    byte[][] metaPayloads = new byte[n][];
    List<String> tagIds = new ArrayList<>();
    List<Long> tagSequenceNumbers = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JournalPekkoSerializationRow row = rows.get(i)._1();
      deleted[i] = row.deleted();
      persistenceIds[i] = row.persistenceId();
      sequenceNumbers[i] = row.sequenceNumber();
      writers[i] = row.writer();
      writeTimestamps[i] = row.writeTimestamp();
      adapterManifests[i] = row.adapterManifest();
      serIds[i] = row.eventSerId();
      serManifests[i] = row.eventSerManifest();
      payloads[i] = row.eventPayload();
      metaSerIds[i] = (Integer) orNull(row.metaSerId());
      metaSerManifests[i] = orNull(row.metaSerManifest());
      metaPayloads[i] = orNull(row.metaPayload());
      rows.get(i)._2().foreach(tag -> {
        tagIds.add(row.persistenceId());
        tagSequenceNumbers.add(row.sequenceNumber());
        return tags.add(tag);
      });
    }
    List<Array> arrays = new ArrayList<>(15);
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      Object[][] columns = {
        deleted, persistenceIds, sequenceNumbers, writers, writeTimestamps, adapterManifests, serIds, serManifests,
        payloads, metaSerIds, metaSerManifests, metaPayloads,
        tagIds.toArray(new String[0]), tagSequenceNumbers.toArray(new Long[0]), tags.toArray(new String[0])
      };
      for (int i = 0; i < columns.length; i++) {
        Array array = connection.createArrayOf(TYPES[i], columns[i]);
        arrays.add(array);
        st.setArray(i + 1, array);
      }
      st.executeUpdate();
      // One statement commits by itself on an auto-commit connection (the pool's default). On a connection set
      // otherwise, commit here: the pool would roll back what is left open, and these events are acknowledged.
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  /**
   * The journal rows come from the first twelve arrays, inserted in array order; the tag rows from the last
   * three (persistence id, sequence number, tag), joined to the inserted rows for their {@code ordering}.
   */
  static String statement(String journal, String tagTable) {
    String columns = "deleted, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, "
        + "event_ser_id, event_ser_manifest, event_payload, meta_ser_id, meta_ser_manifest, meta_payload";
    return "WITH input AS (SELECT * FROM unnest(" + parameters(0, 12) + ") WITH ORDINALITY "
        + "AS i(" + columns + ", n)), "
        + "written AS (INSERT INTO " + journal + " (" + columns + ") SELECT " + columns + " FROM input ORDER BY n "
        + "RETURNING ordering, persistence_id, sequence_number) "
        + "INSERT INTO " + tagTable + " (event_id, tag) SELECT w.ordering, t.tag FROM written w "
        + "JOIN unnest(" + parameters(12, 15) + ") AS t(persistence_id, sequence_number, tag) "
        + "ON t.persistence_id = w.persistence_id AND t.sequence_number = w.sequence_number";
  }

  /** Array parameters {@code from} (inclusive) to {@code to} (exclusive), each cast to its type. */
  private static String parameters(int from, int to) {
    StringJoiner joined = new StringJoiner(", ");
    for (int i = from; i < to; i++) {
      joined.add("?::" + TYPES[i] + "[]");
    }
    return joined.toString();
  }

  /** Refuses to start on another database: {@code refusal} says which DAO and which plugin's profile. */
  static void requirePostgres(JdbcProfile profile, String refusal) {
    if (!(profile instanceof PostgresProfile)) {
      throw new IllegalArgumentException(refusal + " Slick profile is " + profile.getClass().getName());
    }
  }

  static String qualified(Option<String> schema, String table) {
    return schema.isDefined() ? schema.get() + "." + table : table;
  }

  private static <T> T orNull(Option<T> value) {
    return value.isDefined() ? value.get() : null;
  }

  /** A failed journal write: the plugin fails every write of the batch with it. */
  static final class JournalWriteException extends RuntimeException {
    JournalWriteException(SQLException cause) {
      super("journal batch write failed: " + cause.getMessage(), cause);
    }
  }
}
