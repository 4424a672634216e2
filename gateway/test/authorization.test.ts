import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { extractRequirements } from '@cmcc/contracts';
import { gatewayCompatibleSdl } from '../src/authorization/sdl-compatibility.ts';
import { satisfies } from '../src/authorization/requirements.ts';
import { DEFAULT_POLICIES } from '../src/config.ts';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { TEST_PRINCIPAL } from '@cmcc/test-support/subgraph';
import fs from 'node:fs';
import { SUPERGRAPH_PATH } from '@cmcc/governance/composition';

const SITES = `{ displacementSites(first: 3) { edges { node { id name latitude longitude } } } }`;
const UPSERT = `mutation($input: UpsertDisplacementSiteInput!) { upsertDisplacementSite(input: $input) { displacementSite { id } userErrors { code } } }`;
const SITE_INPUT = {
  name: 'Authorization probe site',
  type: 'MAKESHIFT_SITE',
  areaPcode: 'PS027004',
  households: 10,
  individuals: 50,
  source: 'PARTNER',
  asOf: '2025-11-22',
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
};
const PARTNER_NGO = { sub: 'wfp-logistics-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', roles: ['member'], cmcc: true };
const GBR_MEMBER = { sub: 'gbr-liaison', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['member'], cmcc: true };
const CA_EDITOR = { ...GBR_MEMBER, sub: 'ca-editor', scope: 'write:civil-administration' };

