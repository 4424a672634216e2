import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { type MarkingRow } from '@cmcc/contracts';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { postGraphQL } from '@cmcc/test-support/subgraph';
import { FileAuditStore, loadEd25519Key } from '@cmcc/audit-trail';
import { completeBody } from '../src/cache/response-cache.ts';

/**
 * The response cache through the real gateway and four subgraphs (in-memory store): what it keys by, what it never
 * caches, how a mutation evicts, and that a hit is still authorized and audited.
 */

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };
const US_ANALYST = { sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };
const WFP = { sub: 'wfp', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', cmcc: true };
const CA_EDITOR = { sub: 'ca-editor', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scope: 'write:civil-administration read:*', cmcc: true };
const SITE = `query Site($id: ID!) { displacementSite(id: $id) { id name households provenance { version } } }`;
const UPSERT = `mutation Upsert($input: UpsertDisplacementSiteInput!) {
  upsertDisplacementSite(input: $input) { displacementSite { id name provenance { version } } userErrors { code message } }
}`;
const siteInput = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'MAKESHIFT_SITE',
  areaPcode: 'PS027004',
  households: 12,
  individuals: 60,
  source: 'PARTNER',
  asOf: '2025-11-22',
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
  ...extra,
});

let stack: TestStack;
let store: FileAuditStore;
const stats = () => stack.gateway.performance.stats();
const incidentIds = (data: any): string[] => data.areas.flatMap((area: any) => area.incidents.map((incident: any) => incident.id)).sort();

beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_RESPONSE_CACHE: 'true' } });
  store = new FileAuditStore(path.join(stack.dataDir, 'audit'), loadEd25519Key(path.join(stack.dataDir, 'auth', 'audit-signing-key.json')));
});
afterAll(() => stack?.close());

