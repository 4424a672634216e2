-- Tables every subgraph gets from the kit, before its own migrations: the change history of records and the
-- idempotency keys of mutations.

CREATE TABLE record_change (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  version integer NOT NULL,
  operation text NOT NULL CHECK (operation IN ('CREATE', 'UPDATE')),
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  request_id text,
  via text NOT NULL,
  previous jsonb,
  changes jsonb NOT NULL
);
CREATE INDEX record_change_entity_idx ON record_change (entity_type, entity_id, version);

CREATE TABLE idempotency_key (
  principal text NOT NULL,
  key text NOT NULL,
  mutation text NOT NULL,
  request_hash text NOT NULL,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
