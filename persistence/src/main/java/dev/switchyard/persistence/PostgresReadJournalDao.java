package dev.switchyard.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The read journal's tag query on PostgreSQL: "the events of tag T with an ordering in (from, to]" read through
 * the tag table's {@code (tag, event_id)} index.
 *
 * <p>The plugin's query puts the ordering range on the journal table only. PostgreSQL does not carry a range
 * across the join's equality, so it walks every event in the range, whatever its tag, and probes the tag table
 * for each: a poll of one of n tag slices reads n times the rows it returns. Here the range is on
 * {@code event_tag.event_id} too, so a poll reads the rows of its own tag. Rows, order, limit and the skipping of
 * deleted events are the plugin's; everything else (replay, sequence numbers, the journal sequence) is the
 * plugin's {@link DefaultReadJournalDao}. Like {@link PostgresJournalDao} it needs the plugin's default column
 * names.
 */
public final class PostgresReadJournalDao extends DefaultReadJournalDao {

  private static final Set<String> NO_TAGS = Set$.MODULE$.empty();

  private final Serialization serialization;
  private final String sql;

  public PostgresReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    PostgresJournalDao.requirePostgres(profile, "PostgresReadJournalDao reads PostgreSQL only, the read journal's");
    this.serialization = serialization;
    this.sql = statement(
        PostgresJournalDao.qualified(
            readJournalConfig.eventJournalTableConfiguration().schemaName(),
            readJournalConfig.eventJournalTableConfiguration().tableName()),
        PostgresJournalDao.qualified(
            readJournalConfig.eventTagTableConfiguration().schemaName(),
            readJournalConfig.eventTagTableConfiguration().tableName()));
  }

  /** Same contract as the plugin's: events of {@code tag} with ordering in (offset, maxOffset], at most max. */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    SimpleJdbcAction<List<JournalPekkoSerializationRow>> read = SimpleJdbcAction.apply(context -> {
      try {
        return select(context.connection(), tag, offset, maxOffset, max);
      } catch (SQLException e) {
        throw new TagReadException(tag, e);
      }
    });
    // Raw for the same reason as PostgresJournalDao's write: Java cannot express the action's effect type.
    scala.concurrent.Future<List<JournalPekkoSerializationRow>> rows = db().run((DBIOAction) read);
    return org.apache.pekko.stream.javadsl.Source.completionStage(FutureConverters.asJava(rows))
        .mapConcat(list -> list)
        .map(this::deserialize)
        .asScala();
  }

  private Try<Tuple3<PersistentRepr, Set<String>, Object>> deserialize(JournalPekkoSerializationRow row) {
    return PekkoSerialization.fromRow(serialization, row)
        .map(reprAndOrdering -> new Tuple3<>(reprAndOrdering._1(), NO_TAGS, reprAndOrdering._2()));
  }

  private List<JournalPekkoSerializationRow> select(
      Connection connection, String tag, long offset, long maxOffset, long max) throws SQLException {
    List<JournalPekkoSerializationRow> rows = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setString(1, tag);
      st.setLong(2, offset);
      st.setLong(3, maxOffset);
      st.setLong(4, max);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
    }
    return rows;
  }

  private static JournalPekkoSerializationRow row(ResultSet rs) throws SQLException {
    long ordering = rs.getLong(1);
    boolean deleted = rs.getBoolean(2);
    String persistenceId = rs.getString(3);
    long sequenceNumber = rs.getLong(4);
    String writer = rs.getString(5);
    long writeTimestamp = rs.getLong(6);
    String adapterManifest = rs.getString(7);
    byte[] payload = rs.getBytes(8);
    int serId = rs.getInt(9);
    String serManifest = rs.getString(10);
    byte[] metaPayload = rs.getBytes(11);
    int metaSerId = rs.getInt(12);
    Option<Object> metaSerIdOption = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
    String metaSerManifest = rs.getString(13);
    return new JournalPekkoSerializationRow(ordering, deleted, persistenceId, sequenceNumber, writer, writeTimestamp,
        adapterManifest, payload, serId, serManifest, Option.apply(metaPayload), metaSerIdOption,
        Option.apply(metaSerManifest));
  }

  /** The tag's rows in the range, by {@code (tag, event_id)}, then their journal rows by {@code ordering}. */
  static String statement(String journal, String tagTable) {
    return "SELECT j.ordering, j.deleted, j.persistence_id, j.sequence_number, j.writer, j.write_timestamp, "
        + "j.adapter_manifest, j.event_payload, j.event_ser_id, j.event_ser_manifest, j.meta_payload, "
        + "j.meta_ser_id, j.meta_ser_manifest "
        + "FROM " + tagTable + " t JOIN " + journal + " j ON j.ordering = t.event_id "
        + "WHERE t.tag = ? AND t.event_id > ? AND t.event_id <= ? AND j.deleted = false "
        + "ORDER BY t.event_id LIMIT ?";
  }

  /** A failed tag read: the query's stream fails with it and the reader (projection, mirror) restarts. */
  static final class TagReadException extends RuntimeException {
    TagReadException(String tag, SQLException cause) {
      super("reading events of tag " + tag + " failed: " + cause.getMessage(), cause);
    }
  }
}
