-- Editors report incidents and ceasefire violations, change an incident's verification, and import ACLED-style
-- incident exports: every record written gets provenance and a version for optimistic concurrency; seeded rows are
-- recorded as written by the seed.

ALTER TABLE security_incident
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  -- The event's id in the export it came from (ACLED's event_id_cnty): the natural key re-imports update by.
  ADD COLUMN source_event_id text,
  -- The sources the record cites, as given (ACLED's free-text `source` column); `source` stays the Source enum.
  ADD COLUMN cited_sources text,
  -- Why the verification is what it is: set with every change of verification.
  ADD COLUMN verification_note text,
  ADD COLUMN hxl_tags jsonb;
CREATE UNIQUE INDEX security_incident_source_event_id_key ON security_incident (source_event_id);
-- Imports never write verification (a working-group judgment, changed only by updateIncidentVerification): a new
-- imported incident starts unverified.
ALTER TABLE security_incident ALTER COLUMN verification SET DEFAULT 'UNVERIFIED';

ALTER TABLE ceasefire_violation_report
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;
