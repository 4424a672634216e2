import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, HttpError } from '@cmcc/platform';
import { type AccessMarking, type MarkingRow, type Principal } from '@cmcc/contracts';
import { FileAuditStore, loadEd25519Key, type AuditEventContent, type AuditEventRecord, type AuditTrail } from '@cmcc/audit-trail';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { postGraphQL } from '@cmcc/test-support/subgraph';
import { RefusalAuditor } from '../src/audit/refusals.ts';

/**
 * Issue 20, point 2, at the gateway: what an audit event records so that an auditor can investigate a record or a
 * principal. Entities at any depth (through another subgraph's entity reference too), each with how it was reached; a
 * response-cache hit's entities and markings (those of the answer it served); the record a refused request named; and
 * requests refused over the rate limit (the first of each principal's window), never those refused unauthenticated.
 */

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };
const ANALYST = { sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };
const AUDITOR = { sub: 'us-auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read', cmcc: true };
const WFP = { sub: 'wfp', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', cmcc: true };
const CA_EDITOR = { sub: 'ca-editor', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scope: 'write:civil-administration read:*', cmcc: true };
const RATE_LIMIT = 5;

let stack: TestStack;
let store: FileAuditStore;

beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_RESPONSE_CACHE: 'true', GATEWAY_RATE_LIMIT: String(RATE_LIMIT), GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '3600' } });
  store = new FileAuditStore(path.join(stack.dataDir, 'audit'), loadEd25519Key(path.join(stack.dataDir, 'auth', 'audit-signing-key.json')));
}, 240_000);
afterAll(() => stack?.close());

let counter = 0;
async function send(query: string, variables: Record<string, unknown> | undefined, claims: Record<string, unknown>) {
  const requestId = `investigation-${process.pid}-${++counter}`;
  const token = await stack.token(claims);
  const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, query, variables, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
  return { response, requestId };
}

/** The events written so far whose client sent these request ids, by id. */
async function eventsOf(...requestIds: string[]): Promise<Map<string, AuditEventRecord>> {
  expect(await stack.gateway.audit.flush()).toBe(true);
  const found = new Map<string, AuditEventRecord>();
  for await (const record of store.scan()) if (record.kind === 'event' && requestIds.includes(record.claimedRequestId ?? '')) found.set(record.claimedRequestId!, record);
  return found;
}

const oracleReleases = (claims: typeof AUDITOR, marking: AccessMarking) =>
  releasedToPrincipal(
    { subject: claims.sub, nation: claims.nation, organization: claims.org, clearance: claims.clearance, participant: claims.cmcc, caveats: [] },
    {
      classification: marking.classification,
      releasable_to: marking.releasableTo,
      tlp: marking.tlp,
      originator: marking.originator,
      recipients: marking.recipients,
      caveats: marking.caveats,
    },
  );

