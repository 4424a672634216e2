-- The marking a record had at each version, beside that version's history entry: a reader sees an entry only where
-- that marking releases it (null for records without a marking, whose entries follow the record).
ALTER TABLE record_change ADD COLUMN marking jsonb;
