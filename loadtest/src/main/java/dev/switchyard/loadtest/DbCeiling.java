package dev.switchyard.loadtest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many journal-shaped rows per second the database accepts on this machine: batched inserts into a scratch
 * table shaped like {@code event_journal} (same columns, payloads of the size of real events), each batch
 * committed synchronously, from several connections at once. Every throughput figure of the switch is quoted
 * as a ratio to this ceiling.
 */
public final class DbCeiling {

  /** What was measured. */
  public record Result(String url, int threads, int batchSize, int payloadBytes, long rows, double seconds,
      double rowsPerSecond) {}

  private static final String TABLE = "loadtest_ceiling";

  private DbCeiling() {}

  public static Result measure(String url, String user, String password, Duration duration, int threads,
      int batchSize, int payloadBytes) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      String bytes = url.startsWith("jdbc:postgresql") ? "BYTEA" : "BLOB";
      s.execute("CREATE TABLE " + TABLE + " (ordering BIGINT NOT NULL, persistence_id VARCHAR(255) NOT NULL,"
          + " sequence_number BIGINT NOT NULL, deleted BOOLEAN DEFAULT FALSE NOT NULL, writer VARCHAR(255) NOT NULL,"
          + " write_timestamp BIGINT, adapter_manifest VARCHAR(255), event_ser_id INTEGER NOT NULL,"
          + " event_ser_manifest VARCHAR(255) NOT NULL, event_payload " + bytes + " NOT NULL,"
          + " PRIMARY KEY (persistence_id, sequence_number))");
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long deadline = System.nanoTime() + duration.toNanos();
    long started = System.nanoTime();
    try {
      List<Future<Long>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int worker = t;
        workers.add(pool.submit(() -> insertUntil(url, user, password, deadline, worker, batchSize, payloadBytes)));
      }
      long rows = 0;
      for (Future<Long> f : workers) {
        rows += f.get();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Result(url.replaceAll("password=[^&;]*", "password=***"), threads, batchSize, payloadBytes, rows,
          seconds, rows / seconds);
    } finally {
      pool.shutdownNow();
      try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + TABLE);
      }
    }
  }

  private static long insertUntil(String url, String user, String password, long deadline, int worker,
      int batchSize, int payloadBytes) throws SQLException {
    SplittableRandom random = new SplittableRandom(worker);
    byte[] payload = new byte[payloadBytes];
    long rows = 0;
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      if (url.startsWith("jdbc:postgresql")) {
        try (Statement s = c.createStatement()) {
          s.execute("SET synchronous_commit = on");
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (ordering, persistence_id,"
          + " sequence_number, writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest,"
          + " event_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        while (System.nanoTime() < deadline) {
          for (int i = 0; i < batchSize; i++) {
            random.nextBytes(payload);
            long n = rows + i;
            insert.setLong(1, ((long) worker << 40) | n);
            insert.setString(2, "Payment|pay_" + worker + "_" + n);
            insert.setLong(3, 1);
            insert.setString(4, "loadtest-writer-" + worker);
            insert.setLong(5, System.currentTimeMillis());
            insert.setString(6, "");
            insert.setInt(7, 770_001);
            insert.setString(8, "switchyard.v1.PaymentEvent");
            insert.setBytes(9, payload);
            insert.addBatch();
          }
          insert.executeBatch();
          c.commit();
          rows += batchSize;
        }
      }
    }
    return rows;
  }
}