describe('schema-level authorization (filter mode)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('gives a partner organisation the sites but not their coordinates: null with one error per path', async () => {
    const { status, data, errors } = await stack.query(SITES, undefined, PARTNER_NGO);
    expect(status).toBe(200);
    const nodes = data.displacementSites.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node).toMatchObject({ latitude: null, longitude: null, id: expect.any(String), name: expect.any(String) });
    expect(errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['displacementSites.edges.node.latitude', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['displacementSites.edges.node.longitude', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('gives a nation-cleared member the coordinates', async () => {
    const { data, errors } = await stack.query(SITES, undefined, GBR_MEMBER);
    expect(errors).toBeUndefined();
    expect(data.displacementSites.edges.some((e: { node: { latitude: number | null } }) => typeof e.node.latitude === 'number')).toBe(true);
  });

  it('does not share a query plan between principals with different rights', async () => {
    await stack.query(SITES, undefined, PARTNER_NGO);
    const member = await stack.query(SITES, undefined, GBR_MEMBER);
    expect(member.errors).toBeUndefined();
    const partner = await stack.query(SITES, undefined, PARTNER_NGO);
    expect(partner.data.displacementSites.edges[0].node.latitude).toBeNull();
  });

  it('keeps each principal to its own view when one operation is filtered once per view and reused', async () => {
    // The filtered operation is remembered per operation and principal view: alternate the same text between a partner
    // organisation, a member whose nation grants the coordinates, and the same partner organisation under another subject.
    const OTHER_PARTNER = { ...PARTNER_NGO, sub: 'wfp-second-officer' };
    for (let round = 0; round < 3; round++) {
      for (const [claims, seesCoordinates] of [
        [PARTNER_NGO, false],
        [GBR_MEMBER, true],
        [OTHER_PARTNER, false],
      ] as const) {
        const { data, errors } = await stack.query(SITES, undefined, claims);
        const latitudes = data.displacementSites.edges.map((e: { node: { latitude: number | null } }) => e.node.latitude);
        if (seesCoordinates) {
          expect(errors, claims.sub).toBeUndefined();
          expect(
            latitudes.some((value: number | null) => typeof value === 'number'),
            claims.sub,
          ).toBe(true);
        } else {
          expect(
            latitudes.every((value: number | null) => value === null),
            claims.sub,
          ).toBe(true);
          expect(
            errors?.map((e) => e.extensions?.code),
            claims.sub,
          ).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
        }
      }
    }
  });

  it('removes a field reached through a named fragment and aliases', async () => {
    const { data, errors } = await stack.query(
      `{ a: displacementSites(first: 1) { edges { node { ...Where } } } } fragment Where on DisplacementSite { id lat: latitude }`,
      undefined,
      PARTNER_NGO,
    );
    expect(data.a.edges[0].node).toEqual({ id: expect.any(String), lat: null });
    expect(errors?.map((e) => e.path?.join('.'))).toEqual(['a.edges.node.lat']);
  });

  it('refuses a mutation to a principal without write:civil-administration, and writes nothing', async () => {
    const before = await stack.subgraphs['civil-administration'].db.query<{ n: number }>(`SELECT count(*)::int AS n FROM displacement_site`);
    const refused = await stack.query(UPSERT, { input: SITE_INPUT }, GBR_MEMBER);
    expect(refused.data).toBeNull(); // the payload is non-null, so the null reaches the root
    expect(refused.errors?.[0]).toMatchObject({ path: ['upsertDisplacementSite'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    const after = await stack.subgraphs['civil-administration'].db.query<{ n: number }>(`SELECT count(*)::int AS n FROM displacement_site`);
    expect(after).toEqual(before);
    const allowed = await stack.query(UPSERT, { input: SITE_INPUT }, CA_EDITOR);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.upsertDisplacementSite.userErrors).toEqual([]);
  });
});

describe('schema-level authorization (reject mode)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_AUTHORIZATION_MODE: 'reject' } });
  });
  afterAll(() => stack?.close());

  it('refuses the whole operation when any field is unauthorized', async () => {
    const { status, data, errors } = await stack.query(SITES, undefined, PARTNER_NGO);
    expect(status).toBe(403);
    expect(data).toBeUndefined();
    expect(errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    // "Not allowed", without naming the fields or the requirement they failed.
    expect(errors?.[0].message).toMatch(/^Not allowed\b/);
    expect(errors?.[0].message).not.toMatch(/latitude|DisplacementSite|sensitive-location|clearance/i);
    expect((await stack.query(SITES, undefined, GBR_MEMBER)).errors).toBeUndefined();
  });
});

describe('requirements', () => {
  it('reads the directives of the committed supergraph and loads it without SECURITY features @apollo/gateway cannot enforce', () => {
    const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
    const requirements = extractRequirements(sdl);
    expect(requirements.get('Mutation.upsertDisplacementSite')).toEqual({ authenticated: false, scopes: [['write:civil-administration']], policies: null });
    expect(requirements.get('DisplacementSite.latitude')?.policies).toEqual([['sensitive-location']]);
    // The three Router-only features lose their SECURITY purpose; @inaccessible, which @apollo/gateway enforces itself, keeps it.
    expect(gatewayCompatibleSdl(sdl)).not.toMatch(/(authenticated|requiresScopes|policy)\/v[\d.]+", for: SECURITY/);
    expect(gatewayCompatibleSdl(sdl)).toMatch(/inaccessible\/v[\d.]+", for: SECURITY/);
    expect(() => parse(gatewayCompatibleSdl(sdl))).not.toThrow();
  });

  it('needs every scope of one group, and unknown policies grant nothing', () => {
    const requirement = { authenticated: true, scopes: [['isr:read', 'write:security'], ['audit:read']], policies: null };
    expect(satisfies({ ...TEST_PRINCIPAL, scopes: ['isr:read'] }, requirement, DEFAULT_POLICIES)).toBe(false);
    expect(satisfies({ ...TEST_PRINCIPAL, scopes: ['isr:read', 'write:security'] }, requirement, DEFAULT_POLICIES)).toBe(true);
    expect(satisfies({ ...TEST_PRINCIPAL, scopes: ['audit:read'] }, requirement, DEFAULT_POLICIES)).toBe(true);
    expect(satisfies(null, requirement, DEFAULT_POLICIES)).toBe(false);
    expect(satisfies(TEST_PRINCIPAL, { authenticated: false, scopes: null, policies: [['no-such-policy']] }, DEFAULT_POLICIES)).toBe(false);
  });
});
