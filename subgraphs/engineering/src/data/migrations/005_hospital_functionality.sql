-- Published counts of hospitals by how far they function, for an area: aggregates a health authority publishes (WHO),
-- not marked records, the same for every authenticated principal (like structure_damage_summary).
CREATE TABLE hospital_functionality_summary (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  hospitals integer NOT NULL CHECK (hospitals >= 0),
  partially_functioning integer NOT NULL CHECK (partially_functioning >= 0 AND partially_functioning <= hospitals),
  source text NOT NULL,
  as_of date NOT NULL,
  description text NOT NULL,
  UNIQUE (area_pcode, source, as_of)
);

-- [R] WHO, 8 Oct 2025: 14 of the Gaza Strip's 36 hospitals partially functioning. A published figure, not synthetic, so it
-- is recorded by the migration (every database has it, seeded or not).
INSERT INTO hospital_functionality_summary (id, area_pcode, hospitals, partially_functioning, source, as_of, description)
VALUES ('HFS-PS02-WHO-2025-10-08', 'PS02', 36, 14, 'WHO', '2025-10-08',
        'WHO count of hospitals in the Gaza Strip on 8 October 2025: 14 of the 36 partially functioning.')
ON CONFLICT (id) DO NOTHING;
