package dev.switchyard.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The operators' audit log, table {@code operator_audit} in the journal database, which refuses every change and
 * deletion of a row. A mutating request is written twice: when it is let through (before anything is done; if
 * that write fails, nothing is done) and when it has been answered, the second row naming the first.
 */
public final class OperatorAudit {

  /** Longest request body kept in a row; the digest covers all of it. */
  static final int BODY_LIMIT = 4096;
  private static final int OUTCOME_LIMIT = 1024;
  private static final int TARGET_LIMIT = 1024;

  /**
   * One row. {@code status} is 0 on a request row; on an answer row it is the HTTP status and {@code answers} the
   * id of the request row.
   */
  public record Entry(long id, Instant at, String node, String operator, String role, String source, String method,
      String target, String body, String bodySha256, int status, String outcome, Long answers) {}

  private final DataSource dataSource;
  private final Executor blocking;

  public OperatorAudit(DataSource dataSource, Executor blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  /** Appends {@code entry} (its id is ignored) and completes with the id the row got. */
  public CompletionStage<Long> append(Entry entry) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement("INSERT INTO operator_audit (at_millis, node, operator, role,"
              + " source, method, target, body, body_sha256, status, outcome, answers)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        s.setLong(1, entry.at().toEpochMilli());
        s.setString(2, clip(entry.node(), 128));
        s.setString(3, clip(entry.operator(), 64));
        s.setString(4, entry.role());
        s.setString(5, clip(entry.source(), 64));
        s.setString(6, clip(entry.method(), 16));
        s.setString(7, clip(entry.target(), TARGET_LIMIT));
        s.setString(8, clip(entry.body(), BODY_LIMIT));
        s.setString(9, entry.bodySha256());
        s.setInt(10, entry.status());
        s.setString(11, clip(entry.outcome(), OUTCOME_LIMIT));
        if (entry.answers() == null) {
          s.setNull(12, Types.BIGINT);
        } else {
          s.setLong(12, entry.answers());
        }
        s.executeUpdate();
        long id;
        try (ResultSet keys = s.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
        // The pool's connections do not commit by themselves.
        c.commit();
        return id;
      } catch (SQLException e) {
        throw new IllegalStateException("the operator audit log could not be written: " + e.getMessage(), e);
      }
    }, blocking);
  }

  /** At most {@code limit} rows with an id below {@code before}, newest first. */
  public CompletionStage<List<Entry>> recent(int limit, long before) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT id, at_millis, node, operator, role, source, method,"
              + " target, body, body_sha256, status, outcome, answers FROM operator_audit WHERE id < ?"
              + " ORDER BY id DESC LIMIT ?")) {
        s.setLong(1, before);
        s.setInt(2, limit);
        List<Entry> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            long answers = r.getLong(13);
            boolean noAnswers = r.wasNull();
            rows.add(new Entry(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3), r.getString(4),
                r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9),
                r.getString(10).strip(), r.getInt(11), r.getString(12), noAnswers ? null : answers));
          }
        }
        c.rollback();
        return rows;
      } catch (SQLException e) {
        throw new IllegalStateException("the operator audit log could not be read: " + e.getMessage(), e);
      }
    }, blocking);
  }

  /** At most {@code max} characters of {@code s}, NULs (which PostgreSQL's text refuses) replaced. */
  private static String clip(String s, int max) {
    String kept = s.length() <= max ? s : s.substring(0, max);
    return kept.indexOf('\0') < 0 ? kept : kept.replace('\0', '\uFFFD');
  }
}