describe('entities at any depth, and the cache', () => {
  let miss: AuditEventRecord;
  let hit: AuditEventRecord;
  let data: { areas: { pcode: string; incidents: { id: string }[]; facilities: { id: string }[] }[] };

  beforeAll(async () => {
    const first = await send(SITUATION, SINCE, ANALYST);
    expect(first.response.errors).toBeUndefined();
    data = first.response.data;
    const second = await send(SITUATION, SINCE, ANALYST);
    expect(second.response.data).toEqual(data);
    const events = await eventsOf(first.requestId, second.requestId);
    miss = events.get(first.requestId)!;
    hit = events.get(second.requestId)!;
  });

  it('records the records below the top (incidents and facilities of each area, resolved by other subgraphs), each once, with path and fields walked', () => {
    expect(miss.entities.filter((entity) => entity.via === undefined).map((entity) => entity.key)).toEqual(data.areas.map((area) => area.pcode));
    const incidents = [...new Set(data.areas.flatMap((area) => area.incidents.map((incident) => incident.id)))].sort();
    const facilities = [...new Set(data.areas.flatMap((area) => area.facilities.map((facility) => facility.id)))].sort();
    expect(incidents.length).toBeGreaterThan(0);
    const nested = (type: string) => miss.entities.filter((entity) => entity.type === type);
    expect(
      nested('SecurityIncident')
        .map((entity) => entity.key)
        .sort(),
    ).toEqual(incidents);
    expect(
      nested('Facility')
        .map((entity) => entity.key)
        .sort(),
    ).toEqual(facilities);
    for (const entity of nested('SecurityIncident')) {
      expect(entity).toMatchObject({ field: 'areas', via: 'Query.areas > Area.incidents', path: expect.stringMatching(/^areas\.\d+\.incidents\.\d+$/) });
      const [, area, , index] = entity.path!.split('.');
      expect(data.areas[Number(area)].incidents[Number(index)].id).toBe(entity.key);
    }
    expect(nested('Facility').every((entity) => entity.via === 'Query.areas > Area.facilities')).toBe(true);
    expect(miss.entitiesTruncated).toBeUndefined();
  });

  it('records on a response-cache hit the entities of the answer it served and the markings it was built with', () => {
    expect(miss.cacheHit).toBeUndefined();
    expect(hit).toMatchObject({ cacheHit: true, subgraphs: [], outcome: { status: 'OK' } });
    expect(hit.entities).toEqual(miss.entities);
    expect(miss.markings!.complete).toBe(true);
    expect(hit.markings!.complete).toBe(true);
    expect(new Set(hit.markings!.records.map((marking) => JSON.stringify(marking)))).toEqual(new Set(miss.markings!.records.map((marking) => JSON.stringify(marking))));
  });

  it('lets an auditor released those markings find both the read and the cached read of one incident', async () => {
    // Premise, from the independent oracle: every marking the two events carry is released to this auditor.
    expect(miss.markings!.records.every((marking) => oracleReleases(AUDITOR, marking))).toBe(true);
    const incident = miss.entities.find((entity) => entity.type === 'SecurityIncident')!;
    const { response } = await send(
      `query($key: String!) { auditRecordAccess(type: "SecurityIncident", key: $key, first: 500) { totalCount verified edges { node { claimedRequestId redacted cacheHit entities { key via } } } } }`,
      { key: incident.key },
      AUDITOR,
    );
    expect(response.errors).toBeUndefined();
    const nodes = response.data.auditRecordAccess.edges.map((edge: { node: unknown }) => edge.node);
    const ours = nodes.filter((node: { claimedRequestId: string }) => node.claimedRequestId === miss.claimedRequestId || node.claimedRequestId === hit.claimedRequestId);
    expect(ours.map((node: { cacheHit: boolean; redacted: boolean }) => [node.cacheHit, node.redacted])).toEqual([
      [true, false],
      [false, false],
    ]);
    expect(ours[0].entities).toContainEqual({ key: incident.key, via: 'Query.areas > Area.incidents' });
    expect(response.data.auditRecordAccess.verified).toBe(true);
  });
});

describe('records named by a request', () => {
  it('records the key and type of a record withheld from the request that named it', async () => {
    const rows = await stack.subgraphs['civil-administration'].db.query<MarkingRow & { id: string }>(`SELECT * FROM displacement_site`);
    const reader = { subject: 'wfp', nation: null, organization: 'XM-DAC-41140', workingGroups: [], roles: [], scopes: [], clearance: 'UNCLASSIFIED', participant: true };
    const hidden = rows.find((row) => !releasedToPrincipal(reader, row as unknown as MarkingRow))!;
    const { response, requestId } = await send(`query One($id: ID!) { displacementSite(id: $id) { id name } }`, { id: hidden.id }, WFP);
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const event = (await eventsOf(requestId)).get(requestId)!;
    expect(event.authorization.withheld).toEqual([{ path: 'displacementSite', service: 'civil-administration', key: hidden.id, type: 'DisplacementSite' }]);
  });

  it('counts as changed only the records at the top of a mutation payload; what is nested in them was read', async () => {
    const { response, requestId } = await send(
      `mutation Upsert($input: UpsertDisplacementSiteInput!) { upsertDisplacementSite(input: $input) { displacementSite { id area { pcode } } userErrors { code } } }`,
      {
        input: {
          name: 'Investigation probe site',
          type: 'MAKESHIFT_SITE',
          areaPcode: 'PS027004',
          households: 3,
          individuals: 15,
          source: 'PARTNER',
          asOf: '2025-11-22',
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
        },
      },
      CA_EDITOR,
    );
    expect(response.errors).toBeUndefined();
    const site = response.data.upsertDisplacementSite.displacementSite;
    const event = (await eventsOf(requestId)).get(requestId)!;
    expect(event.changes!.map((change) => change.records)).toEqual([[{ type: 'DisplacementSite', key: site.id }]]);
    expect(event.entities).toEqual([
      { field: 'upsertDisplacementSite', type: 'DisplacementSite', key: site.id },
      {
        field: 'upsertDisplacementSite',
        type: 'Area',
        key: site.area.pcode,
        path: 'upsertDisplacementSite.displacementSite.area',
        via: expect.stringMatching(/^Mutation\.upsertDisplacementSite > \w+\.displacementSite > DisplacementSite\.area$/),
      },
    ]);
  });
});

