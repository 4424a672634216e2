-- The coordination working group's own records: participants, coordination requests with their decision threads,
-- and humanitarian notifications for deconfliction. Keys of other groups' entities (areas, convoys, crossings,
-- facilities, incidents) are plain text here: no foreign keys across services. The seven marking columns are spelled
-- as in every subgraph, so the kit's releasability SQL applies.

-- A nation or organisation taking part in the CMCC (synthetic roster: SYNTHETIC).
CREATE TABLE participant (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('NATION', 'ORGANIZATION')),
  joined_on date NOT NULL,
  liaison_officers integer NOT NULL CHECK (liaison_officers >= 0),
  liaison_roles text[] NOT NULL DEFAULT '{}',
  working_groups text[] NOT NULL DEFAULT '{}',
  source text NOT NULL,
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
  updated_at timestamptz
);
CREATE INDEX participant_order_idx ON participant (joined_on DESC, id DESC);

-- A request for assistance or deconfliction, raised by a participant (its marking's originator) about an entity.
CREATE TABLE coordination_request (
  id text PRIMARY KEY,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  subject_type text NOT NULL CHECK (subject_type IN ('CONVOY', 'CROSSING', 'FACILITY', 'AREA', 'SECURITY_INCIDENT')),
  area_pcode text NOT NULL,
  convoy_id text,
  crossing_id text,
  facility_id text,
  incident_id text,
  priority text NOT NULL CHECK (priority IN ('ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH')),
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'REJECTED', 'WITHDRAWN')),
  assigned_group text,
  due_at timestamptz,
  -- When the last decision was appended to the thread: every decision changes the request (version + 1).
  last_decision_at timestamptz,
  reported_at timestamptz NOT NULL,
  source text NOT NULL,
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
  CHECK (subject_type <> 'CONVOY' OR convoy_id IS NOT NULL),
  CHECK (subject_type <> 'CROSSING' OR crossing_id IS NOT NULL),
  CHECK (subject_type <> 'FACILITY' OR facility_id IS NOT NULL),
  CHECK (subject_type <> 'SECURITY_INCIDENT' OR incident_id IS NOT NULL)
);
CREATE INDEX coordination_request_area_idx ON coordination_request (area_pcode text_pattern_ops);
CREATE INDEX coordination_request_order_idx ON coordination_request (reported_at DESC, id DESC);
CREATE INDEX coordination_request_convoy_idx ON coordination_request (convoy_id);
CREATE INDEX coordination_request_crossing_idx ON coordination_request (crossing_id);
CREATE INDEX coordination_request_facility_idx ON coordination_request (facility_id);
CREATE INDEX coordination_request_incident_idx ON coordination_request (incident_id);

-- One decision in a request's thread. It has no marking of its own: it inherits its request's, and is read only
-- through its request, so a reader who may not see the request never sees the decision.
CREATE TABLE coordination_decision (
  id text PRIMARY KEY,
  request_id text NOT NULL REFERENCES coordination_request (id),
  decided_by text NOT NULL,
  decided_for text NOT NULL,
  decided_at timestamptz NOT NULL,
  decision text NOT NULL CHECK (length(decision) BETWEEN 1 AND 500),
  rationale text NOT NULL CHECK (length(rationale) BETWEEN 1 AND 2000),
  status_after text CHECK (status_after IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'REJECTED', 'WITHDRAWN')),
  version integer NOT NULL DEFAULT 1,
  recorded_by text NOT NULL DEFAULT 'seed',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_via text NOT NULL DEFAULT 'SEED',
  updated_by text,
  updated_at timestamptz
);
CREATE INDEX coordination_decision_request_idx ON coordination_decision (request_id, decided_at, id);

-- A humanitarian site or movement notified to the military side for deconfliction. Its coordinates are sensitive.
CREATE TABLE humanitarian_notification (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('SITE', 'MOVEMENT')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  area_pcode text NOT NULL,
  latitude double precision,
  longitude double precision,
  route jsonb,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  acknowledgement_status text NOT NULL DEFAULT 'PENDING'
    CHECK (acknowledgement_status IN ('PENDING', 'ACKNOWLEDGED')),
  acknowledgement_outcome text
    CHECK (acknowledgement_outcome IN ('NO_CONFLICT', 'DECONFLICTED_WITH_CONDITIONS', 'CONFLICT_IDENTIFIED')),
  acknowledged_by text,
  acknowledged_for text,
  acknowledged_at timestamptz,
  acknowledgement_note text,
  reported_at timestamptz NOT NULL,
  source text NOT NULL,
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
  CHECK (window_end > window_start),
  CHECK (kind <> 'SITE' OR (latitude IS NOT NULL AND longitude IS NOT NULL)),
  CHECK (kind <> 'MOVEMENT' OR route IS NOT NULL)
);
CREATE INDEX humanitarian_notification_area_idx ON humanitarian_notification (area_pcode text_pattern_ops);
CREATE INDEX humanitarian_notification_order_idx ON humanitarian_notification (reported_at DESC, id DESC);
