-- Force contributions to the stabilization force in preparation. Area P-codes belong to civil-administration, so they
-- are plain text here (no foreign keys across services). The six marking columns are spelled as in every subgraph, so
-- the kit's releasability SQL applies: each nation's contribution carries the marking the nation gave it.

CREATE TABLE force_contribution (
  id text PRIMARY KEY,
  nation text NOT NULL CHECK (nation ~ '^[A-Z]{3}$'),
  unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('ENGINEERING', 'MEDICAL', 'SECURITY', 'LOGISTICS', 'EOD')),
  personnel integer NOT NULL CHECK (personnel BETWEEN 1 AND 20000),
  readiness text NOT NULL CHECK (readiness IN ('NOT_READY', 'PREPARING', 'READY', 'DEPLOYED')),
  readiness_as_of timestamptz NOT NULL,
  area_pcode text NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
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
  updated_at timestamptz
);
CREATE INDEX force_contribution_area_idx ON force_contribution (area_pcode text_pattern_ops);
CREATE INDEX force_contribution_order_idx ON force_contribution (readiness_as_of DESC, id DESC);
CREATE INDEX force_contribution_nation_idx ON force_contribution (nation);
