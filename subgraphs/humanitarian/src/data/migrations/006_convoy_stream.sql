-- The aid stream of each convoy (UN_2720, BILATERAL, PRIVATE_SECTOR or COMMERCIAL), so that aid delivered to an area can
-- be split by stream within each source (`Area.aidDeliveries.bySource[].byStream`). SYNTHETIC: the convoys are
-- illustrative and so is their stream, set by one deterministic rule (no random draw, the same on every database):
--   - a convoy that carries no cargo (ASSESSMENT, EVACUATION) has no stream (null);
--   - a cargo convoy (COLLECTION, DELIVERY) whose cargo the UN 2720 mechanism monitors is UN_2720;
--   - any other cargo convoy is BILATERAL, PRIVATE_SECTOR or COMMERCIAL by the sum of the character codes of its id,
--     modulo 3 (0, 1, 2 in that order).
-- The rule is applied by a trigger on every insert and on every change of the type or the UN 2720 flag (seed, import
-- and mutation alike), so the stream never disagrees with the flag.
ALTER TABLE convoy ADD COLUMN stream text CHECK (stream IN ('UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'));

CREATE FUNCTION convoy_stream(convoy_id text, convoy_type text, monitored boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN convoy_type NOT IN ('COLLECTION', 'DELIVERY') THEN NULL
    WHEN monitored THEN 'UN_2720'
    ELSE (ARRAY['BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'])[1 + (SELECT coalesce(sum(ascii(c)), 0)::int FROM regexp_split_to_table(convoy_id, '') AS c) % 3]
  END
$$;

-- (The body stays on one line: the migration runner splits statements at a semicolon that ends a line.)
CREATE FUNCTION convoy_set_stream() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN NEW.stream := convoy_stream(NEW.id, NEW.type, NEW.un2720_monitored); RETURN NEW; END $$;

CREATE TRIGGER convoy_stream_rule BEFORE INSERT OR UPDATE OF id, type, un2720_monitored ON convoy
  FOR EACH ROW EXECUTE FUNCTION convoy_set_stream();

UPDATE convoy SET stream = convoy_stream(id, type, un2720_monitored);
CREATE INDEX convoy_stream_idx ON convoy (stream);
