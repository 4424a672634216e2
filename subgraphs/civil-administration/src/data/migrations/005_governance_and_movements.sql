-- Governance after UN Security Council resolution 2803 (17 Nov 2025): the bodies it endorsed, welcomed or authorised,
-- their members, and what is decided and what is still pending about each, as dated data. Also: a movement count may be
-- a lower bound ("more than 425,000 movements") and says what it counts.

CREATE TABLE governing_body (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('TRANSITIONAL_ADMINISTRATION', 'STABILIZATION_FORCE', 'TECHNOCRATIC_COMMITTEE')),
  mandate text NOT NULL,
  legal_basis text NOT NULL,
  -- Null while the body is not (yet) known to be established.
  established_on date,
  source text NOT NULL,
  as_of date NOT NULL,
  description text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

-- One step about a body, decided (with the date of the decision) or pending (known as pending on `as_of`). Read only
-- through a body released to the reader; the steps are published facts and carry no marking of their own.
CREATE TABLE governing_body_step (
  id text PRIMARY KEY,
  body_id text NOT NULL REFERENCES governing_body (id),
  step text NOT NULL,
  status text NOT NULL CHECK (status IN ('DECIDED', 'PENDING')),
  decided_on date,
  as_of date NOT NULL,
  decided_by text,
  source text NOT NULL,
  CHECK ((status = 'DECIDED') = (decided_on IS NOT NULL))
);
CREATE INDEX governing_body_step_body_idx ON governing_body_step (body_id, as_of);

-- A member of a body: a nation (ISO 3166-1 alpha-3) or an organisation, its role, and whether its seat is decided.
CREATE TABLE governing_body_member (
  id text PRIMARY KEY,
  body_id text NOT NULL REFERENCES governing_body (id),
  nation text CHECK (nation ~ '^[A-Z]{3}$'),
  organization text,
  role text NOT NULL,
  status text NOT NULL CHECK (status IN ('DECIDED', 'PENDING')),
  since date,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}',
  CHECK (nation IS NOT NULL OR organization IS NOT NULL)
);
CREATE INDEX governing_body_member_body_idx ON governing_body_member (body_id, id);

ALTER TABLE population_movement
  ADD COLUMN count_is_minimum boolean NOT NULL DEFAULT false,
  ADD COLUMN description text;

-- [R] More than 425,000 south-to-north movements in the first ~10 days of the ceasefire, counted at all flow-monitoring
-- points: movements, not people (one person crossing twice counts twice). Databases seeded before are corrected here.
UPDATE population_movement
   SET count_is_minimum = true, area_pcode = 'PS02',
       description = 'More than 425,000 south-to-north movements counted at flow-monitoring points in the first ~10 days of the '
         || 'ceasefire: movements, not people (one person crossing twice counts twice).'
 WHERE id = 'MOVE-R-2025-10-19';
