import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * The humanitarian subgraph behind the gateway: convoy route, timings and driver names (and the history, which holds
 * them) need the policy sensitive-location; a convoy withheld from a principal is null with FORBIDDEN where another subgraph refers to it
 * (security's SecurityIncident.convoy); and Area.aidDeliveries, reached through civil-administration's Area, sums
 * only the loads of released convoys.
 */

const PARTNER_NGO = { sub: 'prcs-officer', org: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', roles: ['member'], cmcc: true };
const EGY_UNCLASSIFIED = { sub: 'egy-liaison', nation: 'EGY', org: 'CMCC', clearance: 'UNCLASSIFIED', roles: ['member'], cmcc: true };
const GBR_MEMBER = { sub: 'gbr-liaison', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', roles: ['member'], cmcc: true };

const RED_FOR_USA = ['UNCLASSIFIED', ['USA', 'GBR'], 'RED', 'USA', ['USA'], []];

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const humanitarianDb = () => stack.subgraphs.humanitarian.db;

describe('sensitive convoy fields (policy sensitive-location)', () => {
  const CONVOYS = `query($id: ID!) { convoy(id: $id) { id status route departedAt arrivedAt driverNames history { version } } }`;
  let convoyId: string;

  beforeAll(async () => {
    // A convoy open to every CMCC participant, with a route, a departure, an arrival and drivers.
    const [row] = await humanitarianDb().query<{ id: string }>(
      `SELECT id FROM convoy WHERE tlp IN ('CLEAR', 'GREEN') AND classification = 'UNCLASSIFIED' AND 'CMCC' = ANY(releasable_to)
         AND route IS NOT NULL AND departed_at IS NOT NULL AND arrived_at IS NOT NULL AND driver_names IS NOT NULL ORDER BY id LIMIT 1`,
    );
    convoyId = row.id;
  });

  it.each([
    ['a partner NGO (no nation)', PARTNER_NGO],
    ['a nation member cleared only UNCLASSIFIED', EGY_UNCLASSIFIED],
  ])('gives %s the convoy but not its route, timings or drivers: null with one error per field', async (_who, claims) => {
    const { data, errors } = await stack.query(CONVOYS, { id: convoyId }, claims);
    expect(data.convoy).toEqual({ id: convoyId, status: expect.any(String), route: null, departedAt: null, arrivedAt: null, driverNames: null, history: null });
    expect(errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['convoy.route', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['convoy.departedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['convoy.arrivedAt', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['convoy.driverNames', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['convoy.history', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('gives a nation member cleared RESTRICTED the route, timings and drivers', async () => {
    const { data, errors } = await stack.query(CONVOYS, { id: convoyId }, GBR_MEMBER);
    expect(errors).toBeUndefined();
    expect(data.convoy.route).toEqual(expect.any(String));
    expect(data.convoy.departedAt).toEqual(expect.any(String));
    expect(data.convoy.driverNames.length).toBeGreaterThan(0);
    expect(data.convoy.history).toEqual([]);
  });
});

describe('a withheld convoy reached from another subgraph', () => {
  it('SecurityIncident.convoy is null with FORBIDDEN for a GBR member when the convoy is TLP:RED for the USA, and there for the US analyst', async () => {
    const INCIDENTS = `{ incidents(first: 500) { edges { node { id convoy { id type } } } } }`;
    const before = await stack.query(INCIDENTS, undefined, GBR_MEMBER);
    const edges: { node: { id: string; convoy: { id: string } | null } }[] = before.data.incidents.edges;
    // Seeded incidents already refer to convoys not released to a GBR member: each is null with FORBIDDEN at its path.
    for (const error of before.errors ?? []) {
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(error.path?.slice(0, 2)).toEqual(['incidents', 'edges']);
      expect(error.path?.[4]).toBe('convoy');
      expect(edges[error.path![2] as number].node.convoy).toBeNull();
    }
    const index = edges.findIndex((edge) => edge.node.convoy !== null);
    expect(index).toBeGreaterThanOrEqual(0);
    const { id: incidentId, convoy } = edges[index].node;

    const saved = await humanitarianDb().query(`SELECT classification, releasable_to, tlp, originator, recipients, caveats FROM convoy WHERE id = $1`, [convoy!.id]);
    await humanitarianDb().query(`UPDATE convoy SET classification = $2, releasable_to = $3, tlp = $4, originator = $5, recipients = $6, caveats = $7 WHERE id = $1`, [
      convoy!.id,
      ...RED_FOR_USA,
    ]);
    try {
      const after = await stack.query(INCIDENTS, undefined, GBR_MEMBER);
      expect(after.data.incidents.edges[index].node).toEqual({ id: incidentId, convoy: null });
      expect(after.errors).toContainEqual(
        expect.objectContaining({ path: ['incidents', 'edges', index, 'node', 'convoy'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      );
      expect(after.errors).toHaveLength((before.errors?.length ?? 0) + edges.filter((edge) => edge.node.convoy?.id === convoy!.id).length);

      const asUs = await stack.query(`query($id: ID!) { incident(id: $id) { id convoy { id } } }`, { id: incidentId }, ANALYST_CLAIMS);
      if (asUs.data.incident) expect(asUs.data.incident.convoy).toEqual({ id: convoy!.id });
    } finally {
      const [m] = saved as Record<string, unknown>[];
      await humanitarianDb().query(`UPDATE convoy SET classification = $2, releasable_to = $3, tlp = $4, originator = $5, recipients = $6, caveats = $7 WHERE id = $1`, [
        convoy!.id,
        m.classification,
        m.releasable_to,
        m.tlp,
        m.originator,
        m.recipients,
        m.caveats,
      ]);
    }
  });
});

describe('aid deliveries through the gateway', () => {
  it('aidDeliveries sums only released convoys: a GBR member gets the sums without a TLP:RED convoy for the USA', async () => {
    const db = humanitarianDb();
    for (const [id, marking, tonnes] of [
      ['CONVOY-GW-RED', RED_FOR_USA, 30],
      ['CONVOY-GW-OPEN', ['UNCLASSIFIED', ['CMCC'], 'GREEN', 'CMCC', [], []], 5],
    ] as const) {
      await db.query(
        `INSERT INTO convoy (id, type, crossing_id, destination_pcode, planned_start, status, un2720_monitored, source,
                             classification, releasable_to, tlp, originator, recipients, caveats)
         VALUES ($1, 'DELIVERY', 'KEREM_SHALOM', 'PS0265', '2024-07-01T06:00:00Z', 'FACILITATED', false, 'SYNTHETIC', $2, $3, $4, $5, $6, $7)`,
        [id, ...marking],
      );
      await db.query(
        `INSERT INTO truck_consignment (id, convoy_id, cargo_category, pallets, tonnes, stage, stage_at, source)
         VALUES ($1, $2, 'FOOD', 1, $3, 'DELIVERED', '2024-07-01T12:00:00Z', 'CMCC')`,
        [`${id}-T01`, id, tonnes],
      );
    }
    const query = `{ area(pcode: "PS0265") { pcode aidDeliveries(since: "2024-07-01T00:00:00Z", until: "2024-07-02T00:00:00Z") { bySource { source trucks tonnes } } } }`;
    const us = await stack.query(query, undefined, ANALYST_CLAIMS);
    expect(us.errors).toBeUndefined();
    expect(us.data.area.aidDeliveries.bySource).toEqual([{ source: 'CMCC', trucks: 2, tonnes: 35 }]);
    const gbr = await stack.query(query, undefined, GBR_MEMBER);
    expect(gbr.errors).toBeUndefined();
    expect(gbr.data.area.aidDeliveries.bySource).toEqual([{ source: 'CMCC', trucks: 1, tonnes: 5 }]);
  });
});
