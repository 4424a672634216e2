-- The originator's own national marking (e.g. "UK OFFICIAL-SENSITIVE"), kept verbatim beside the CMCC classification for
-- display; the releasability rule never reads it. Null when the originator gave none.
ALTER TABLE displacement_site ADD COLUMN national_marking text;
ALTER TABLE population_movement ADD COLUMN national_marking text;
ALTER TABLE facility_service_status ADD COLUMN national_marking text;
