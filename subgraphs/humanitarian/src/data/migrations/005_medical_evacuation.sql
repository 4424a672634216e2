-- Medical evacuations out of the Gaza Strip: health data. No names are stored, only the originator's pseudonymous case
-- reference; every record carries the handling caveat MEDICAL (only principals cleared for MEDICAL read it), and the
-- table refuses a row without it whatever the code above it does.
CREATE TABLE medical_evacuation (
  id text PRIMARY KEY,
  case_reference text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('CRITICAL', 'URGENT', 'ROUTINE')),
  condition_category text NOT NULL CHECK (condition_category IN ('TRAUMA', 'CANCER', 'CARDIOVASCULAR', 'KIDNEY_FAILURE', 'NEUROLOGICAL', 'CONGENITAL', 'OTHER_CHRONIC', 'OTHER')),
  area_pcode text NOT NULL,
  requested_on date NOT NULL,
  decided_on date,
  evacuated_on date,
  status text NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'DENIED', 'EVACUATED', 'DIED_WAITING')),
  -- The crossings left through, in order (ids of `crossing`; checked by the write path, arrays take no foreign key).
  route_crossing_ids text[] NOT NULL DEFAULT '{}',
  onward_route text CHECK (onward_route IN ('VIA_EGYPT', 'ALLENBY_TO_JORDAN', 'BY_AIR_FROM_ISRAEL')),
  destination_country text CHECK (destination_country ~ '^[A-Z]{3}$'),
  escorts integer NOT NULL DEFAULT 0 CHECK (escorts >= 0),
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
  CONSTRAINT medical_evacuation_caveat_medical CHECK ('MEDICAL' = ANY (caveats)),
  -- One case per originator and case reference (the id is built from both: MEDEVAC-<originator>-<reference>).
  UNIQUE (originator, case_reference),
  CHECK (decided_on IS NULL OR decided_on >= requested_on),
  CHECK (evacuated_on IS NULL OR (decided_on IS NOT NULL AND evacuated_on >= decided_on))
);
CREATE INDEX medical_evacuation_requested_idx ON medical_evacuation (requested_on DESC, id DESC);
CREATE INDEX medical_evacuation_area_idx ON medical_evacuation (area_pcode);

-- The number of patients waiting for a medical evacuation, as a named source published it on a day (WHO publishes
-- it). The seed holds one SYNTHETIC (illustrative) figure only; the real one is imported with its source and date.
CREATE TABLE medical_evacuation_waiting_figure (
  id text PRIMARY KEY,
  patients integer NOT NULL CHECK (patients >= 0),
  as_of date NOT NULL,
  source text NOT NULL,
  area_pcode text NOT NULL DEFAULT 'PS02',
  statement text,
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
  -- One figure per source and day: a source's figures are kept side by side with other sources', never summed.
  UNIQUE (source, as_of)
);
