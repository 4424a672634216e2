-- Intelligence reports. Area P-codes belong to civil-administration and incident ids to security, so they are plain
-- text here (no foreign keys across services). The six marking columns are spelled as in every subgraph, so the kit's
-- releasability SQL applies; reports are never less than RESTRICTED nor wider than TLP:AMBER.

CREATE TABLE intelligence_report (
  id text PRIMARY KEY,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
  reported_at timestamptz NOT NULL,
  discipline text NOT NULL CHECK (discipline IN ('HUMINT', 'SIGINT', 'IMINT', 'OSINT', 'GEOINT')),
  source_reliability text NOT NULL CHECK (source_reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
  information_credibility integer NOT NULL CHECK (information_credibility BETWEEN 1 AND 6),
  source_description text NOT NULL CHECK (length(source_description) BETWEEN 1 AND 500),
  area_pcode text NOT NULL,
  related_incident_ids text[] NOT NULL DEFAULT '{}' CHECK (cardinality(related_incident_ids) <= 50),
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  releasable_to text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('AMBER', 'AMBER_STRICT', 'RED')),
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
CREATE INDEX intelligence_report_area_idx ON intelligence_report (area_pcode text_pattern_ops);
CREATE INDEX intelligence_report_order_idx ON intelligence_report (reported_at DESC, id DESC);
CREATE INDEX intelligence_report_incident_idx ON intelligence_report USING gin (related_incident_ids);
