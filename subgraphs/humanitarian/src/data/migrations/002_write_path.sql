-- Editors and imports write crossing reports, convoys, truck consignments and 3W activities: every such record gets
-- provenance and a version for optimistic concurrency; seeded rows are recorded as written by the seed.

-- Crossing reports: one per crossing, day and source (the natural key, already UNIQUE since 001), so a re-imported
-- UN 2720 or COGAT report updates the earlier one instead of adding a second.
ALTER TABLE crossing_daily_report
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN hxl_tags jsonb;

-- Convoys: `status_reason` says why a request was denied, impeded or cancelled (as the coordinator recorded it).
ALTER TABLE convoy
  ADD COLUMN status_reason text,
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;

ALTER TABLE truck_consignment
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;

-- 3W activities: imported from HXL-tagged sheets, whose hashtags are kept on each record in `hxl_tags`.
ALTER TABLE activity
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN recorded_by text NOT NULL DEFAULT 'seed',
  ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recorded_via text NOT NULL DEFAULT 'SEED',
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN hxl_tags jsonb;
-- One record per reporting organisation, area, activity and start day: the natural key re-imports update by.
CREATE UNIQUE INDEX activity_natural_key ON activity (organization_id, area_pcode, activity, start_date);
