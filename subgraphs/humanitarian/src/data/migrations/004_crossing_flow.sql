-- Crossings by date, throughput by stream, and the staging areas upstream of the crossings.

-- One crossing, one id: Zikim is also called "Erez West". A database seeded before this migration holds an EREZ_WEST
-- crossing; whatever refers to it now refers to ZIKIM, and the crossing itself goes.
ALTER TABLE crossing ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';
UPDATE convoy SET crossing_id = 'ZIKIM' WHERE crossing_id = 'EREZ_WEST';
UPDATE crossing_daily_report r SET crossing_id = 'ZIKIM', id = replace(r.id, 'CDR-EREZ_WEST-', 'CDR-ZIKIM-')
  WHERE r.crossing_id = 'EREZ_WEST'
    AND NOT EXISTS (SELECT 1 FROM crossing_daily_report z WHERE z.crossing_id = 'ZIKIM' AND z.date = r.date AND z.source = r.source);
DELETE FROM crossing_daily_report WHERE crossing_id = 'EREZ_WEST';
DELETE FROM crossing WHERE id = 'EREZ_WEST';

-- The dated status of each crossing: one row per period, `valid_to` the last day (inclusive), null while in force.
-- Crossings are public reference data, so their history is too (no marking).
CREATE TABLE crossing_status_period (
  id text PRIMARY KEY,
  crossing_id text NOT NULL REFERENCES crossing (id),
  valid_from date,
  valid_from_precision text NOT NULL CHECK (valid_from_precision IN ('DAY', 'MONTH', 'KNOWN_ON')),
  valid_to date,
  status text NOT NULL CHECK (status IN ('OPEN', 'RESTRICTED', 'CLOSED')),
  allowed_traffic text[] NOT NULL DEFAULT '{}',
  medical_evacuation_route boolean NOT NULL DEFAULT false,
  note text NOT NULL,
  source text NOT NULL,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to)
);
CREATE INDEX crossing_status_period_crossing_idx ON crossing_status_period (crossing_id, valid_from);

-- Trucks through a crossing on one day, from one source, for one stream (UN 2720 mechanism, bilateral donations,
-- private sector, commercial), with the loads rejected and the items denied (e.g. "dual-use") and the reasons given.
-- One row per crossing, day, source and stream: counts from different sources are kept side by side, never summed.
CREATE TABLE crossing_stream_report (
  id text PRIMARY KEY,
  crossing_id text NOT NULL REFERENCES crossing (id),
  date date NOT NULL,
  source text NOT NULL,
  stream text NOT NULL CHECK (stream IN ('UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL')),
  trucks_offloaded integer NOT NULL CHECK (trucks_offloaded >= 0),
  trucks_collected integer NOT NULL CHECK (trucks_collected >= 0),
  rejected integer NOT NULL DEFAULT 0 CHECK (rejected >= 0),
  rejection_reason text,
  denied_items text[] NOT NULL DEFAULT '{}',
  denial_reason text,
  note text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  recorded_by text NOT NULL DEFAULT 'seed',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_via text NOT NULL DEFAULT 'SEED',
  updated_by text,
  updated_at timestamptz,
  hxl_tags jsonb,
  UNIQUE (crossing_id, date, source, stream),
  CHECK (rejected = 0 OR rejection_reason IS NOT NULL),
  CHECK (cardinality(denied_items) = 0 OR denial_reason IS NOT NULL)
);
CREATE INDEX crossing_stream_report_crossing_date_idx ON crossing_stream_report (crossing_id, date);

-- Where aid waits before a crossing (El-Arish, the Jordan corridor over Allenby, Ashdod port): public reference data.
CREATE TABLE staging_area (
  id text PRIMARY KEY,
  name text NOT NULL,
  position integer NOT NULL,
  country text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('LAND_STAGING', 'LAND_CORRIDOR', 'SEA_PORT')),
  inspection_point text,
  feeds_crossing_id text NOT NULL REFERENCES crossing (id),
  note text NOT NULL
);

-- What was waiting at a staging area on a day, and for how long: marked records (rule v2).
CREATE TABLE staging_area_observation (
  id text PRIMARY KEY,
  staging_area_id text NOT NULL REFERENCES staging_area (id),
  date date NOT NULL,
  source text NOT NULL,
  trucks_waiting integer NOT NULL CHECK (trucks_waiting >= 0),
  pallets_waiting integer NOT NULL CHECK (pallets_waiting >= 0),
  dwell_days numeric(6, 1) NOT NULL CHECK (dwell_days >= 0),
  note text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  UNIQUE (staging_area_id, date, source)
);
CREATE INDEX staging_area_observation_area_date_idx ON staging_area_observation (staging_area_id, date DESC);

-- Published figures: trucks offloaded at the crossings (the UN's count), and the publication that cited a source's
-- figure when it is not the source itself (e.g. AP citing COGAT's data).
ALTER TABLE reported_aid_figure DROP CONSTRAINT reported_aid_figure_metric_check;
ALTER TABLE reported_aid_figure ADD CONSTRAINT reported_aid_figure_metric_check
  CHECK (metric IN ('TRUCKS_ENTERED_PER_DAY', 'TRUCKS_COLLECTED', 'TRUCKS_REACHED_DESTINATION', 'TRUCKS_OFFLOADED'));
ALTER TABLE reported_aid_figure ADD COLUMN cited_in text;
