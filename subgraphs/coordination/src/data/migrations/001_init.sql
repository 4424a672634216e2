-- Coordination requests. Area P-codes belong to civil-administration, so they are plain text here (no foreign keys
-- across services). The seven marking columns are spelled as in every subgraph, so the kit's releasability SQL applies.

CREATE TABLE coordination_request (
  id text PRIMARY KEY,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  area_pcode text NOT NULL,
  reported_at timestamptz NOT NULL,
  source text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')),
  national_marking text,
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
CREATE INDEX coordination_request_area_idx ON coordination_request (area_pcode text_pattern_ops);
CREATE INDEX coordination_request_order_idx ON coordination_request (reported_at DESC, id DESC);
