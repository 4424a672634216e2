-- The synthetic stream rule of 006 applies to synthetic seed convoys only. 006 derived a stream for every cargo convoy,
-- including convoys recorded by a mutation (requestConvoy) or written by an import, which then carried a made-up stream
-- into `Area.aidDeliveries.bySource[].byStream`. From here on:
--   - a seeded synthetic convoy (`source` SYNTHETIC and `recorded_via` SEED, as the seed writes them) still gets its
--     stream from the rule of 006 (convoy_stream), on insert and whenever its id, type, UN 2720 flag or origin changes;
--   - any other convoy keeps the stream it was written with, as given: null when none was given. A mutation whose
--     source is SYNTHETIC is still a recorded convoy (`recorded_via` MUTATION:...), so it gets no derived stream either;
--   - a convoy that carries no cargo (ASSESSMENT, EVACUATION) never has a stream (a CHECK, as the rule always gave).
-- (The trigger body stays on one line: the migration runner splits statements at a semicolon that ends a line.)
CREATE OR REPLACE FUNCTION convoy_set_stream() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN IF NEW.source = 'SYNTHETIC' AND NEW.recorded_via = 'SEED' THEN NEW.stream := convoy_stream(NEW.id, NEW.type, NEW.un2720_monitored); ELSIF TG_OP = 'UPDATE' AND OLD.source = 'SYNTHETIC' AND OLD.recorded_via = 'SEED' AND NEW.stream IS NOT DISTINCT FROM OLD.stream THEN NEW.stream := NULL; END IF; RETURN NEW; END $$;

-- The trigger also fires when a row's origin (source, recorded_via) changes, so a row leaving the seed loses the
-- derived stream it had (unless the same statement gives one) and a row entering it gets one.
DROP TRIGGER convoy_stream_rule ON convoy;
CREATE TRIGGER convoy_stream_rule BEFORE INSERT OR UPDATE OF id, type, un2720_monitored, source, recorded_via ON convoy
  FOR EACH ROW EXECUTE FUNCTION convoy_set_stream();

-- Existing convoys that are not synthetic seed rows: until now no write path could give a stream (the trigger of 006
-- overwrote whatever an insert carried, and no mutation or import writes the column), so their stream was derived by
-- the rule. The one way to have set one explicitly was a direct UPDATE of `stream` alone, which the trigger did not
-- overwrite; such a value can be told apart only when it differs from what the rule gives. So: a stream equal to the
-- rule's value is treated as derived and reset to null (unknown), a stream that differs from it is kept as explicit.
-- The reset is a correction of derived data, not an editor's change: it adds no entry to the records' history.
UPDATE convoy SET stream = NULL
  WHERE NOT (source = 'SYNTHETIC' AND recorded_via = 'SEED')
    AND stream IS NOT NULL
    AND stream = convoy_stream(id, type, un2720_monitored);

ALTER TABLE convoy ADD CONSTRAINT convoy_stream_cargo_only CHECK (stream IS NULL OR type IN ('COLLECTION', 'DELIVERY'));
