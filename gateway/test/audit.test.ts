import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MarkingRow } from '@cmcc/contracts';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { postGraphQL } from '@cmcc/test-support/subgraph';
import { FileAuditStore, loadEd25519Key } from '@cmcc/audit-trail';
import type { AuditEventRecord } from '@cmcc/audit-trail';

/**
 * One audit event per operation through the real gateway (four subgraphs, file sink): what it records for a query, a
 * mutation, a field authorization removed, a record a subgraph withheld, and operations that fail; redaction; and the
 * read API the audit subgraph will use.
 */

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SITES = `query Sites { displacementSites(first: 3) { edges { node { id name latitude longitude } } } }`;
const WFP = { sub: 'wfp', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', cmcc: true };
const CA_EDITOR = { sub: 'ca-editor', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scope: 'write:civil-administration', cmcc: true };
const UPSERT = `mutation Upsert($input: UpsertDisplacementSiteInput!, $idempotencyKey: String) {
  upsertDisplacementSite(input: $input, idempotencyKey: $idempotencyKey) { displacementSite { id name provenance { version } } userErrors { code } }
}`;
const SITE_INPUT = {
  name: 'Audit probe site',
  type: 'MAKESHIFT_SITE',
  areaPcode: 'PS027004',
  households: 12,
  individuals: 60,
  latitude: 31.3456,
  longitude: 34.3012,
  source: 'PARTNER',
  asOf: '2025-11-22',
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
};

let stack: TestStack;
let store: FileAuditStore;

beforeAll(async () => {
  stack = await startStack();
  store = new FileAuditStore(path.join(stack.dataDir, 'audit'), loadEd25519Key(path.join(stack.dataDir, 'auth', 'audit-signing-key.json')));
});
afterAll(() => stack?.close());

/** The event of the request whose client sent this x-request-id, once written. */
async function eventOf(requestId: string): Promise<AuditEventRecord> {
  expect(await stack.gateway.audit.flush()).toBe(true);
  const { events } = await store.listEvents({}, { first: 500 });
  const event = events.find((e) => e.claimedRequestId === requestId);
  if (!event) throw new Error(`no audit event for request ${requestId}`);
  return event;
}

let counter = 0;
async function send(query: string, variables?: Record<string, unknown>, claims: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const requestId = `audit-test-${process.pid}-${++counter}`;
  const token = await stack.token({ sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true, ...claims });
  const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, query, variables, { authorization: `Bearer ${token}`, 'x-request-id': requestId, ...headers });
  return { response, event: () => eventOf(requestId) };
}

