-- The originator's own national marking (e.g. "UK OFFICIAL-SENSITIVE"), kept verbatim beside the CMCC classification for
-- display; the releasability rule never reads it. Null when the originator gave none.
ALTER TABLE force_contribution ADD COLUMN national_marking text;
