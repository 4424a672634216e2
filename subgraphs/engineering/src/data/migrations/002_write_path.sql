-- Editors and imports write facilities (their status), damage assessments and explosive hazard tasks: every such
-- record gets provenance and a version for optimistic concurrency; seeded rows are recorded as written by the seed.

ALTER TABLE facility
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN hxl_tags jsonb,
  -- Where the current status came from, once one is recorded; null means the record's own source applies.
  ADD COLUMN status_source text;

ALTER TABLE damage_assessment
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN hxl_tags jsonb,
  -- The assessed structure's position as the assessment gives it (UNOSAT exports do); sensitive like a facility's.
  ADD COLUMN latitude double precision,
  ADD COLUMN longitude double precision;
-- One assessment of a facility per image (or visit) date and method: the natural key re-imports update by.
CREATE UNIQUE INDEX damage_assessment_natural_key ON damage_assessment (facility_id, imagery_date, method);

-- The task's own "updated_at" is when its status last changed (GraphQL `updatedAt`); the name goes to provenance,
-- which the kit sets on every change of any field.
ALTER TABLE explosive_hazard_task RENAME COLUMN updated_at TO status_changed_at;
ALTER TABLE explosive_hazard_task
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;
