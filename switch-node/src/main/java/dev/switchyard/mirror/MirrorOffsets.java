package dev.switchyard.mirror;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * What a journal mirror's slice has done, read from the journal database: its committed offset (Pekko
 * Projection's offset store), its epoch (table {@code mirror_epoch}), and how far behind the journal it is.
 */
public final class MirrorOffsets {

  /** How far a slice is behind: events after the committed offset, and the age of the oldest of them. */
  public record Lag(int slice, long committedOffset, long events, long oldestMillis) {
    public double seconds(long nowMillis) {
      return events == 0 ? 0 : Math.max(0, nowMillis - oldestMillis) / 1000.0;
    }
  }

  /** A read or write of this class, to run on a blocking dispatcher. */
  @FunctionalInterface
  public interface Work<T> {
    T run(MirrorOffsets offsets) throws SQLException;
  }

  private final DataSource dataSource;

  public MirrorOffsets(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} on {@code blocking} (JDBC blocks); an SQL failure fails the stage. */
  public <T> CompletableFuture<T> onBlocking(Executor blocking, Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run(this);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  /** The slice's epoch, 0 until the first rewind. */
  public int epoch(String mirror, int slice) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT epoch FROM mirror_epoch WHERE mirror = ? AND slice = ?")) {
      s.setString(1, mirror);
      s.setInt(2, slice);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getInt(1) : 0;
      }
    }
  }

  /** Starts a new epoch for the slice and returns it. */
  public int nextEpoch(String mirror, int slice) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int next;
        try (PreparedStatement s = c.prepareStatement(
            "SELECT epoch FROM mirror_epoch WHERE mirror = ? AND slice = ? FOR UPDATE")) {
          s.setString(1, mirror);
          s.setInt(2, slice);
          try (ResultSet r = s.executeQuery()) {
            next = r.next() ? r.getInt(1) + 1 : 1;
          }
        }
        String sql = next == 1
            ? "INSERT INTO mirror_epoch (epoch, mirror, slice) VALUES (?, ?, ?)"
            : "UPDATE mirror_epoch SET epoch = ? WHERE mirror = ? AND slice = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
          s.setInt(1, next);
          s.setString(2, mirror);
          s.setInt(3, slice);
          s.executeUpdate();
        }
        c.commit();
        return next;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The highest journal offset of a tag, 0 when it has no event. */
  public long journalMax(String tag) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT MAX(\"event_id\") FROM \"event_tag\" WHERE \"tag\" = ?")) {
      s.setString(1, tag);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  /** The slice's lag behind the journal, from the offset its projection committed last. */
  public Lag lag(String projectionName, String tag, int slice) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long offset = 0;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT \"current_offset\" FROM \"pekko_projection_offset_store\""
              + " WHERE \"projection_name\" = ? AND \"projection_key\" = ?")) {
        s.setString(1, projectionName);
        s.setString(2, tag);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            offset = Long.parseLong(r.getString(1));
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT COUNT(*), MIN(j.\"write_timestamp\") FROM \"event_tag\" t"
              + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
              + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ?")) {
        s.setString(1, tag);
        s.setLong(2, offset);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return new Lag(slice, offset, r.getLong(1), r.getLong(2));
        }
      }
    }
  }
}
