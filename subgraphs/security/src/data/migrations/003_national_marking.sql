-- The originator's own national marking (e.g. "UK OFFICIAL-SENSITIVE"), kept verbatim beside the CMCC classification for
-- display; the releasability rule never reads it. Null when the originator gave none.
ALTER TABLE security_incident ADD COLUMN national_marking text;
ALTER TABLE ceasefire_violation_report ADD COLUMN national_marking text;
ALTER TABLE isr_observation ADD COLUMN national_marking text;
ALTER TABLE threat_assessment ADD COLUMN national_marking text;
ALTER TABLE crossing_closure ADD COLUMN national_marking text;
