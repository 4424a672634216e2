-- Civil administration: areas, population, displacement and facility service status.

CREATE TABLE area (
  pcode text PRIMARY KEY,
  name text NOT NULL,
  name_ar text,
  admin_level integer NOT NULL CHECK (admin_level BETWEEN 0 AND 3),
  operational_level text NOT NULL CHECK (operational_level IN ('COUNTRY', 'TERRITORY', 'GOVERNORATE', 'LOCALITY')),
  iso3166_2 text,
  parent_pcode text REFERENCES area (pcode),
  source text NOT NULL
);
CREATE INDEX area_parent_idx ON area (parent_pcode);
CREATE INDEX area_level_idx ON area (operational_level);

CREATE TABLE population_estimate (
  id text PRIMARY KEY,
  area_pcode text NOT NULL REFERENCES area (pcode),
  value integer NOT NULL CHECK (value >= 0),
  source text NOT NULL,
  as_of date NOT NULL,
  description text NOT NULL
);
CREATE INDEX population_estimate_area_idx ON population_estimate (area_pcode);

CREATE TABLE municipality (
  id text PRIMARY KEY,
  name text NOT NULL,
  name_ar text,
  area_pcode text NOT NULL REFERENCES area (pcode),
  source text NOT NULL
);
CREATE INDEX municipality_area_idx ON municipality (area_pcode);

CREATE TABLE displacement_site (
  id text PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('COLLECTIVE_CENTRE', 'MAKESHIFT_SITE', 'PLANNED_SITE', 'HOST_COMMUNITY', 'DAMAGED_HOME')),
  area_pcode text NOT NULL REFERENCES area (pcode),
  households integer NOT NULL CHECK (households >= 0),
  individuals integer NOT NULL CHECK (individuals >= 0),
  site_manager_org_id text,
  risks text[] NOT NULL DEFAULT '{}',
  latitude double precision,
  longitude double precision,
  source text NOT NULL,
  as_of date NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX displacement_site_area_idx ON displacement_site (area_pcode);

CREATE TABLE population_movement (
  id text PRIMARY KEY,
  monitoring_point text NOT NULL,
  area_pcode text NOT NULL REFERENCES area (pcode),
  date date NOT NULL,
  direction text NOT NULL CHECK (direction IN ('S_TO_N', 'N_TO_S')),
  count integer NOT NULL CHECK (count >= 0),
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX population_movement_area_date_idx ON population_movement (area_pcode, date DESC);

CREATE TABLE facility_service_status (
  facility_id text PRIMARY KEY,
  functionality text NOT NULL CHECK (functionality IN ('FULL', 'PARTIAL', 'NONE')),
  building_condition text NOT NULL,
  accessibility text NOT NULL,
  disruption_causes text[] NOT NULL DEFAULT '{}',
  as_of date NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

