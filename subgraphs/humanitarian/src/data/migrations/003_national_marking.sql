-- The originator's own national marking (e.g. "UK OFFICIAL-SENSITIVE"), kept verbatim beside the CMCC classification for
-- display; the releasability rule never reads it. Null when the originator gave none.
ALTER TABLE crossing_daily_report ADD COLUMN national_marking text;
ALTER TABLE convoy ADD COLUMN national_marking text;
ALTER TABLE activity ADD COLUMN national_marking text;
ALTER TABLE reported_aid_figure ADD COLUMN national_marking text;
