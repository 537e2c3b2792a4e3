-- The epoch of each journal mirror's slice. A mirror publishes with producer deduplication keyed on producer
-- name + sequence id (the journal offset); rewinding a slice for a replay starts a new epoch, whose producer name
-- is new, so the broker publishes the replayed events instead of dropping them as already seen.
CREATE TABLE IF NOT EXISTS mirror_epoch (
  mirror VARCHAR(64) NOT NULL,
  slice INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (mirror, slice)
);
