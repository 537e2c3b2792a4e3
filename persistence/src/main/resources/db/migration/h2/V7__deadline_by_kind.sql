-- The sweeper reads each kind of deadline on its own (so a backlog of one kind cannot starve the others):
-- per slice and kind, oldest first.
CREATE INDEX IF NOT EXISTS payment_deadline_kind_due_idx ON payment_deadline (slice, kind, due_at);
