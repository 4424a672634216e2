import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, type Principal } from '@cmcc/subgraph-kit';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { multinationalForce } from '../src/server.ts';

/**
 * ISF contributions as DOMAIN.md states them: as of Dec 2025 no ISF troops had deployed (no contribution is DEPLOYED,
 * troops deployed are 0), Israel objected to Turkish participation (a TUR record OBJECTED_TO), a pledge is never
 * shown as a deployment, and the aggregates keep pledged and deployed troops apart while counting only what the
 * caller may see.
 */

let subgraph: TestSubgraph;

const principal = (over: Partial<Principal> & { subject: string }): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  ...over,
});
const EGY_OFFICER = principal({ subject: 'egy-officer', nation: 'EGY', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const TUR_OFFICER = principal({ subject: 'tur-officer', nation: 'TUR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const EGY_EDITOR = { ...EGY_OFFICER, subject: 'egy-editor', roles: ['editor'], scopes: ['write:multinational-force'] };

// A governorate P-code the seed does not use: what each principal sees there is known exactly.
const AREA = 'PS0298';

beforeAll(async () => {
  subgraph = await startTestSubgraph(multinationalForce);
  const marking = Object.values(markingToRow({ classification: 'CONFIDENTIAL', tlp: 'AMBER', releasableTo: ['EGY', 'USA'], originator: 'EGY', recipients: [], caveats: [] }));
  await insertRows(
    subgraph.db,
    'force_contribution',
    ['id', 'nation', 'unit', 'role', 'personnel', 'readiness', 'readiness_as_of', 'area_pcode', 'source', 'status', 'troops_pledged', ...MARKING_COLUMNS],
    [['FC-T-EGY-PLEDGE', 'EGY', 'Test company', 'ENGINEERING', 250, 'READY', '2025-11-01T00:00:00Z', `${AREA}01`, 'SYNTHETIC', 'PLEDGED', 250, ...marking]],
  );
});
afterAll(() => subgraph?.close());

describe('ISF deployment as of Dec 2025', () => {
  it('has no contribution DEPLOYED, no readiness DEPLOYED and no troops deployed in the seeded data', async () => {
    const [row] = await subgraph.db.query<{ deployed: number; readiness: number; troops: number }>(
      `SELECT count(*) FILTER (WHERE status = 'DEPLOYED')::int AS deployed, count(*) FILTER (WHERE readiness = 'DEPLOYED')::int AS readiness,
              coalesce(sum(troops_deployed), 0)::int AS troops FROM force_contribution`,
    );
    expect(row).toEqual({ deployed: 0, readiness: 0, troops: 0 });
  });

  it("records Israel's objection to Turkish participation as a real TUR record OBJECTED_TO, with no troops pledged or deployed", async () => {
    const { data, errors } = await subgraph.execute(
      `{ forceContributions(filter: { nation: "TUR", status: OBJECTED_TO }) {
          totalCount edges { node { nation status troopsPledged troopsDeployed source unit area { pcode } description } } } }`,
      undefined,
      PARTNER_NGO,
    );
    expect(errors).toBeUndefined();
    expect(data.forceContributions.totalCount).toBe(1);
    const [turkey] = data.forceContributions.edges.map((e: { node: unknown }) => e.node);
    expect(turkey).toMatchObject({ nation: 'TUR', status: 'OBJECTED_TO', troopsPledged: null, troopsDeployed: 0, unit: 'No unit named', area: { pcode: 'PS02' } });
    expect(turkey.source).not.toBe('SYNTHETIC');
    expect(turkey.description).toMatch(/Israel objected to Turkish participation/);
  });
});

describe('ISF aggregates keep pledged and deployed apart', () => {
  const commitments = async (who: Principal) => {
    const { data, errors } = await subgraph.execute(
      `{ _entities(representations: [{ __typename: "Area", pcode: "${AREA}" }]) {
          ... on Area { forceCommitments { status source contributions troopsPledged troopsDeployed }
                        forceStrength { readiness source contributions troopsPledged troopsDeployed } } } }`,
      undefined,
      who,
    );
    expect(errors).toBeUndefined();
    return data._entities[0];
  };

  it('counts a pledge as pledged troops and never as deployed troops', async () => {
    expect(await commitments(EGY_OFFICER)).toEqual({
      forceCommitments: [{ status: 'PLEDGED', source: 'SYNTHETIC', contributions: 1, troopsPledged: 250, troopsDeployed: 0 }],
      forceStrength: [{ readiness: 'READY', source: 'SYNTHETIC', contributions: 1, troopsPledged: 250, troopsDeployed: 0 }],
    });
  });

  it('leaves a contribution not released to the caller out of every figure (a TUR officer and a partner NGO see nothing of the EGY pledge)', async () => {
    for (const who of [TUR_OFFICER, PARTNER_NGO]) expect(await commitments(who)).toEqual({ forceCommitments: [], forceStrength: [] });
  });

  it('reports no troops deployed across the Strip to anyone, and the whole-Strip figures hold only released contributions', async () => {
    const totals = async (who: Principal) => {
      const { data, errors } = await subgraph.execute('{ forceCommitments { status source contributions troopsPledged troopsDeployed } }', undefined, who);
      expect(errors).toBeUndefined();
      return data.forceCommitments as { status: string; troopsPledged: number; troopsDeployed: number }[];
    };
    const egy = await totals(EGY_OFFICER);
    const ngo = await totals(PARTNER_NGO);
    for (const list of [egy, ngo]) {
      expect(list.every((c) => c.troopsDeployed === 0 && c.status !== 'DEPLOYED')).toBe(true);
      expect(list).toContainEqual({ status: 'OBJECTED_TO', source: 'CMCC', contributions: 1, troopsPledged: 0, troopsDeployed: 0 });
    }
    const pledged = (list: typeof egy) => list.filter((c) => c.status === 'PLEDGED').reduce((sum, c) => sum + c.troopsPledged, 0);
    // The EGY pledge (250) is released to EGY only among these two: the NGO's total lacks it.
    expect(pledged(egy)).toBeGreaterThanOrEqual(250);
    expect(pledged(ngo)).toBeLessThan(pledged(egy));
  });
});

describe('ISF writes never turn a pledge into a deployment', () => {
  const RECORD = `mutation($input: RecordForceContributionInput!) {
    recordForceContribution(input: $input) { forceContribution { id status troopsPledged troopsDeployed } userErrors { field code } }
  }`;
  const input = (over: Record<string, unknown>) => ({
    nation: 'EGY',
    unit: 'Test company',
    role: 'ENGINEERING',
    personnel: 120,
    readiness: 'PREPARING',
    readinessAsOf: '2025-11-10T00:00:00Z',
    areaPcode: 'PS0275',
    source: 'SYNTHETIC',
    marking: { classification: 'CONFIDENTIAL', releasableTo: ['EGY', 'USA'], tlp: 'AMBER', originator: 'EGY' },
    ...over,
  });

  const fields = (result: { data?: any }) => (result.data.recordForceContribution.userErrors as { field: string[] }[]).map((e) => e.field.join('.'));

  it('refuses readiness DEPLOYED on a pledge, deployed troops on a pledge, and DEPLOYED with no troops deployed', async () => {
    expect(fields(await subgraph.execute(RECORD, { input: input({ readiness: 'DEPLOYED' }) }, EGY_EDITOR))).toEqual(['input.readiness']);
    expect(fields(await subgraph.execute(RECORD, { input: input({ status: 'PLEDGED', troopsDeployed: 50 }) }, EGY_EDITOR))).toEqual(['input.troopsDeployed']);
    expect(fields(await subgraph.execute(RECORD, { input: input({ status: 'DEPLOYED', troopsDeployed: 0 }) }, EGY_EDITOR))).toEqual(['input.troopsDeployed']);
  });

  it('records a pledge with its personnel as troops pledged and none deployed', async () => {
    const { data } = await subgraph.execute(RECORD, { input: input({}) }, EGY_EDITOR);
    expect(data.recordForceContribution).toMatchObject({ forceContribution: { status: 'PLEDGED', troopsPledged: 120, troopsDeployed: 0 }, userErrors: [] });
  });
});
