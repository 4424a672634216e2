import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { REAL_ISR_OBSERVATION_ID } from '../src/data/seed.ts';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * The security subgraph's schema-level rights, enforced by the gateway: ISR observations need `isr:read` (and then
 * still only the SECRET records released to the caller), exact incident coordinates need the `sensitive-location`
 * policy (a nation-cleared principal), and every mutation needs `write:security`.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** A humanitarian-only principal: a WFP logistics officer, no nation, no clearance, no ISR access. */
const WFP_OFFICER = { sub: 'wfp-logistics-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', roles: ['member'], wg: ['humanitarian'] };
const US_ISR_ANALYST = { sub: 'us-isr-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'isr:read' };
const US_ANALYST_WITHOUT_ISR = { ...US_ISR_ANALYST, sub: 'us-analyst', scope: 'read:*' };
const EGY_WITH_ISR = { sub: 'egy-liaison', nation: 'EGY', org: 'CMCC', clearance: 'UNCLASSIFIED', roles: ['member'], scope: 'isr:read' };
const GBR_MEMBER = { sub: 'gbr-liaison', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['member'] };

const ISR = `{ isrObservations(first: 100) { totalCount edges { node { id platform } } } incidents(first: 1) { totalCount } }`;

function principalOf(claims: Record<string, any>): Principal {
  return {
    subject: claims.sub,
    nation: claims.nation ?? null,
    organization: claims.org ?? null,
    workingGroups: [],
    roles: [],
    scopes: [],
    clearance: claims.clearance,
    participant: true,
  };
}

async function releasedObservations(claims: Record<string, unknown>): Promise<string[]> {
  const rows = await stack.subgraphs.security.db.query<MarkingRow & { id: string }>('SELECT * FROM isr_observation');
  const reader = principalOf(claims);
  return rows
    .filter((row) => releasedToPrincipal(reader, row as unknown as MarkingRow))
    .map((row) => row.id)
    .sort();
}

describe('security through the gateway: ISR observations need isr:read', () => {
  it('a humanitarian-only principal gets no ISR observation: the field is removed, the rest of the query runs', async () => {
    const { status, data, errors } = await stack.query(ISR, undefined, WFP_OFFICER);
    expect(status).toBe(200);
    expect(data.isrObservations).toBeNull();
    expect(typeof data.incidents.totalCount).toBe('number');
    expect(errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['isrObservations', 'UNAUTHORIZED_FIELD_OR_TYPE']]);
  });

  it('a SECRET analyst without isr:read does not get ISR observations either, by list or by id', async () => {
    const { data, errors } = await stack.query(
      `{ isrObservation(id: "${REAL_ISR_OBSERVATION_ID}") { id summary } isrObservations { totalCount } }`,
      undefined,
      US_ANALYST_WITHOUT_ISR,
    );
    expect(data).toMatchObject({ isrObservation: null, isrObservations: null });
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHORIZED_FIELD_OR_TYPE']);
    expect(JSON.stringify(errors)).not.toContain('looted');
  });

  it('an isr:read holder cleared SECRET reads exactly the observations released to them', async () => {
    const { data, errors } = await stack.query(ISR, undefined, US_ISR_ANALYST);
    expect(errors).toBeUndefined();
    const released = await releasedObservations(US_ISR_ANALYST);
    expect(released).toContain(REAL_ISR_OBSERVATION_ID);
    expect(data.isrObservations.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(released);
    expect(data.isrObservations.totalCount).toBe(released.length);
  });

  it('isr:read is not enough without a SECRET clearance: the list is empty and the total 0', async () => {
    const { data, errors } = await stack.query(ISR, undefined, EGY_WITH_ISR);
    expect(errors).toBeUndefined();
    expect(data.isrObservations).toEqual({ totalCount: 0, edges: [] });
  });
});

describe('security through the gateway: exact coordinates and writes', () => {
  const COORDINATES = `{ incidents(filter: { areaPcode: "PS0270" }, first: 50) { edges { node { id latitude longitude } } } }`;

  it('a principal without a nation gets incidents but not their coordinates (policy sensitive-location)', async () => {
    const { data, errors } = await stack.query(COORDINATES, undefined, WFP_OFFICER);
    const nodes = data.incidents.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node).toMatchObject({ id: expect.any(String), latitude: null, longitude: null });
    expect(errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['incidents.edges.node.latitude', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['incidents.edges.node.longitude', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('a nation-cleared member gets the coordinates of the incidents released to them', async () => {
    const { data, errors } = await stack.query(COORDINATES, undefined, GBR_MEMBER);
    expect(errors).toBeUndefined();
    expect(data.incidents.edges.some((e: { node: { latitude: number | null } }) => typeof e.node.latitude === 'number')).toBe(true);
  });

  it('a member without write:security cannot change an incident: the mutation is removed and nothing is written', async () => {
    const { data, errors } = await stack.query(
      `mutation { updateIncidentVerification(input: { id: "INC-0001", version: 1, verification: REFUTED, note: "x" }) { userErrors { code } } }`,
      undefined,
      GBR_MEMBER,
    );
    expect(data).toBeNull();
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const [row] = await stack.subgraphs.security.db.query<{ verification: string; version: number }>("SELECT verification, version FROM security_incident WHERE id = 'INC-0001'");
    expect(row.version).toBe(1);
  });
});
