-- The originator's own national marking (e.g. "UK OFFICIAL-SENSITIVE"), kept verbatim beside the CMCC classification for
-- display; the releasability rule never reads it. Null when the originator gave none.
ALTER TABLE facility ADD COLUMN national_marking text;
ALTER TABLE damage_assessment ADD COLUMN national_marking text;
ALTER TABLE explosive_hazard_task ADD COLUMN national_marking text;
ALTER TABLE debris_estimate ADD COLUMN national_marking text;
ALTER TABLE crossing_access_road ADD COLUMN national_marking text;
ALTER TABLE convoy_route_hazard ADD COLUMN national_marking text;
