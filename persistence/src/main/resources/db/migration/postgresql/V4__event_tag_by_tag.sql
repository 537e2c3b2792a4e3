-- Readers of a tag (the deadline projection, the mirrors) ask for "events of tag T after ordering N". The
-- plugin's primary key (event_id, tag) cannot serve that, so every poll scanned the whole event_tag table;
-- this index makes a poll a range read.
CREATE INDEX IF NOT EXISTS event_tag_tag_event_idx ON event_tag (tag, event_id);
