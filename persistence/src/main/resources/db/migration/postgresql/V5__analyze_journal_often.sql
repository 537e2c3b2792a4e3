-- The read journal's tag query joins event_journal and event_tag. With statistics from when the tables were
-- empty, PostgreSQL picks a hash join over every journal row in the offset range: measured 72 ms per poll at
-- 26k events, 1.4 ms after ANALYZE (docs/benchmarks.md). A journal grows from nothing, so let autovacuum
-- re-analyze both tables after every 1,000 rows plus 1 % instead of the default 50 rows plus 10 %.
ALTER TABLE event_journal SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
ALTER TABLE event_tag SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
