-- Engineering & infrastructure: facilities, damage assessments, explosive hazard tasks, debris and structure damage,
-- crossing access roads and convoy route hazards. Area P-codes, organisation, crossing and convoy ids belong to other
-- subgraphs, so they are plain text here (no foreign keys across services).

CREATE TABLE facility (
  id text PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('WATER_WELL', 'DESALINATION_PLANT', 'WASTEWATER_PLANT', 'PUMPING_STATION', 'POWER_FEEDER', 'POWER_PLANT',
    'ROAD_SEGMENT', 'HOSPITAL', 'PRIMARY_HEALTH_CENTRE', 'BAKERY', 'SCHOOL', 'WAREHOUSE')),
  operator_org_id text,
  capacity_value double precision CHECK (capacity_value >= 0),
  capacity_max_value double precision CHECK (capacity_max_value >= capacity_value),
  capacity_unit text CHECK (capacity_unit IN ('CUBIC_METRES_PER_DAY', 'MEGAWATTS', 'TRUCKS_PER_DAY', 'BEDS', 'CONSULTATIONS_PER_DAY',
    'TONNES_FLOUR_PER_DAY', 'PUPILS', 'SQUARE_METRES')),
  status text NOT NULL CHECK (status IN ('OPERATIONAL', 'PARTIAL', 'DAMAGED', 'DESTROYED', 'UNKNOWN')),
  status_as_of date NOT NULL,
  area_pcode text NOT NULL,
  latitude double precision,
  longitude double precision,
  description text,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  CHECK ((capacity_value IS NULL) = (capacity_unit IS NULL))
);
CREATE INDEX facility_area_idx ON facility (area_pcode text_pattern_ops);
CREATE INDEX facility_order_idx ON facility (status_as_of DESC, id DESC);

CREATE TABLE damage_assessment (
  id text PRIMARY KEY,
  facility_id text REFERENCES facility (id),
  area_pcode text NOT NULL,
  method text NOT NULL CHECK (method IN ('UNOSAT_SATELLITE', 'FIELD')),
  damage_class text NOT NULL CHECK (damage_class IN ('DESTROYED', 'SEVERE', 'MODERATE', 'POSSIBLE', 'NONE')),
  imagery_date date NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX damage_assessment_facility_idx ON damage_assessment (facility_id, imagery_date DESC, id DESC);

-- Items found are kept as two parallel arrays (kind, count), read with the task in the same row.
CREATE TABLE explosive_hazard_task (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  facility_id text REFERENCES facility (id),
  requested_by_org_id text,
  requested_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL CHECK (updated_at >= requested_at),
  status text NOT NULL CHECK (status IN ('REQUESTED', 'ASSESSED', 'MARKED', 'CLEARED')),
  item_types text[] NOT NULL DEFAULT '{}',
  item_counts integer[] NOT NULL DEFAULT '{}',
  latitude double precision,
  longitude double precision,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  CHECK (cardinality(item_types) = cardinality(item_counts)),
  CHECK (item_types <@ ARRAY['AERIAL_BOMB', 'MORTAR', 'ROCKET', 'PROJECTILE', 'GRENADE', 'IED', 'DEEP_BURIED_BOMB'])
);
CREATE INDEX explosive_hazard_task_area_idx ON explosive_hazard_task (area_pcode text_pattern_ops);
CREATE INDEX explosive_hazard_task_order_idx ON explosive_hazard_task (requested_at DESC, id DESC);

CREATE TABLE debris_estimate (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  tonnes double precision NOT NULL CHECK (tonnes >= 0),
  asbestos_tonnes double precision CHECK (asbestos_tonnes >= 0),
  source text NOT NULL,
  as_of date NOT NULL,
  description text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX debris_estimate_area_idx ON debris_estimate (area_pcode, as_of DESC);

CREATE TABLE structure_damage_summary (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  damage_class text NOT NULL CHECK (damage_class IN ('DESTROYED', 'SEVERE', 'MODERATE', 'POSSIBLE', 'NONE')),
  structures integer NOT NULL CHECK (structures >= 0),
  source text NOT NULL,
  as_of date NOT NULL,
  description text NOT NULL,
  UNIQUE (area_pcode, source, as_of, damage_class)
);

CREATE TABLE crossing_access_road (
  crossing_id text PRIMARY KEY,
  road_segment_facility_id text REFERENCES facility (id),
  passability text NOT NULL CHECK (passability IN ('OPEN', 'RESTRICTED', 'BLOCKED', 'UNKNOWN')),
  constraints text[] NOT NULL DEFAULT '{}',
  as_of date NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE convoy_route_hazard (
  convoy_id text PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('NO_KNOWN_HAZARD', 'MARKED_HAZARDS', 'UNMARKED_HAZARDS')),
  hazard_task_ids text[] NOT NULL DEFAULT '{}',
  assessed_at timestamptz NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