describe('response cache', () => {
  it('serves the second identical dashboard query from the cache without calling any subgraph', async () => {
    const first = await stack.query(SITUATION, SINCE, US_ANALYST);
    expect(first.errors).toBeUndefined();
    const before = stats();
    const second = await stack.query(SITUATION, SINCE, US_ANALYST);
    const after = stats();
    expect(second.data).toEqual(first.data);
    expect(after.responseCache!.hits).toBe(before.responseCache!.hits + 1);
    expect(after.transport.sent).toBe(before.transport.sent);
  });

  it('sends a hit as the very bytes of the answer it stored (not serialised again), with the same headers', async () => {
    const token = await stack.token({ ...US_ANALYST, sub: 'us-analyst-bytes' });
    const post = () =>
      fetch(`${stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SITUATION, variables: SINCE }),
      });
    const miss = await post();
    const missBody = await miss.text();
    const hitsBefore = stats().responseCache!.hits;
    const hit = await post();
    const hitBody = await hit.text();
    expect(stats().responseCache!.hits).toBe(hitsBefore + 1);
    expect(JSON.parse(missBody).data.areas.length).toBeGreaterThan(0);
    expect(hitBody).toBe(missBody);
    expect(hitBody).not.toContain('cmcc:stored-answer');
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(Number(hit.headers.get('content-length'))).toBe(Buffer.byteLength(hitBody));
    // A third hit (the parsed entry reused) is the same again.
    expect(await (await post()).text()).toBe(missBody);
  });

  it('shows its hit ratio and lookups on /metrics, as operators read them', async () => {
    await stack.query(SITUATION, SINCE, US_ANALYST);
    await stack.query(SITUATION, SINCE, US_ANALYST);
    const { responseCache } = stats();
    const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    const value = (name: string, labels: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name}{`) && labels.split(',').every((label) => line.includes(label)))
          ?.split(' ')
          .pop(),
      );
    expect(value('cmcc_cache_lookups', 'cache="response",result="hit"')).toBe(responseCache!.hits);
    expect(value('cmcc_cache_lookups', 'cache="response",result="miss"')).toBe(responseCache!.misses);
    expect(value('cmcc_cache_hit_ratio', 'cache="response"')).toBeCloseTo(responseCache!.hits / (responseCache!.hits + responseCache!.misses), 6);
    expect(value('cmcc_cache_hit_ratio', 'cache="response"')).toBeGreaterThan(0);
    const { planCache } = stats();
    expect(value('cmcc_cache_lookups', 'cache="query_plan",result="hit"')).toBe(planCache.hits);
    expect(value('cmcc_cache_lookups', 'cache="query_plan",result="miss"')).toBe(planCache.misses);
    expect(planCache.misses).toBeGreaterThan(0);
  });

  it('caches the working groups added with the scaffold too: force contributions and intelligence reports by their hints', async () => {
    const FORCES = `{ forceContributions(first: 5) { totalCount edges { node { id nation readiness area { pcode name } } } } }`;
    const REPORTS = `{ intelligenceReports(first: 5) { totalCount edges { node { id title grading } } } }`;
    for (const query of [FORCES, REPORTS]) {
      const first = await stack.query(query, undefined, US_ANALYST);
      expect(first.errors).toBeUndefined();
      const before = stats();
      const second = await stack.query(query, undefined, US_ANALYST);
      expect(second.data).toEqual(first.data);
      expect(stats().responseCache!.hits).toBe(before.responseCache!.hits + 1);
      expect(stats().transport.sent).toBe(before.transport.sent);
    }
  });

  it('tells clients a response is private to them: never `public`, so no shared HTTP cache can pass it on', async () => {
    const token = await stack.token({ ...US_ANALYST, sub: 'header-probe' });
    const send = (query: string, variables: object) =>
      fetch(`${stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
    // Security incidents declare 30 seconds: the shortest lifetime among the subgraph answers wins.
    const situation = await send(SITUATION, SINCE);
    expect(situation.headers.get('cache-control')).toBe('private, max-age=30');
    // A hit says how long it stays fresh, privately too.
    expect((await send(SITUATION, SINCE)).headers.get('cache-control')).toMatch(/^private, max-age=(30|29|28)$/);
    const areas = await send(`query AreasOnly { areas(level: GOVERNORATE) { pcode name } }`, {});
    expect(areas.headers.get('cache-control')).toBe('private, max-age=3600');
    const audit = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token({ sub: 'auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', scope: 'audit:read', cmcc: true })}`,
      },
      body: JSON.stringify({ query: '{ auditChainStatus { ok } }' }),
    });
    expect(audit.headers.get('cache-control')).toBe('no-store');
  });

  it('never gives a principal a response built for a principal with a different view', async () => {
    const us = await stack.query(SITUATION, SINCE, US_ANALYST);
    const before = stats();
    const wfp = await stack.query(SITUATION, SINCE, WFP);
    expect(wfp.errors).toBeUndefined();
    expect(stats().responseCache!.hits).toBe(before.responseCache!.hits);
    // The seed holds incidents the US analyst may read and WFP may not: WFP must get none of them.
    const rows = await stack.subgraphs.security.db.query<MarkingRow & { id: string }>(`SELECT * FROM security_incident`);
    const wfpReader = { subject: 'wfp', nation: null, organization: 'XM-DAC-41140', workingGroups: [], roles: [], scopes: [], clearance: 'UNCLASSIFIED', participant: true };
    const withheldFromWfp = new Set(rows.filter((row) => !releasedToPrincipal(wfpReader, row as unknown as MarkingRow)).map((row) => row.id));
    const usIds = incidentIds(us.data);
    const wfpIds = incidentIds(wfp.data);
    expect(usIds.filter((id) => withheldFromWfp.has(id)).length).toBeGreaterThan(0);
    expect(wfpIds.filter((id) => withheldFromWfp.has(id))).toEqual([]);
    // And WFP's own cached answer still holds only what WFP may read.
    const again = await stack.query(SITUATION, SINCE, WFP);
    expect(incidentIds(again.data)).toEqual(wfpIds);
  });

  it('keys by the subject too: a second principal with the same attributes gets its own entry', async () => {
    await stack.query(SITUATION, SINCE, US_ANALYST);
    const before = stats().responseCache!;
    await stack.query(SITUATION, SINCE, { ...US_ANALYST, sub: 'another-us-analyst' });
    expect(stats().responseCache!.hits).toBe(before.hits);
    expect(stats().responseCache!.misses).toBe(before.misses + 1);
  });

  it('keys by the variables: another `since` is another entry', async () => {
    await stack.query(SITUATION, SINCE, US_ANALYST);
    const before = stats().responseCache!;
    await stack.query(SITUATION, { since: '2025-11-01T00:00:00Z' }, US_ANALYST);
    expect(stats().responseCache!.hits).toBe(before.hits);
  });

  it('audits a cache hit like any read: principal, operation, fields, entities, marked as a hit', async () => {
    await stack.query(SITUATION, SINCE, US_ANALYST);
    const token = await stack.token(US_ANALYST);
    const requestId = `cache-hit-${process.pid}`;
    const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, SITUATION, SINCE, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
    expect(response.errors).toBeUndefined();
    expect(await stack.gateway.audit.flush()).toBe(true);
    const { events } = await store.listEvents({}, { first: 500 });
    const event = events.find((e) => e.claimedRequestId === requestId)!;
    expect(event).toMatchObject({
      cacheHit: true,
      principal: { subject: 'us-analyst', clearance: 'SECRET' },
      operation: { name: 'SituationByGovernorate', type: 'query' },
      subgraphs: [],
      outcome: { status: 'OK' },
    });
    expect(event.fields).toEqual(expect.arrayContaining(['Query.areas', 'Area.incidents', 'SecurityIncident.id']));
    expect(event.entities.map((e) => e.key)).toContain('PS0255');
    const miss = events.find((e) => e.requestId !== requestId && e.operation.name === 'SituationByGovernorate' && !e.cacheHit);
    expect(miss?.cacheHit).toBeUndefined();
  });

  it('never caches a response with errors (a record withheld by its subgraph)', async () => {
    const rows = await stack.subgraphs['civil-administration'].db.query<MarkingRow & { id: string }>(`SELECT * FROM displacement_site`);
    const reader = { subject: 'wfp', nation: null, organization: 'XM-DAC-41140', workingGroups: [], roles: [], scopes: [], clearance: 'UNCLASSIFIED', participant: true };
    const hidden = rows.find((row) => !releasedToPrincipal(reader, row as unknown as MarkingRow))!;
    const before = stats().responseCache!;
    for (let i = 0; i < 2; i++) expect((await stack.query(SITE, { id: hidden.id }, WFP)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(stats().responseCache!.hits).toBe(before.hits);
    expect(stats().responseCache!.stores).toBe(before.stores);
  });

  it('never caches a response whose fields authorization removed (the error it adds keeps it out)', async () => {
    const query = `query Sites { displacementSites(first: 2) { edges { node { id latitude } } } }`;
    const before = stats().responseCache!;
    for (let i = 0; i < 2; i++) expect((await stack.query(query, {}, WFP)).errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(stats().responseCache!.hits).toBe(before.hits);
    expect(stats().responseCache!.stores).toBe(before.stores);
  });

  it('does not cache what a subgraph gave no lifetime (the audit subgraph)', async () => {
    const query = `query { auditChainStatus { ok } }`;
    const auditor = { sub: 'auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', scope: 'audit:read', cmcc: true };
    const before = stats().responseCache!;
    expect((await stack.query(query, {}, auditor)).errors).toBeUndefined();
    await stack.query(query, {}, auditor);
    expect(stats().responseCache!.hits).toBe(before.hits);
    expect(stats().responseCache!.stores).toBe(before.stores);
  });

  it('evicts a cached response when a mutation returns a record it contains, so the next read is fresh', async () => {
    const created = await stack.query(UPSERT, { input: siteInput('Cache probe site') }, CA_EDITOR);
    expect(created.data.upsertDisplacementSite.userErrors).toEqual([]);
    const { id } = created.data.upsertDisplacementSite.displacementSite;
    const read = await stack.query(SITE, { id }, CA_EDITOR);
    expect(read.data.displacementSite.name).toBe('Cache probe site');
    const hitsBefore = stats().responseCache!.hits;
    expect((await stack.query(SITE, { id }, CA_EDITOR)).data.displacementSite.name).toBe('Cache probe site');
    expect(stats().responseCache!.hits).toBe(hitsBefore + 1);

    const evictedBefore = stats().responseCache!.invalidations;
    const updated = await stack.query(UPSERT, { input: siteInput('Cache probe site, renamed', { id, version: read.data.displacementSite.provenance.version }) }, CA_EDITOR);
    expect(updated.data.upsertDisplacementSite.userErrors).toEqual([]);
    expect(stats().responseCache!.invalidations).toBeGreaterThan(evictedBefore);
    const fresh = await stack.query(SITE, { id }, CA_EDITOR);
    expect(fresh.data.displacementSite.name).toBe('Cache probe site, renamed');
  });

  it('evicts cached lists of a type when a mutation creates a record of it, so the new record shows at once', async () => {
    const list = `query Sites { displacementSites(areaPcode: "PS027004", first: 500) { edges { node { id name } } } }`;
    const names = (data: any): string[] => data.displacementSites.edges.map((edge: any) => edge.node.name);
    await stack.query(list, {}, CA_EDITOR);
    const hitsBefore = stats().responseCache!.hits;
    await stack.query(list, {}, CA_EDITOR);
    expect(stats().responseCache!.hits).toBe(hitsBefore + 1);
    expect((await stack.query(UPSERT, { input: siteInput('Newly opened site') }, CA_EDITOR)).data.upsertDisplacementSite.userErrors).toEqual([]);
    expect(names((await stack.query(list, {}, CA_EDITOR)).data)).toContain('Newly opened site');
  });

  it('never caches a mutation: the same mutation twice reaches the subgraph twice', async () => {
    const before = stats();
    for (const name of ['Mutation probe A', 'Mutation probe B']) {
      expect((await stack.query(UPSERT, { input: siteInput(name) }, CA_EDITOR)).data.upsertDisplacementSite.userErrors).toEqual([]);
    }
    expect(stats().responseCache!.hits).toBe(before.responseCache!.hits);
    expect(stats().transport.sent).toBe(before.transport.sent + 2);
  });
});

describe("a hit's body", () => {
  const marked = JSON.stringify({ errors: [{ message: 'kept' }], data: '\u0000cmcc:stored-answer\u0000' }) + '\n';
  it('puts the stored bytes where Apollo Server serialised the marker, keeping the rest of its body', () => {
    const box = { bytes: Buffer.from('{"areas":[]}') };
    expect(String(completeBody(box, marked))).toBe('{"errors":[{"message":"kept"}],"data":{"areas":[]}}\n');
    // The bytes are used once: a second body of the same request is left as it is.
    expect(box.bytes).toBeUndefined();
    expect(completeBody(box, marked)).toBe(marked);
  });

  it('leaves every other body alone: no hit, or a body without the marker', () => {
    expect(completeBody(undefined, '{"data":{"a":1}}\n')).toBe('{"data":{"a":1}}\n');
    expect(completeBody({}, '{"data":{"a":1}}\n')).toBe('{"data":{"a":1}}\n');
    expect(completeBody({ bytes: Buffer.from('{}') }, '{"errors":[{"message":"refused"}]}\n')).toBe('{"errors":[{"message":"refused"}]}\n');
  });
});

describe('query plan cache', () => {
  it('plans an operation once and counts hits, misses and planning time', async () => {
    const query = `query PlanProbe { areas(level: GOVERNORATE) { pcode facilities { id } } }`;
    const before = stack.gateway.performance.planCache.stats();
    await stack.query(query, {}, { ...US_ANALYST, sub: 'plan-probe-1' });
    await stack.query(query, {}, { ...US_ANALYST, sub: 'plan-probe-2' });
    const after = stack.gateway.performance.planCache.stats();
    expect(after.misses).toBe(before.misses + 1);
    expect(after.plans).toBe(before.plans + 1);
    expect(after.hits).toBe(before.hits + 1);
    expect(after.planningMs).toBeGreaterThan(before.planningMs);
    expect(after.entries).toBeGreaterThan(0);
  });
});