describe('refused before GraphQL', () => {
  it('audits the first request of a principal over its rate in the window, and only that one', async () => {
    const hammer = { ...ANALYST, sub: `hammer-${process.pid}` };
    const sent = [];
    for (let n = 0; n < RATE_LIMIT + 3; n++) sent.push(await send(`{ areas(level: GOVERNORATE) { pcode } }`, undefined, hammer));
    expect(sent.map(({ response }) => response.status)).toEqual([...Array(RATE_LIMIT).fill(200), 429, 429, 429]);
    const events = await eventsOf(...sent.map(({ requestId }) => requestId));
    expect([...events.keys()].sort()).toEqual(
      sent
        .slice(0, RATE_LIMIT + 1)
        .map(({ requestId }) => requestId)
        .sort(),
    );
    expect(events.get(sent[RATE_LIMIT].requestId)).toMatchObject({
      principal: { subject: hammer.sub, nation: 'USA', organization: 'CMCC' },
      operation: { name: null, type: null, hash: null, document: null },
      outcome: { status: 'FAILED', httpStatus: 429, errorCodes: ['RATE_LIMITED'], errorCount: 1 },
      requestId: expect.any(String),
    });

    // An auditor finds it among the principal's failures (redacted: an error's markings are unknown).
    const { response } = await send(
      `query($principal: String) { auditFailures(principal: $principal, kinds: [RATE_LIMITED]) { totalCount redactedCount edges { node { claimedRequestId outcome { httpStatus } } } } }`,
      { principal: hammer.sub },
      AUDITOR,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.auditFailures).toEqual({
      totalCount: 1,
      redactedCount: 1,
      edges: [{ node: { claimedRequestId: sent[RATE_LIMIT].requestId, outcome: { httpStatus: 429 } } }],
    });
  });

  it('never audits a request refused unauthenticated (401)', async () => {
    const requestId = `unauthenticated-${process.pid}`;
    const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, `{ areas { pcode } }`, undefined, { authorization: 'Bearer not-a-token', 'x-request-id': requestId });
    expect(response.status).toBe(401);
    expect((await eventsOf(requestId)).size).toBe(0);
  });

  it('remembers each principal for one window, and records nothing when the audit buffer has no room', () => {
    const appended: AuditEventContent[] = [];
    let room = true;
    const trail = { admit: () => (room ? { reserved: true, used: false } : null), append: (event: AuditEventContent) => void appended.push(event) } as unknown as AuditTrail;
    const auditor = new RefusalAuditor(trail, 60_000, createLogger('test', 'silent'));
    const request = { headers: { 'x-request-id': 'claimed-1' } } as unknown as http.IncomingMessage;
    const principal = (subject: string) => ({ subject, nation: 'USA', organization: 'CMCC', roles: [], clearance: 'SECRET' }) as unknown as Principal;
    const refusal = new HttpError(429, 'RATE_LIMITED', 'Too many requests');
    const t0 = Date.UTC(2025, 10, 1);
    expect(auditor.refused(request, principal('a'), refusal, t0)).toBe(true);
    expect(auditor.refused(request, principal('a'), refusal, t0 + 59_999)).toBe(false);
    expect(auditor.refused(request, principal('b'), refusal, t0 + 1)).toBe(true);
    expect(auditor.refused(request, principal('a'), refusal, t0 + 60_000)).toBe(true);
    room = false;
    expect(auditor.refused(request, principal('c'), refusal, t0)).toBe(false);
    expect(appended.map((event) => [event.principal?.subject, event.time, event.claimedRequestId])).toEqual([
      ['a', new Date(t0).toISOString(), 'claimed-1'],
      ['b', new Date(t0 + 1).toISOString(), 'claimed-1'],
      ['a', new Date(t0 + 60_000).toISOString(), 'claimed-1'],
    ]);
  });
});
