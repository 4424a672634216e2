-- Editors and imports write displacement sites, population movements and service statuses: every such record gets
-- provenance and a version for optimistic concurrency; seeded rows are recorded as written by the seed.

ALTER TABLE displacement_site
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN hxl_tags jsonb;

ALTER TABLE population_movement
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;
-- One count per monitoring point, day and direction: the natural key re-imports update by.
CREATE UNIQUE INDEX population_movement_natural_key ON population_movement (monitoring_point, date, direction);

-- The status row of a facility is keyed by the facility's id, named `id` like every other written record.
ALTER TABLE facility_service_status RENAME COLUMN facility_id TO id;
ALTER TABLE facility_service_status
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;
