-- Pending deadlines of payments (authorization expiry, issuer answer, reversal retry, dispute response), kept
-- by the deadline projection from the journal and swept per tag slice. A row is a wake-up call, not a
-- decision: the payment re-checks the deadline against its own state.
CREATE TABLE IF NOT EXISTS payment_deadline (
  payment_id VARCHAR(64) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  slice INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  PRIMARY KEY (payment_id, kind)
);

CREATE INDEX IF NOT EXISTS payment_deadline_due_idx ON payment_deadline (slice, due_at);