describe('audit events', () => {
  it('records a query: who, which client, what document, which fields, which entities, which subgraphs, outcome and time', async () => {
    const { response, event } = await send(
      SITUATION,
      { since: '2025-10-10T00:00:00Z' },
      {},
      {
        'apollographql-client-name': 'ops-dashboard',
        'apollographql-client-version': '2.3.1',
      },
    );
    expect(response.errors).toBeUndefined();
    const e = await event();
    expect(e).toMatchObject({
      kind: 'event',
      v: 1,
      principal: { subject: 'us-analyst', nation: 'USA', organization: 'CMCC', roles: ['analyst'], clearance: 'SECRET' },
      client: { name: 'ops-dashboard', version: '2.3.1' },
      operation: { name: 'SituationByGovernorate', type: 'query' },
      variables: { since: '2025-10-10T00:00:00Z' },
      subgraphs: ['civil-administration', 'engineering', 'humanitarian', 'security'],
      authorization: { removed: [], withheld: [] },
      outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    });
    expect(e.operation.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.operation.document).toContain('query SituationByGovernorate');
    expect(e.fields).toEqual(expect.arrayContaining(['Query.areas', 'Area.pcode', 'Area.populationEstimates', 'Area.aidDeliveries', 'Area.incidents', 'Area.facilities']));
    expect(e.entities.filter((entity) => entity.field === 'areas' && entity.via === undefined).map((entity) => entity.key)).toEqual([
      'PS0255',
      'PS0260',
      'PS0265',
      'PS0270',
      'PS0275',
    ]);
    expect(e.entities[0].type).toBe('Area');
    expect(e.durationMs).toBeGreaterThan(0);
    expect(Date.parse(e.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(e.seq).toBeGreaterThan(0);
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.prevHash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.changes).toBeUndefined();
  });

  it('finds entity keys inside connections (edges.node)', async () => {
    const { event } = await send(`{ displacementSites(first: 2) { edges { node { id } } } }`);
    const e = await event();
    expect(e.entities).toHaveLength(2);
    expect(e.entities[0]).toMatchObject({ field: 'displacementSites', type: 'DisplacementSite', key: expect.any(String) });
  });

  it('records a field refused by authorization (DisplacementSite.latitude for a partner organisation)', async () => {
    const { response, event } = await send(SITES, undefined, { ...WFP, nation: undefined, roles: undefined, scope: undefined });
    expect(response.data.displacementSites.edges[0].node.latitude).toBeNull();
    const e = await event();
    expect(e.principal).toMatchObject({ subject: 'wfp', organization: 'XM-DAC-41140', nation: null, clearance: 'UNCLASSIFIED' });
    expect(e.authorization.removed).toEqual([
      { path: 'displacementSites.edges.node.latitude', coordinate: 'DisplacementSite.latitude' },
      { path: 'displacementSites.edges.node.longitude', coordinate: 'DisplacementSite.longitude' },
    ]);
    expect(e.outcome).toMatchObject({ status: 'PARTIAL', errorCodes: ['UNAUTHORIZED_FIELD_OR_TYPE'], errorCount: 2 });
    // The fields read are those executed; the document is the one the client sent.
    expect(e.fields).toContain('DisplacementSite.name');
    expect(e.fields).not.toContain('DisplacementSite.latitude');
    expect(e.operation.document).toContain('latitude');
  });

  it('records a record withheld by a subgraph (FORBIDDEN) with its path', async () => {
    const rows = await stack.subgraphs['civil-administration'].db.query<MarkingRow & { id: string }>(`SELECT * FROM displacement_site`);
    const reader = { subject: 'wfp', nation: null, organization: 'XM-DAC-41140', workingGroups: [], roles: [], scopes: [], clearance: 'UNCLASSIFIED', participant: true };
    const hidden = rows.find((row) => !releasedToPrincipal(reader, row as unknown as MarkingRow));
    expect(hidden).toBeDefined();
    const { response, event } = await send(
      `query One($id: ID!) { displacementSite(id: $id) { id name } }`,
      { id: hidden!.id },
      { ...WFP, nation: undefined, roles: undefined, scope: undefined },
    );
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const e = await event();
    expect(e.authorization.withheld).toEqual([expect.objectContaining({ path: 'displacementSite' })]);
    expect(e.outcome).toMatchObject({ status: 'PARTIAL', errorCodes: ['FORBIDDEN'] });
    expect(e.entities).toEqual([]);
    expect(e.subgraphs).toEqual(['civil-administration']);
  });

  it('records what a mutation changed: the field, its (redacted) input and the record with its version', async () => {
    const { response, event } = await send(UPSERT, { input: SITE_INPUT, idempotencyKey: 'audit-probe-1' }, CA_EDITOR);
    expect(response.errors).toBeUndefined();
    const site = response.data.upsertDisplacementSite.displacementSite;
    const e = await event();
    expect(e.operation).toMatchObject({ type: 'mutation', name: 'Upsert' });
    expect(e.changes).toEqual([
      {
        field: 'upsertDisplacementSite',
        arguments: { input: { ...SITE_INPUT, latitude: '[REDACTED]', longitude: '[REDACTED]' }, idempotencyKey: '[REDACTED]' },
        records: [{ type: 'DisplacementSite', key: site.id, version: site.provenance.version }],
        userErrors: [],
      },
    ]);
    expect(e.variables).toEqual({ input: { ...SITE_INPUT, latitude: '[REDACTED]', longitude: '[REDACTED]' }, idempotencyKey: '[REDACTED]' });
    expect(JSON.stringify(e)).not.toContain('31.3456');
    expect(e.entities).toEqual([{ field: 'upsertDisplacementSite', type: 'DisplacementSite', key: site.id, version: site.provenance.version }]);
  });

  it('records a mutation refused by authorization: attempted, nothing returned', async () => {
    const { event } = await send(UPSERT, { input: SITE_INPUT }, { sub: 'gbr-member', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', cmcc: true });
    const e = await event();
    expect(e.outcome).toMatchObject({ status: 'FAILED', errorCodes: ['UNAUTHORIZED_FIELD_OR_TYPE'] });
    expect(e.authorization.removed).toEqual([{ path: 'upsertDisplacementSite', coordinate: 'Mutation.upsertDisplacementSite' }]);
    expect(e.changes).toEqual([expect.objectContaining({ field: 'upsertDisplacementSite', records: [] })]);
    expect(e.subgraphs).toEqual([]);
  });

  it('records operations that fail validation or parsing, and errors', async () => {
    const invalid = await send(`query Bad { areas { noSuchField } }`);
    expect(invalid.response.status).toBe(400);
    expect(await invalid.event()).toMatchObject({
      operation: { name: 'Bad', type: 'query', document: expect.stringContaining('noSuchField') },
      outcome: { status: 'FAILED', httpStatus: 400, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] },
      subgraphs: [],
      fields: [], // nothing was read
    });
    const broken = await send(`query { areas { pcode `);
    const e = await broken.event();
    expect(e.operation).toMatchObject({ document: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(e.outcome.errorCodes).toEqual(['GRAPHQL_PARSE_FAILED']);
    const badInput = await send(`query($since: DateTime!) { areas(level: GOVERNORATE) { incidents(since: $since) { id } } }`, { since: 'yesterday' });
    expect((await badInput.event()).outcome.errorCodes).toEqual(['BAD_USER_INPUT']);
  });

  it('redacts sensitive variables, nested values, inline literals and variables used in sensitive positions', async () => {
    const query = `query Probe($where: String, $n: String) { areas(level: GOVERNORATE) { pcode } probe: area(pcode: "PS0255") { pcode } }
      fragment F on DisplacementSite { id }`;
    const { event } = await send(query, { token: 'tok-123', where: 'x', nested: { password: 'pw', ok: 1, deeper: [{ apiKey: 'k', keep: true }] }, n: 'plain' });
    const e = await event();
    expect(e.variables).toEqual({ token: '[REDACTED]', where: 'x', nested: { password: '[REDACTED]', ok: 1, deeper: [{ apiKey: '[REDACTED]', keep: true }] }, n: 'plain' });
    expect(JSON.stringify(e)).not.toMatch(/tok-123|"pw"/);

    // Inline literal in a sensitive input field, and a variable placed in one: both hidden (validation fails, still audited).
    const inline = await send(
      `mutation($n: String) { upsertDisplacementSite(input: { name: "x", notes: "the driver is Ahmed", latitude: 31.5, risks: [$n] }) { userErrors { code } } }`,
      { n: 'harmless' },
    );
    const i = await inline.event();
    expect(i.operation.document).toContain('notes: "[REDACTED]"');
    expect(i.operation.document).toContain('latitude: "[REDACTED]"');
    expect(i.operation.document).not.toContain('Ahmed');
    const sensitiveVar = await send(`query($d: String) { areas(level: GOVERNORATE) { pcode } } query Other { x(driver: $d) }`, { d: 'Ahmed' });
    expect(JSON.stringify(await sensitiveVar.event())).not.toContain('Ahmed');
  });
});

describe('the read API (for the audit subgraph)', () => {
  it('filters by principal, organization, nation, operation, field, entity key and time, with cursor pagination', async () => {
    const since = new Date().toISOString();
    for (let i = 0; i < 3; i++) await send(`query Page { area(pcode: "PS0260") { pcode name } }`, undefined, { sub: 'pager', nation: 'DEU', cmcc: true });
    await send(`query Page { area(pcode: "PS0260") { pcode } }`, undefined, WFP);
    expect(await stack.gateway.audit.flush()).toBe(true);

    const first = await store.listEvents({ principal: 'pager', operationName: 'Page' }, { first: 2 });
    expect(first.events.map((e) => e.principal?.subject)).toEqual(['pager', 'pager']);
    expect(first.events[0].seq).toBeGreaterThan(first.events[1].seq); // newest first
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await store.listEvents({ principal: 'pager', operationName: 'Page' }, { first: 2, after: first.pageInfo.endCursor });
    expect(second.events).toHaveLength(1);
    expect(second.pageInfo.hasNextPage).toBe(false);

    expect((await store.listEvents({ nation: 'DEU', from: since })).events).toHaveLength(3);
    expect((await store.listEvents({ organization: 'XM-DAC-41140', operationName: 'Page' })).events).toHaveLength(1);
    expect((await store.listEvents({ field: 'Area.name', from: since })).events).toHaveLength(3);
    expect((await store.listEvents({ entityKey: 'PS0260', from: since })).events).toHaveLength(4);
    expect((await store.listEvents({ principal: 'pager', to: since })).events).toHaveLength(0);

    const one = first.events[0];
    expect(await store.getEvent(one.id)).toEqual(one);
    expect(await store.getEvent('no-such-event')).toBeNull();
  });

  it('reports the chain status of the live trail', async () => {
    await send(`{ areas(level: GOVERNORATE) { pcode } }`);
    expect(await stack.gateway.audit.flush()).toBe(true);
    stack.gateway.audit.requestCheckpoint();
    expect(await stack.gateway.audit.flush()).toBe(true);
    const status = await store.chainStatus();
    expect(status).toMatchObject({ ok: true, brokenAtSeq: null, problem: null });
    expect(status.verifiedUpToSeq).toBe(status.lastSeq);
    expect(status.events).toBeGreaterThan(10);
    expect(status.lastCheckpoint?.seq).toBe(status.lastSeq);
    expect(stack.gateway.audit.stats).toMatchObject({ depth: 0, refused: 0, dropped: 0, sinkHealthy: true });
  });
});
