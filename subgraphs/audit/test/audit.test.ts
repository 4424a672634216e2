import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventContent } from '@cmcc/audit-trail';
import type { Principal } from '@cmcc/subgraph-kit';
import { TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { startAuditSubgraphOver } from './trail.ts';

const AUDITOR: Principal = Object.freeze({ ...TEST_PRINCIPAL, subject: 'auditor', roles: ['auditor'], scopes: ['audit:read'] });

function event(overrides: Partial<AuditEventContent> & { id: string; time: string }): AuditEventContent {
  return {
    requestId: `req-${overrides.id}`,
    principal: { subject: 'us-analyst', nation: 'USA', organization: 'CMCC', roles: ['analyst'], clearance: 'SECRET' },
    client: { name: 'dashboard', version: '1.0' },
    operation: { name: 'SituationByGovernorate', type: 'query', hash: 'a'.repeat(64), document: 'query SituationByGovernorate { areas { pcode } }' },
    variables: { since: '2025-10-01T00:00:00Z', token: '[REDACTED]' },
    fields: ['Area.pcode', 'Query.areas'],
    entities: [{ field: 'areas', type: 'Area', key: 'PS0255' }],
    subgraphs: ['civil-administration'],
    authorization: { removed: [{ path: 'areas.0.incidents', coordinate: 'Area.incidents' }], withheld: [{ path: 'areas.0.facilities.1', service: 'engineering' }] },
    outcome: { status: 'PARTIAL', httpStatus: 200, errorCodes: ['UNAUTHORIZED_FIELD_OR_TYPE'], errorCount: 1 },
    durationMs: 12.5,
    // About unmarked records only (none reported, all known): every auditor sees the payload.
    markings: { complete: true, records: [] },
    ...overrides,
  };
}

let dir: string;
let subgraph: TestSubgraph;
const EVENTS: AuditEventContent[] = [
  event({ id: 'ev-1', time: '2025-10-10T08:00:00.000Z' }),
  event({
    id: 'ev-2',
    time: '2025-10-10T09:00:00.000Z',
    principal: { subject: 'gbr-editor', nation: 'GBR', organization: 'XI-CMCC-GBR', roles: ['editor'], clearance: 'SECRET' },
    operation: { name: 'UpsertSite', type: 'mutation', hash: 'b'.repeat(64), document: 'mutation UpsertSite { upsertDisplacementSite { site { id version } } }' },
    variables: null,
    fields: ['Mutation.upsertDisplacementSite'],
    entities: [{ field: 'upsertDisplacementSite', type: 'DisplacementSite', key: 'SITE-0001', version: 2 }],
    changes: [{ field: 'upsertDisplacementSite', arguments: { input: { name: 'Site A' } }, records: [{ type: 'DisplacementSite', key: 'SITE-0001', version: 2 }] }],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
  }),
  event({ id: 'ev-3', time: '2025-10-10T10:00:00.000Z', entities: [{ field: 'areas', type: 'Area', key: 'PS0270' }] }),
];

let audit: Awaited<ReturnType<typeof startAuditSubgraphOver>>;
beforeAll(async () => {
  audit = await startAuditSubgraphOver(EVENTS);
  ({ subgraph, dir } = audit);
});
afterAll(() => audit?.close());

const LIST = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id time principal { subject nation organization } operation { name type } fields entities { key } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit:read', () => {
  it('refuses every field (FORBIDDEN) to a principal without the scope audit:read, even if the gateway let it through', async () => {
    for (const query of [`{ auditEvents { edges { cursor } } }`, `{ auditEvent(id: "ev-1") { id } }`, `{ auditChainStatus { ok } }`]) {
      const { data, errors } = await subgraph.execute(query, undefined, TEST_PRINCIPAL);
      // Non-null fields null the whole response, auditEvent (nullable) is null itself: nothing of the trail either way.
      expect(Object.values(data ?? {}).every((value) => value === null)).toBe(true);
      expect(errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('serves a principal with audit:read', async () => {
    const { data, errors } = await subgraph.execute(`{ auditChainStatus { ok } }`, undefined, AUDITOR);
    expect(errors).toBeUndefined();
    expect(data.auditChainStatus.ok).toBe(true);
  });
});

describe('auditEvents', () => {
  it('lists events newest first with cursor pagination', async () => {
    const first = await subgraph.execute(LIST, { first: 2 }, AUDITOR);
    expect(first.errors).toBeUndefined();
    expect(first.data.auditEvents.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['ev-3', 'ev-2']);
    expect(first.data.auditEvents.pageInfo.hasNextPage).toBe(true);
    const second = await subgraph.execute(LIST, { first: 2, after: first.data.auditEvents.pageInfo.endCursor }, AUDITOR);
    expect(second.data.auditEvents.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['ev-1']);
    expect(second.data.auditEvents.pageInfo).toEqual({ hasNextPage: false, endCursor: second.data.auditEvents.edges[0].cursor });
  });

  it.each([
    [{ principal: 'gbr-editor' }, ['ev-2']],
    [{ organization: 'CMCC' }, ['ev-3', 'ev-1']],
    [{ nation: 'GBR' }, ['ev-2']],
    [{ operationName: 'SituationByGovernorate' }, ['ev-3', 'ev-1']],
    [{ field: 'Mutation.upsertDisplacementSite' }, ['ev-2']],
    [{ entityKey: 'PS0270' }, ['ev-3']],
    [{ from: '2025-10-10T09:00:00Z' }, ['ev-3', 'ev-2']],
    [{ to: '2025-10-10T09:00:00Z' }, ['ev-2', 'ev-1']],
    [{ from: '2025-10-10T08:30:00Z', to: '2025-10-10T09:30:00Z', nation: 'GBR' }, ['ev-2']],
    [{ principal: 'nobody' }, []],
  ])('filters by %j', async (filter, ids) => {
    const { data, errors } = await subgraph.execute(LIST, { filter }, AUDITOR);
    expect(errors).toBeUndefined();
    expect(data.auditEvents.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids);
  });

  it.each([
    [{ filter: { principal: '' } }],
    [{ filter: { nation: 'usa' } }],
    [{ filter: { field: 'areas' } }],
    [{ filter: { from: 'yesterday' } }],
    [{ filter: { from: '2025-10-11T00:00:00Z', to: '2025-10-10T00:00:00Z' } }],
    [{ first: 0 }],
    [{ first: 501 }],
    [{ after: 'not-a-cursor' }],
  ])('refuses %j with BAD_USER_INPUT', async (variables) => {
    const { errors } = await subgraph.execute(LIST, variables, AUDITOR);
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('auditEvent', () => {
  it('exposes every part of an event as typed fields', async () => {
    const { data, errors } = await subgraph.execute(
      `{ auditEvent(id: "ev-2") { id time requestId principal { subject nation organization roles clearance } client { name version }
         operation { name type hash document } variables fields entities { type key field version } entitiesTruncated subgraphs
         authorization { removed { path coordinate } withheld { path service } } outcome { status httpStatus errorCodes errorCount }
         durationMs changes { field arguments records { type key version } userErrors } seq hash prevHash } }`,
      undefined,
      AUDITOR,
    );
    expect(errors).toBeUndefined();
    const e = data.auditEvent;
    expect(e).toMatchObject({
      id: 'ev-2',
      time: '2025-10-10T09:00:00.000Z',
      principal: { subject: 'gbr-editor', nation: 'GBR', organization: 'XI-CMCC-GBR', roles: ['editor'], clearance: 'SECRET' },
      client: { name: 'dashboard', version: '1.0' },
      operation: { name: 'UpsertSite', type: 'mutation' },
      variables: null,
      entities: [{ type: 'DisplacementSite', key: 'SITE-0001', field: 'upsertDisplacementSite', version: 2 }],
      entitiesTruncated: false,
      changes: [
        { field: 'upsertDisplacementSite', arguments: '{"input":{"name":"Site A"}}', records: [{ type: 'DisplacementSite', key: 'SITE-0001', version: 2 }], userErrors: [] },
      ],
      outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
      seq: 2,
    });
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.prevHash).toMatch(/^[0-9a-f]{64}$/);

    const first = await subgraph.execute(
      `{ auditEvent(id: "ev-1") { variables authorization { removed { path coordinate } withheld { path service } } changes { field } } }`,
      undefined,
      AUDITOR,
    );
    expect(JSON.parse(first.data.auditEvent.variables)).toEqual({ since: '2025-10-01T00:00:00Z', token: '[REDACTED]' });
    expect(first.data.auditEvent.authorization).toEqual({
      removed: [{ path: 'areas.0.incidents', coordinate: 'Area.incidents' }],
      withheld: [{ path: 'areas.0.facilities.1', service: 'engineering' }],
    });
    expect(first.data.auditEvent.changes).toEqual([]);
  });

  it('answers null with NOT_FOUND for an unknown id', async () => {
    const { data, errors } = await subgraph.execute(`{ auditEvent(id: "no-such-event") { id } }`, undefined, AUDITOR);
    expect(data.auditEvent).toBeNull();
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe('auditChainStatus', () => {
  it('verifies the chain and reports where it is stored', async () => {
    const { data, errors } = await subgraph.execute(
      `{ auditChainStatus { ok verifiedUpToSeq lastSeq events lastCheckpoint { seq time } brokenAtSeq problem warnings checkedAt storage } }`,
      undefined,
      AUDITOR,
    );
    expect(errors).toBeUndefined();
    expect(data.auditChainStatus).toMatchObject({ ok: true, events: 3, brokenAtSeq: null, problem: null, storage: 'file audit.jsonl' });
    expect(data.auditChainStatus.lastCheckpoint).not.toBeNull();
    expect(data.auditChainStatus.verifiedUpToSeq).toBe(data.auditChainStatus.lastSeq);
  });

  it('names the first broken record when the trail was edited', async () => {
    const file = path.join(dir, 'audit', 'audit.jsonl');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original.replace('"gbr-editor"', '"someone-else"'));
      const { data } = await subgraph.execute(`{ auditChainStatus { ok brokenAtSeq problem } }`, undefined, AUDITOR);
      expect(data.auditChainStatus.ok).toBe(false);
      expect(data.auditChainStatus.brokenAtSeq).toBe(2);
      expect(data.auditChainStatus.problem).toBeTruthy();
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
