-- Humanitarian: organisations, crossings and their daily reports, convoys and consignments, 3W activities,
-- and figures published by named sources.

CREATE TABLE organization (
  id text PRIMARY KEY,
  name text NOT NULL,
  acronym text NOT NULL,
  type text NOT NULL CHECK (type IN ('UN_AGENCY', 'RED_CROSS_RED_CRESCENT', 'INTERNATIONAL_NGO', 'NATIONAL_NGO', 'GOVERNMENT', 'MILITARY', 'PRIVATE_SECTOR', 'OTHER'))
);

CREATE TABLE crossing (
  id text PRIMARY KEY,
  name text NOT NULL,
  position integer NOT NULL,
  area_pcode text NOT NULL,
  status text NOT NULL CHECK (status IN ('OPEN', 'RESTRICTED', 'CLOSED')),
  allowed_traffic text[] NOT NULL DEFAULT '{}',
  status_since date,
  status_note text NOT NULL,
  status_source text NOT NULL
);

CREATE TABLE crossing_daily_report (
  id text PRIMARY KEY,
  crossing_id text NOT NULL REFERENCES crossing (id),
  date date NOT NULL,
  source text NOT NULL,
  open boolean NOT NULL,
  trucks_offloaded integer NOT NULL CHECK (trucks_offloaded >= 0),
  trucks_collected integer NOT NULL CHECK (trucks_collected >= 0),
  tonnes numeric(10, 2) NOT NULL CHECK (tonnes >= 0),
  fuel_litres integer NOT NULL CHECK (fuel_litres >= 0),
  note text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  -- One report per crossing, day and source: sources are kept side by side, never merged.
  UNIQUE (crossing_id, date, source)
);
CREATE INDEX crossing_daily_report_crossing_date_idx ON crossing_daily_report (crossing_id, date DESC);

CREATE TABLE convoy (
  id text PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('COLLECTION', 'DELIVERY', 'ASSESSMENT', 'EVACUATION')),
  crossing_id text REFERENCES crossing (id),
  destination_pcode text NOT NULL,
  planned_start timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('REQUESTED', 'FACILITATED', 'IMPEDED', 'DENIED', 'CANCELLED_BY_ORGANIZER')),
  un2720_monitored boolean NOT NULL,
  route text,
  departed_at timestamptz,
  arrived_at timestamptz,
  driver_names text[],
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX convoy_destination_idx ON convoy (destination_pcode);
CREATE INDEX convoy_planned_start_idx ON convoy (planned_start DESC, id DESC);

CREATE TABLE convoy_requesting_organization (
  convoy_id text NOT NULL REFERENCES convoy (id),
  organization_id text NOT NULL REFERENCES organization (id),
  position integer NOT NULL,
  PRIMARY KEY (convoy_id, organization_id)
);

CREATE TABLE truck_consignment (
  id text PRIMARY KEY,
  convoy_id text NOT NULL REFERENCES convoy (id),
  cargo_category text NOT NULL CHECK (cargo_category IN ('FOOD', 'NUTRITION', 'HEALTH', 'WASH', 'SHELTER_NFI', 'FUEL', 'COOKING_GAS', 'EDUCATION', 'LOGISTICS', 'COMMERCIAL')),
  pallets integer NOT NULL CHECK (pallets >= 0),
  tonnes numeric(8, 2) NOT NULL CHECK (tonnes >= 0),
  stage text NOT NULL CHECK (stage IN ('OFFLOADED', 'COLLECTED', 'INTERCEPTED_PEACEFUL', 'INTERCEPTED_FORCIBLE', 'DELIVERED')),
  stage_at timestamptz NOT NULL,
  source text NOT NULL
);
CREATE INDEX truck_consignment_convoy_idx ON truck_consignment (convoy_id, stage_at DESC);
CREATE INDEX truck_consignment_delivered_idx ON truck_consignment (stage, stage_at);

CREATE TABLE activity (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organization (id),
  implementing_organization_id text REFERENCES organization (id),
  sector text NOT NULL CHECK (sector IN ('FOOD_SECURITY', 'HEALTH', 'NUTRITION', 'WASH', 'SHELTER_NFI', 'PROTECTION', 'EDUCATION', 'LOGISTICS', 'CCCM', 'EMERGENCY_TELECOMMUNICATIONS', 'EARLY_RECOVERY')),
  area_pcode text NOT NULL,
  facility_id text,
  activity text NOT NULL,
  status text NOT NULL CHECK (status IN ('PLANNED', 'ONGOING', 'COMPLETED', 'SUSPENDED')),
  start_date date NOT NULL,
  end_date date,
  targeted integer CHECK (targeted >= 0),
  reached integer CHECK (reached >= 0),
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX activity_area_idx ON activity (area_pcode);
CREATE INDEX activity_facility_idx ON activity (facility_id);
CREATE INDEX activity_organization_idx ON activity (organization_id);

-- A figure exactly as a named source published it; never summed with synthetic records or other sources.
CREATE TABLE reported_aid_figure (
  id text PRIMARY KEY,
  metric text NOT NULL CHECK (metric IN ('TRUCKS_ENTERED_PER_DAY', 'TRUCKS_COLLECTED', 'TRUCKS_REACHED_DESTINATION')),
  qualifier text NOT NULL CHECK (qualifier IN ('EXACT', 'MORE_THAN', 'RANGE')),
  value numeric NOT NULL,
  value_max numeric,
  period_start date,
  period_end date,
  area_pcode text NOT NULL,
  source text NOT NULL,
  as_of date NOT NULL,
  statement text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  CHECK ((qualifier = 'RANGE') = (value_max IS NOT NULL))
);
