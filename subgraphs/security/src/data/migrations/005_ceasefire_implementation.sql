-- Ceasefire implementation (ceasefire of 10 Oct 2025): its phases, the return of hostages and the release of Palestinian
-- prisoners, detainees and remains. Real figures are stored as dated, sourced figure records (one row per figure as its
-- source gave it, `count` with `period_start`/`event_date` and `as_of`); per-event rows only where the source gives the
-- event. No row names a person. Every row is marked like any other record of this subgraph.

CREATE TABLE ceasefire_phase (
  id text PRIMARY KEY,
  name text NOT NULL,
  starts_on date NOT NULL,
  ends_on date CHECK (ends_on >= starts_on),
  conditions text[] NOT NULL DEFAULT '{}',
  source text NOT NULL,
  as_of date NOT NULL,
  cited_sources text,
  statement text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE hostage_return (
  id text PRIMARY KEY,
  living boolean NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  -- The first day of the period a figure covers; null for a figure of one day.
  period_start date,
  event_date date NOT NULL CHECK (period_start IS NULL OR period_start <= event_date),
  via text,
  -- An event already counted in an aggregate figure names it, so the two are never added together.
  counted_in text REFERENCES hostage_return (id),
  source text NOT NULL,
  as_of date NOT NULL,
  cited_sources text,
  statement text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE detainee_release (
  id text PRIMARY KEY,
  count integer NOT NULL CHECK (count > 0),
  approximate boolean NOT NULL DEFAULT false,
  -- TOTAL: `count` people or remains in all; PER_DECEASED_HOSTAGE_RETURNED: `count` for each deceased hostage returned.
  count_basis text NOT NULL CHECK (count_basis IN ('TOTAL', 'PER_DECEASED_HOSTAGE_RETURNED')),
  category text NOT NULL CHECK (category IN ('PRISONERS_AND_DETAINEES', 'PRISONERS', 'DETAINEES', 'REMAINS')),
  period_start date,
  event_date date NOT NULL CHECK (period_start IS NULL OR period_start <= event_date),
  source text NOT NULL,
  as_of date NOT NULL,
  cited_sources text,
  statement text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);

-- ACLED alignment of databases seeded before this migration (new databases are seeded with these names): actors as
-- ACLED writes them. Only seeded rows change; rows written by editors or imports keep what their writer gave.
UPDATE security_incident SET actor1 = 'Military Forces of Israel (2022-)' WHERE actor1 = 'Military Forces of Israel' AND recorded_via = 'SEED';
UPDATE security_incident SET actor2 = 'Military Forces of Israel (2022-)' WHERE actor2 = 'Military Forces of Israel' AND recorded_via = 'SEED';
UPDATE security_incident SET actor1 = 'Police Forces of Palestine (2007-) Gaza Strip' WHERE actor1 = 'Police Forces of Palestine (Gaza)' AND recorded_via = 'SEED';
UPDATE security_incident SET actor1 = 'Unidentified Armed Group (Palestine)' WHERE actor1 = 'Unidentified Clan Militia (Palestine)' AND recorded_via = 'SEED';
UPDATE security_incident SET actor2 = 'Unidentified Armed Group (Palestine)' WHERE actor2 = 'Unidentified Clan Militia (Palestine)' AND recorded_via = 'SEED';
UPDATE security_incident SET actor2 = 'Civilians (Palestine)' WHERE actor2 = 'Aid Workers' AND recorded_via = 'SEED';
UPDATE security_incident SET actor1 = 'Hamas Movement' WHERE actor1 = 'Hamas Movement (suspected operatives)' AND recorded_via = 'SEED';
UPDATE ceasefire_violation_report SET alleged_party = 'Military Forces of Israel (2022-)' WHERE alleged_party = 'Military Forces of Israel' AND recorded_via = 'SEED';

-- A verification other than UNVERIFIED says why (as the write path requires): the seeded records gain their note.
UPDATE security_incident
   SET verification_note = 'Observed by a US MQ-9 (CENTCOM, 31 Oct 2025); the attribution to suspected Hamas operatives is CENTCOM''s.'
 WHERE id = 'INC-CENTCOM-20251031' AND verification_note IS NULL;
UPDATE security_incident
   SET verification_note = CASE verification
         WHEN 'CORROBORATED' THEN 'Illustrative: supported by a second, independent synthetic report.'
         WHEN 'CONFIRMED' THEN 'Illustrative: established by a synthetic direct observation.'
         WHEN 'REFUTED' THEN 'Illustrative: a synthetic follow-up found that it did not happen as reported.'
       END
 WHERE source = 'SYNTHETIC' AND recorded_via = 'SEED' AND verification <> 'UNVERIFIED' AND verification_note IS NULL;

-- Synthetic security closures fall only while a crossing was open: Rafah stayed closed through the ceasefire's first
-- months, and "Erez West" is Zikim (one crossing, one id). Rows seeded under those before this migration go.
DELETE FROM crossing_closure WHERE crossing_id IN ('RAFAH', 'EREZ_WEST') AND source = 'SYNTHETIC';
DELETE FROM threat_assessment WHERE crossing_id = 'EREZ_WEST' AND source = 'SYNTHETIC';
