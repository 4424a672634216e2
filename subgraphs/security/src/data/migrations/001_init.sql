-- Security: incidents (ACLED-aligned), ceasefire violation allegations, ISR observations, threat assessments and
-- security closures of crossings. Areas, crossings and convoys belong to other subgraphs: their keys are stored
-- without foreign keys.

CREATE TABLE security_incident (
  id text PRIMARY KEY,
  event_date date NOT NULL,
  occurred_at timestamptz,
  event_type text NOT NULL CHECK (event_type IN ('BATTLES', 'EXPLOSIONS_REMOTE_VIOLENCE', 'VIOLENCE_AGAINST_CIVILIANS', 'PROTESTS', 'RIOTS', 'STRATEGIC_DEVELOPMENTS')),
  sub_event_type text,
  actor1 text NOT NULL,
  actor2 text,
  area_pcode text NOT NULL CHECK (area_pcode ~ '^PS[0-9]*$'),
  location_name text NOT NULL,
  latitude double precision,
  longitude double precision,
  fatalities integer CHECK (fatalities >= 0),
  injured integer CHECK (injured >= 0),
  affects_aid boolean NOT NULL,
  convoy_id text,
  source text NOT NULL,
  verification text NOT NULL CHECK (verification IN ('UNVERIFIED', 'CORROBORATED', 'CONFIRMED', 'REFUTED')),
  notes text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX security_incident_area_date_idx ON security_incident (area_pcode, event_date DESC, id DESC);
CREATE INDEX security_incident_date_idx ON security_incident (event_date DESC, id DESC);
CREATE INDEX security_incident_convoy_idx ON security_incident (convoy_id, event_date DESC) WHERE convoy_id IS NOT NULL;

CREATE TABLE ceasefire_violation_report (
  id text PRIMARY KEY,
  reported_by text NOT NULL,
  alleged_party text NOT NULL,
  violation_type text NOT NULL CHECK (violation_type IN ('FIRE_AT_FORCES', 'FIRE_AT_CIVILIANS', 'AIR_STRIKE', 'SHELLING', 'LINE_CROSSING', 'ARMED_APPROACH', 'DEMOLITION', 'TUNNEL_ACTIVITY', 'AID_OBSTRUCTION', 'OTHER')),
  occurred_at timestamptz NOT NULL,
  area_pcode text NOT NULL CHECK (area_pcode ~ '^PS[0-9]*$'),
  yellow_line_side text NOT NULL CHECK (yellow_line_side IN ('HELD_SIDE', 'WITHDRAWN_SIDE', 'ON_LINE', 'UNKNOWN')),
  distance_to_line_m integer CHECK (distance_to_line_m >= 0),
  verification text NOT NULL CHECK (verification IN ('UNVERIFIED', 'CORROBORATED', 'CONFIRMED', 'REFUTED')),
  incident_id text REFERENCES security_incident (id),
  notes text,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX ceasefire_violation_report_area_idx ON ceasefire_violation_report (area_pcode, occurred_at DESC, id DESC);

CREATE TABLE isr_observation (
  id text PRIMARY KEY,
  platform text NOT NULL,
  observed_on date NOT NULL,
  observed_at timestamptz,
  area_pcode text NOT NULL CHECK (area_pcode ~ '^PS[0-9]*$'),
  summary text NOT NULL,
  incident_id text REFERENCES security_incident (id),
  source text NOT NULL,
  classification text NOT NULL CHECK (classification = 'SECRET'),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX isr_observation_area_idx ON isr_observation (area_pcode, observed_on DESC, id DESC);

-- An assessment is of exactly one area or one crossing.
CREATE TABLE threat_assessment (
  id text PRIMARY KEY,
  area_pcode text CHECK (area_pcode ~ '^PS[0-9]*$'),
  crossing_id text,
  level text NOT NULL CHECK (level IN ('LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL')),
  as_of date NOT NULL,
  basis text NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  CHECK ((area_pcode IS NULL) <> (crossing_id IS NULL))
);
CREATE INDEX threat_assessment_area_idx ON threat_assessment (area_pcode, as_of DESC) WHERE area_pcode IS NOT NULL;
CREATE INDEX threat_assessment_crossing_idx ON threat_assessment (crossing_id, as_of DESC) WHERE crossing_id IS NOT NULL;

CREATE TABLE crossing_closure (
  id text PRIMARY KEY,
  crossing_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz CHECK (ends_at > starts_at),
  category text NOT NULL CHECK (category IN ('SECURITY_ALERT', 'HOSTILE_FIRE', 'CROWD_SECURITY', 'EXPLOSIVE_HAZARD', 'POLICY_DECISION')),
  reason text NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX crossing_closure_crossing_idx ON crossing_closure (crossing_id, starts_at DESC, id DESC);
