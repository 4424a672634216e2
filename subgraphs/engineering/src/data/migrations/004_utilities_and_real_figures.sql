-- Utilities and fuel per governorate (SYNTHETIC until a source is recorded), a facility status for a plant that is shut
-- down without being recorded as damaged, when a published count was published, and the real figures as DOMAIN gives
-- them (databases seeded before this migration are corrected here; a new database is seeded with them).

-- SHUT_DOWN: not running, with no damage recorded (Gaza's only power plant has been shut since 11 Oct 2023).
ALTER TABLE facility DROP CONSTRAINT facility_status_check;
ALTER TABLE facility ADD CONSTRAINT facility_status_check
  CHECK (status IN ('OPERATIONAL', 'PARTIAL', 'SHUT_DOWN', 'DAMAGED', 'DESTROYED', 'UNKNOWN'));

ALTER TABLE structure_damage_summary ADD COLUMN published_on date;

-- One row per governorate and date: its electricity feeder lines (name, origin, status) and the water it was supplied.
CREATE TABLE utility_service (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  as_of date NOT NULL,
  -- [{ "name": ..., "origin": ..., "status": "ENERGISED" | "DE_ENERGISED" | "DAMAGED" | "UNKNOWN" }]
  feeder_lines jsonb NOT NULL DEFAULT '[]',
  water_litres_per_person_per_day double precision CHECK (water_litres_per_person_per_day >= 0),
  source text NOT NULL,
  description text,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX utility_service_area_idx ON utility_service (area_pcode text_pattern_ops);
CREATE INDEX utility_service_order_idx ON utility_service (as_of DESC, id DESC);

-- Fuel allocated to one kind of consumer in one area on one day, in litres.
CREATE TABLE fuel_allocation (
  id text PRIMARY KEY,
  area_pcode text NOT NULL,
  allocated_on date NOT NULL,
  consumer text NOT NULL CHECK (consumer IN ('HOSPITALS', 'WATER_SANITATION', 'BAKERIES', 'TELECOMS')),
  litres double precision NOT NULL CHECK (litres >= 0),
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')),
  originator text NOT NULL,
  recipients text[] NOT NULL DEFAULT '{}',
  caveats text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX fuel_allocation_area_idx ON fuel_allocation (area_pcode text_pattern_ops);
CREATE INDEX fuel_allocation_order_idx ON fuel_allocation (allocated_on DESC, id DESC);

-- [R] UNOSAT: imagery of 8 Jul 2025, published 8 Aug 2025; asOf is the imagery date.
UPDATE structure_damage_summary
   SET as_of = '2025-07-08', published_on = '2025-08-08',
       description = 'UNOSAT count of structures in the Gaza Strip by damage class, from imagery of 8 July 2025 (published 8 August 2025).'
 WHERE area_pcode = 'PS02' AND source = 'UNOSAT' AND as_of = '2025-08-01';

-- [R] Debris: about 61.5 million tonnes (UNOSAT/UNEP estimate of damage to July 2025; cited by UNRWA on 23 Oct 2025).
UPDATE debris_estimate
   SET id = 'DEBRIS-PS02-UNEP-2025-07-08', tonnes = 61500000, as_of = '2025-07-08',
       description = 'About 61.5 million tonnes of debris across the Gaza Strip: the UNOSAT/UNEP estimate of damage up to July 2025 '
         || '(UNOSAT imagery of 8 July 2025), as cited by UNRWA on 23 October 2025. No asbestos figure is recorded here.'
 WHERE id = 'DEBRIS-PS02-UNEP-2025-11-01';

-- [R] Gaza's only power plant: the Gaza Power Plant in the middle governorate (Deir Al-Balah, PS0265), shut since
-- 11 Oct 2023. There is no other plant: an illustrative second one seeded before is removed with what hung on it.
UPDATE explosive_hazard_task SET facility_id = NULL WHERE facility_id IN (SELECT id FROM facility WHERE type = 'POWER_PLANT');
DELETE FROM damage_assessment WHERE facility_id IN (SELECT id FROM facility WHERE type = 'POWER_PLANT');
UPDATE crossing_access_road SET road_segment_facility_id = NULL WHERE road_segment_facility_id IN (SELECT id FROM facility WHERE type = 'POWER_PLANT');
DELETE FROM facility WHERE type = 'POWER_PLANT' AND id <> 'FAC-POWER-PLANT-001';
UPDATE facility
   SET name = 'Gaza Power Plant', operator_org_id = NULL, capacity_value = NULL, capacity_max_value = NULL, capacity_unit = NULL,
       status = 'SHUT_DOWN', status_as_of = '2023-10-11', status_source = NULL, area_pcode = 'PS0265', latitude = NULL, longitude = NULL,
       source = 'PARTNER',
       description = 'Real: Gaza''s only power plant, in the middle governorate (Deir Al-Balah), shut since 11 October 2023; there is '
         || 'no other plant, and grid power came over Israeli feeder lines. No single publisher is recorded, hence source PARTNER. '
         || 'No capacity, operator or damage assessment is recorded.',
       classification = 'UNCLASSIFIED', releasable_to = '{CMCC}', tlp = 'CLEAR', originator = 'CMCC', recipients = '{}', caveats = '{}',
       national_marking = NULL
 WHERE id = 'FAC-POWER-PLANT-001';
