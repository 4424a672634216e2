import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, visit, type ConstDirectiveNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hospitalId, type AccessMarking, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { humanitarian } from '../src/server.ts';
import { startTestSubgraph, TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Record-level releasability in the humanitarian subgraph: who must NOT see which convoy, crossing report, activity
 * or published figure, through lists, totals, the sums of Area.aidDeliveries, lookups by key, entity references
 * and writes. Expectations are judged with the rule written again from its text (test/support/releasability-oracle.ts); the subgraph applies the kit's rule in SQL.
 */

let subgraph: TestSubgraph;

const principal = (subject: string, fields: Partial<Principal>): Principal => ({
  subject,
  nation: null,
  organization: null,
  workingGroups: ['humanitarian'],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  ...fields,
});

/** A US analyst cleared SECRET, editor of every group. */
const US_ANALYST = TEST_PRINCIPAL;
const GBR_MEMBER = principal('gbr-member', { nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED' });
const GBR_EDITOR = principal('gbr-editor', { nation: 'GBR', organization: 'CMCC', clearance: 'RESTRICTED', roles: ['editor'], scopes: ['write:humanitarian'] });
const ISR_MEMBER = principal('isr-member', { nation: 'ISR', organization: 'CMCC', clearance: 'CONFIDENTIAL' });
const PARTNER_NGO = principal('prcs-officer', { organization: 'XI-CMCC-PRCS', workingGroups: [], roles: [] });
const WFP_OFFICER = principal('wfp-officer', { organization: 'XM-DAC-41140', workingGroups: [], roles: [] });
const OUTSIDER = principal('outsider', { nation: 'USA', clearance: 'SECRET', participant: false, workingGroups: [], roles: [] });
const PRINCIPALS = { US_ANALYST, GBR_MEMBER, ISR_MEMBER, PARTNER_NGO, WFP_OFFICER, OUTSIDER };

const marking = (m: Partial<AccessMarking> & Pick<AccessMarking, 'classification' | 'tlp' | 'originator'>): AccessMarking => ({
  releasableTo: [],
  recipients: [],
  caveats: [],
  ...m,
});

/** TLP:RED for US eyes: released to USA and GBR, but only the USA is a named recipient. */
const RED_FOR_USA = marking({ classification: 'UNCLASSIFIED', tlp: 'RED', releasableTo: ['USA', 'GBR'], originator: 'USA', recipients: ['USA'] });
const OPEN = marking({ classification: 'UNCLASSIFIED', tlp: 'CLEAR', releasableTo: ['CMCC'], originator: 'CMCC' });
const RESTRICTED_NATO = marking({ classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['NATO'], originator: 'GBR' });
const ISR_ONLY = marking({ classification: 'UNCLASSIFIED', tlp: 'AMBER_STRICT', originator: 'ISR' });
const PRCS_ONLY = marking({ classification: 'UNCLASSIFIED', tlp: 'AMBER', originator: 'XI-CMCC-PRCS' });

const markingSql = (m: AccessMarking) => [m.classification, m.releasableTo, m.tlp, m.originator, m.recipients, m.caveats];

/** Fixture convoys to North Gaza (PS0255), each with loads delivered on 1 June 2024, when nothing else was. */
const FIXTURE_CONVOYS = [
  { id: 'CONVOY-RLS-RED', marking: RED_FOR_USA, delivered: [{ tonnes: 25.5, pallets: 10 }], offloaded: 1 },
  { id: 'CONVOY-RLS-OPEN', marking: OPEN, delivered: [{ tonnes: 4, pallets: 2 }], offloaded: 0 },
  { id: 'CONVOY-RLS-RESTRICTED', marking: RESTRICTED_NATO, delivered: [{ tonnes: 7, pallets: 3 }], offloaded: 0 },
];

async function insertFixtures(): Promise<void> {
  const db = subgraph.db;
  for (const convoy of FIXTURE_CONVOYS) {
    await db.query(
      `INSERT INTO convoy (id, type, crossing_id, destination_pcode, planned_start, status, un2720_monitored, route, departed_at, arrived_at, driver_names, source,
                           classification, releasable_to, tlp, originator, recipients, caveats)
       VALUES ($1, 'DELIVERY', 'KEREM_SHALOM', 'PS0255', '2024-06-01T06:00:00Z', 'FACILITATED', true, 'Fixture route', '2024-06-01T07:00:00Z', NULL,
               ARRAY['Fixture driver'], 'SYNTHETIC', $2, $3, $4, $5, $6, $7)`,
      [convoy.id, ...markingSql(convoy.marking)],
    );
    await db.query(`INSERT INTO convoy_requesting_organization (convoy_id, organization_id, position) VALUES ($1, 'XM-DAC-41140', 1)`, [convoy.id]);
    let n = 0;
    for (const load of convoy.delivered) {
      n += 1;
      await db.query(
        `INSERT INTO truck_consignment (id, convoy_id, cargo_category, pallets, tonnes, stage, stage_at, source)
         VALUES ($1, $2, 'FOOD', $3, $4, 'DELIVERED', $5, 'CMCC')`,
        [`${convoy.id}-T0${n}`, convoy.id, load.pallets, load.tonnes, `2024-06-01T1${n}:00:00Z`],
      );
    }
    for (let i = 0; i < convoy.offloaded; i += 1) {
      n += 1;
      await db.query(
        `INSERT INTO truck_consignment (id, convoy_id, cargo_category, pallets, tonnes, stage, stage_at, source)
         VALUES ($1, $2, 'HEALTH', 1, 1, 'OFFLOADED', '2024-06-01T08:00:00Z', 'CMCC')`,
        [`${convoy.id}-T0${n}`, convoy.id],
      );
    }
  }
  // A COGAT report released to Israel only (originator-only, AMBER_STRICT), and an activity PRCS keeps to itself.
  await db.query(
    `INSERT INTO crossing_daily_report (id, crossing_id, date, source, open, trucks_offloaded, trucks_collected, tonnes, fuel_litres, note,
                                        classification, releasable_to, tlp, originator, recipients, caveats)
     VALUES ('CDR-RAFAH-2024-06-01-COGAT', 'RAFAH', '2024-06-01', 'COGAT', false, 0, 0, 0, 0, 'Fixture', $1, $2, $3, $4, $5, $6)`,
    markingSql(ISR_ONLY),
  );
  await db.query(
    `INSERT INTO activity (id, organization_id, sector, area_pcode, facility_id, activity, status, start_date, source,
                           classification, releasable_to, tlp, originator, recipients, caveats)
     VALUES ('ACT-RLS-PRCS', 'XI-CMCC-PRCS', 'HEALTH', 'PS0255', $1, 'Fixture triage post', 'ONGOING', '2024-06-01', 'SYNTHETIC', $2, $3, $4, $5, $6, $7)`,
    [hospitalId(1), ...markingSql(PRCS_ONLY)],
  );
}

beforeAll(async () => {
  subgraph = await startTestSubgraph(humanitarian);
  await insertFixtures();
});
afterAll(() => subgraph?.close());

/** Ids of the rows of a marked table (matching `where`) released to `who`, by the rule in code. */
async function releasedIds(who: Principal, table: string, where = 'true'): Promise<string[]> {
  const rows = await subgraph.db.query<MarkingRow & { id: string }>(`SELECT * FROM ${table} WHERE ${where}`);
  return rows
    .filter((row) => releasedToPrincipal(who, row))
    .map((row) => row.id)
    .sort();
}

const sorted = (ids: string[]) => [...ids].sort();

describe('who must not see a convoy', () => {
  it('hides a TLP:RED convoy from a GBR member: absent from the list, the filtered list and the total', async () => {
    const query = `query($filter: ConvoyFilter) { convoys(first: 500, filter: $filter) { totalCount edges { node { id } } } }`;
    for (const filter of [null, { destinationPcode: 'PS0255' }]) {
      const us = await subgraph.execute(query, { filter }, US_ANALYST);
      const gbr = await subgraph.execute(query, { filter }, GBR_MEMBER);
      expect(us.errors).toBeUndefined();
      expect(gbr.errors).toBeUndefined();
      const usIds = us.data.convoys.edges.map((e: { node: { id: string } }) => e.node.id);
      const gbrIds = gbr.data.convoys.edges.map((e: { node: { id: string } }) => e.node.id);
      expect(usIds).toContain('CONVOY-RLS-RED');
      expect(gbrIds).not.toContain('CONVOY-RLS-RED');
      expect(gbrIds).toContain('CONVOY-RLS-RESTRICTED');
      const where = filter ? `destination_pcode LIKE 'PS0255%'` : 'true';
      expect(sorted(gbrIds)).toEqual(await releasedIds(GBR_MEMBER, 'convoy', where));
      expect(gbr.data.convoys.totalCount).toBe(gbrIds.length);
      expect(us.data.convoys.totalCount).toBe(usIds.length);
    }
  });

  it('asking by key for a withheld convoy gives null with FORBIDDEN, by id and as an entity reference (SecurityIncident.convoy)', async () => {
    const byId = await subgraph.execute(`{ convoy(id: "CONVOY-RLS-RED") { id route } open: convoy(id: "CONVOY-RLS-OPEN") { id } }`, undefined, GBR_MEMBER);
    expect(byId.data).toEqual({ convoy: null, open: { id: 'CONVOY-RLS-OPEN' } });
    expect(byId.errors).toHaveLength(1);
    expect(byId.errors![0]).toMatchObject({ path: ['convoy'], extensions: { code: 'FORBIDDEN' } });
    expect(byId.errors![0].message).not.toContain('Fixture route');

    const entities = await subgraph.execute(
      `{ _entities(representations: [
          { __typename: "Convoy", id: "CONVOY-RLS-RED" }, { __typename: "Convoy", id: "CONVOY-RLS-OPEN" }, { __typename: "Convoy", id: "CONVOY-NONE" }
        ]) { ... on Convoy { id status consignments { id } } } }`,
      undefined,
      GBR_MEMBER,
    );
    expect(entities.data._entities[0]).toBeNull();
    expect(entities.data._entities[1]).toMatchObject({ id: 'CONVOY-RLS-OPEN', status: 'FACILITATED' });
    expect(entities.data._entities[2]).toBeNull();
    expect(entities.errors).toHaveLength(1);
    expect(entities.errors![0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'FORBIDDEN' } });

    const us = await subgraph.execute(`{ _entities(representations: [{ __typename: "Convoy", id: "CONVOY-RLS-RED" }]) { ... on Convoy { id consignments { id } } } }`);
    expect(us.errors).toBeUndefined();
    expect(us.data._entities[0].consignments).toHaveLength(2);
  });

  it('a partner NGO sees no RESTRICTED convoy, and an outsider to the CMCC sees not even a TLP:CLEAR one released to CMCC', async () => {
    const query = `{ convoys(first: 500) { totalCount edges { node { id marking { classification releasableTo tlp originator } } } } }`;
    const ngo = await subgraph.execute(query, undefined, PARTNER_NGO);
    expect(ngo.errors).toBeUndefined();
    const nodes = ngo.data.convoys.edges.map((e: { node: { id: string; marking: AccessMarking } }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.marking.classification).toBe('UNCLASSIFIED');
    expect(nodes.map((n: { id: string }) => n.id)).toContain('CONVOY-RLS-OPEN');
    expect(nodes.map((n: { id: string }) => n.id)).not.toContain('CONVOY-RLS-RESTRICTED');
    expect(ngo.data.convoys.totalCount).toBe(nodes.length);

    const outsider = await subgraph.execute(query, undefined, OUTSIDER);
    const outsiderIds = outsider.data.convoys.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(outsiderIds).not.toContain('CONVOY-RLS-OPEN');
    expect(sorted(outsiderIds)).toEqual(await releasedIds(OUTSIDER, 'convoy'));
  });
});

describe('totals and aggregates count only released records', () => {
  it('totals count only released records, for every principal and every connection', async () => {
    const query = `{
      convoys(first: 0) { totalCount }
      activities(first: 0) { totalCount }
      reportedAidFigures(first: 0) { totalCount }
      deliveries: convoys(first: 0, filter: { type: DELIVERY, destinationPcode: "PS0255" }) { totalCount }
      health: activities(first: 0, filter: { sector: HEALTH, areaPcode: "PS0255" }) { totalCount }
    }`;
    const seen = new Set<number>();
    for (const [name, who] of Object.entries(PRINCIPALS)) {
      const { data, errors } = await subgraph.execute(query, undefined, who);
      expect(errors, name).toBeUndefined();
      expect(data.convoys.totalCount, name).toBe((await releasedIds(who, 'convoy')).length);
      expect(data.activities.totalCount, name).toBe((await releasedIds(who, 'activity')).length);
      expect(data.reportedAidFigures.totalCount, name).toBe((await releasedIds(who, 'reported_aid_figure')).length);
      expect(data.deliveries.totalCount, name).toBe((await releasedIds(who, 'convoy', `type = 'DELIVERY' AND destination_pcode LIKE 'PS0255%'`)).length);
      expect(data.health.totalCount, name).toBe((await releasedIds(who, 'activity', `sector = 'HEALTH' AND area_pcode LIKE 'PS0255%'`)).length);
      seen.add(data.convoys.totalCount);
    }
    // The principals see different numbers of convoys: the totals follow the viewer.
    expect(seen.size).toBeGreaterThan(2);
  });

  it('aidDeliveries sums only released convoys: a principal who may not see a convoy gets sums without its loads', async () => {
    const query = `{ _entities(representations: [{ __typename: "Area", pcode: "PS0255" }]) { ... on Area {
      aidDeliveries(since: "2024-06-01T00:00:00Z", until: "2024-06-02T00:00:00Z") { bySource { source trucks tonnes pallets byCategory { category trucks tonnes } } } } } }`;
    const figures = async (who: Principal) => {
      const { data, errors } = await subgraph.execute(query, undefined, who);
      expect(errors).toBeUndefined();
      return data._entities[0].aidDeliveries.bySource;
    };
    // US analyst: all three fixture convoys (RED for the USA, open, RESTRICTED NATO).
    expect(await figures(US_ANALYST)).toEqual([{ source: 'CMCC', trucks: 3, tonnes: 36.5, pallets: 15, byCategory: [{ category: 'FOOD', trucks: 3, tonnes: 36.5 }] }]);
    // GBR member: not the TLP:RED convoy.
    expect(await figures(GBR_MEMBER)).toEqual([{ source: 'CMCC', trucks: 2, tonnes: 11, pallets: 5, byCategory: [{ category: 'FOOD', trucks: 2, tonnes: 11 }] }]);
    // Partner NGO: neither the RED nor the RESTRICTED convoy.
    expect(await figures(PARTNER_NGO)).toEqual([{ source: 'CMCC', trucks: 1, tonnes: 4, pallets: 2, byCategory: [{ category: 'FOOD', trucks: 1, tonnes: 4 }] }]);
    // A US principal outside the CMCC: the US and NATO convoys, not the one released to CMCC participants.
    expect(await figures(OUTSIDER)).toEqual([{ source: 'CMCC', trucks: 2, tonnes: 32.5, pallets: 13, byCategory: [{ category: 'FOOD', trucks: 2, tonnes: 32.5 }] }]);
    // A UN agency officer without a nation: only the open convoy.
    expect((await figures(WFP_OFFICER))[0]).toMatchObject({ trucks: 1, tonnes: 4 });
  });

  it('aidDeliveries over the seeded period agree, for every principal, with the released convoys summed in code', async () => {
    const rows = await subgraph.db.query<MarkingRow & { load_source: string; load_tonnes: string | number }>(
      `SELECT v.*, c.source AS load_source, c.tonnes AS load_tonnes FROM truck_consignment c JOIN convoy v ON v.id = c.convoy_id
       WHERE c.stage = 'DELIVERED' AND c.stage_at >= '2025-10-10T00:00:00Z' AND v.destination_pcode LIKE 'PS02%'`,
    );
    const totals = new Set<number>();
    for (const [name, who] of Object.entries(PRINCIPALS)) {
      const released = rows.filter((row) => releasedToPrincipal(who, row));
      const { data, errors } = await subgraph.execute(
        `{ _entities(representations: [{ __typename: "Area", pcode: "PS02" }]) { ... on Area { aidDeliveries(since: "2025-10-10T00:00:00Z") { bySource { source trucks tonnes } } } } }`,
        undefined,
        who,
      );
      expect(errors, name).toBeUndefined();
      const bySource = data._entities[0].aidDeliveries.bySource as { source: string; trucks: number; tonnes: number }[];
      const sources = [...new Set(released.map((row) => row.load_source))].sort();
      expect(bySource.map((s) => s.source).sort(), name).toEqual(sources);
      for (const figure of bySource) {
        const mine = released.filter((row) => row.load_source === figure.source);
        expect(figure.trucks, name).toBe(mine.length);
        expect(figure.tonnes, name).toBeCloseTo(
          mine.reduce((sum, row) => sum + Number(row.load_tonnes), 0),
          1,
        );
      }
      totals.add(released.length);
    }
    expect(totals.size).toBeGreaterThan(2);
  });
});

describe('nested lists of visible records filter their own marked items', () => {
  it('Crossing.dailyReports, Organization.activities, Area.activities and Facility.activities list only released records', async () => {
    const query = `{
      crossings { id dailyReports(first: 400) { id } }
      _entities(representations: [
        { __typename: "Organization", id: "XI-CMCC-PRCS" }, { __typename: "Organization", id: "XM-DAC-41140" },
        { __typename: "Area", pcode: "PS0255" }, { __typename: "Facility", id: "${hospitalId(1)}" }
      ]) {
        ... on Organization { activities(first: 500) { id } }
        ... on Area { areaActivities: activities(first: 500) { id } }
        ... on Facility { facilityActivities: activities(first: 500) { id } }
      }
    }`;
    const ids = (list: { id: string }[]) => sorted(list.map((item) => item.id));
    for (const [name, who] of Object.entries(PRINCIPALS)) {
      const { data, errors } = await subgraph.execute(query, undefined, who);
      expect(errors, name).toBeUndefined();
      // Crossings are public reference data: every principal gets all six.
      expect(data.crossings, name).toHaveLength(5);
      for (const crossing of data.crossings) {
        expect(ids(crossing.dailyReports), `${name} ${crossing.id}`).toEqual(await releasedIds(who, 'crossing_daily_report', `crossing_id = '${crossing.id}'`));
      }
      const [prcs, wfp, area, facility] = data._entities;
      expect(ids(prcs.activities), name).toEqual(await releasedIds(who, 'activity', `organization_id = 'XI-CMCC-PRCS'`));
      expect(ids(wfp.activities), name).toEqual(await releasedIds(who, 'activity', `organization_id = 'XM-DAC-41140'`));
      expect(ids(area.areaActivities), name).toEqual(await releasedIds(who, 'activity', `area_pcode LIKE 'PS0255%'`));
      expect(ids(facility.facilityActivities), name).toEqual(await releasedIds(who, 'activity', `facility_id = '${hospitalId(1)}'`));
    }
  });

  it('hides an Israeli originator-only crossing report from everyone but Israel', async () => {
    const query = `{ crossing(id: "RAFAH") { dailyReports(first: 400) { id source } } }`;
    const isr = await subgraph.execute(query, undefined, ISR_MEMBER);
    expect(isr.data.crossing.dailyReports).toEqual([{ id: 'CDR-RAFAH-2024-06-01-COGAT', source: 'COGAT' }]);
    for (const who of [US_ANALYST, GBR_MEMBER, PARTNER_NGO]) {
      const { data } = await subgraph.execute(query, undefined, who);
      expect(data.crossing.dailyReports).toEqual([]);
    }
  });

  it('a partner NGO sees its own AMBER activity, and another UN agency and a US analyst do not', async () => {
    const query = `{ activities(first: 500, filter: { organizationId: "XI-CMCC-PRCS" }) { totalCount edges { node { id } } } }`;
    const own = await subgraph.execute(query, undefined, PARTNER_NGO);
    expect(own.data.activities.edges.map((e: { node: { id: string } }) => e.node.id)).toContain('ACT-RLS-PRCS');
    for (const who of [WFP_OFFICER, US_ANALYST]) {
      const { data } = await subgraph.execute(query, undefined, who);
      expect(data.activities.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain('ACT-RLS-PRCS');
      expect(data.activities.totalCount).toBe((await releasedIds(who, 'activity', `organization_id = 'XI-CMCC-PRCS'`)).length);
    }
  });

  it('pages only through released convoys, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { convoys(first: 9, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        GBR_MEMBER,
      );
      total = data.convoys.totalCount;
      seen.push(...data.convoys.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.convoys.pageInfo.hasNextPage ? data.convoys.pageInfo.endCursor : null;
    } while (after);
    expect(sorted(seen)).toEqual(await releasedIds(GBR_MEMBER, 'convoy'));
    expect(seen).toHaveLength(total);
  });
});

describe('writes never reach what the editor may not see', () => {
  /** Each write aimed at a withheld record, and the key (and its stand-in) that makes it aim at a missing one instead. */
  const WITHHELD_WRITES: [string, string, Record<string, unknown>, string, string][] = [
    [
      'updateConvoyStatus',
      `mutation($input: UpdateConvoyStatusInput!) { updateConvoyStatus(input: $input) { convoy { id } userErrors { field code message } } }`,
      { input: { convoyId: 'CONVOY-RLS-RED', version: 1, status: 'IMPEDED', statusReason: 'Checkpoint' } },
      'CONVOY-RLS-RED',
      'CONVOY-RLS-NONE',
    ],
    [
      'addConsignment',
      `mutation($input: AddConsignmentInput!) { addConsignment(input: $input) { consignment { id } userErrors { field code message } } }`,
      { input: { convoyId: 'CONVOY-RLS-RED', cargoCategory: 'FOOD', pallets: 1, tonnes: 1, offloadedAt: '2024-06-01T09:00:00Z', source: 'CMCC' } },
      'CONVOY-RLS-RED',
      'CONVOY-RLS-NONE',
    ],
    [
      'recordConsignmentStage',
      `mutation($input: RecordConsignmentStageInput!) { recordConsignmentStage(input: $input) { consignment { id } userErrors { field code message } } }`,
      { input: { consignmentId: 'CONVOY-RLS-RED-T02', version: 1, stage: 'COLLECTED', stageAt: '2024-06-01T09:00:00Z' } },
      'CONVOY-RLS-RED-T02',
      'CONVOY-RLS-NONE-T02',
    ],
    [
      'recordCrossingReport',
      `mutation($input: RecordCrossingReportInput!) { recordCrossingReport(input: $input) { crossingDailyReport { id } userErrors { field code message } } }`,
      {
        input: {
          crossingId: 'RAFAH',
          date: '2024-06-01',
          source: 'COGAT',
          version: 1,
          open: false,
          trucksOffloaded: 0,
          trucksCollected: 0,
          tonnes: 0,
          fuelLitres: 0,
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'GBR' },
        },
      },
      '2024-06-01',
      '2024-05-31',
    ],
  ];

  it.each(WITHHELD_WRITES)(
    'an editor cannot %s a record not released to them: answered exactly like a missing one, nothing written',
    async (_name, mutation, variables, withheld, missing) => {
      const snapshot = `SELECT (SELECT json_agg(v ORDER BY id) FROM convoy v WHERE id LIKE 'CONVOY-RLS-%')::text AS convoys,
                             (SELECT json_agg(c ORDER BY id) FROM truck_consignment c WHERE convoy_id LIKE 'CONVOY-RLS-%')::text AS consignments,
                             (SELECT json_agg(r ORDER BY id) FROM crossing_daily_report r WHERE crossing_id = 'RAFAH')::text AS reports`;
      const [before] = await subgraph.db.query(snapshot);
      const refused = await subgraph.execute(mutation, variables, GBR_EDITOR);
      const absent = await subgraph.execute(mutation, JSON.parse(JSON.stringify(variables).replaceAll(withheld, missing)), GBR_EDITOR);
      expect(JSON.stringify(refused).replaceAll(withheld, missing)).toBe(JSON.stringify(absent));
      expect(Object.values(absent.data)[0]).toMatchObject({ userErrors: [{ code: 'NOT_FOUND' }] });
      // The refusal says nothing about the record's state (status, version, who changed it).
      expect(JSON.stringify(refused)).not.toMatch(/FACILITATED|OFFLOADED|version \d|seed/);
      const [after] = await subgraph.db.query(snapshot);
      expect(after).toEqual(before);
    },
  );

  it('a GBR editor may not request a convoy with the USA as originator: FORBIDDEN by the writing rule, and nothing written', async () => {
    const { data, errors } = await subgraph.execute(
      `mutation($input: RequestConvoyInput!) { requestConvoy(input: $input) { convoy { id route } userErrors { code } } }`,
      {
        input: {
          type: 'ASSESSMENT',
          requestingOrganizationIds: ['XM-DAC-41140'],
          destinationPcode: 'PS0255',
          plannedStart: '2026-03-01T06:00:00Z',
          route: 'Salah al-Din road',
          source: 'CMCC',
          marking: { classification: 'UNCLASSIFIED', releasableTo: ['USA'], tlp: 'AMBER_STRICT', originator: 'USA' },
        },
      },
      GBR_EDITOR,
    );
    expect(data).toBeNull();
    expect(errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'OWN_ORIGINATOR' });
    expect(await subgraph.db.query(`SELECT id FROM convoy WHERE recorded_by = 'gbr-editor'`)).toEqual([]);
  });
});

describe('humanitarian schema authorization', () => {
  const document = parse(fs.readFileSync(path.join(humanitarian.root, 'schema.graphql'), 'utf8'));
  const argumentOf = (directive: ConstDirectiveNode) => {
    const value = directive.arguments?.[0]?.value;
    return value?.kind === Kind.LIST ? value.values.map((group) => (group.kind === Kind.LIST ? group.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : [])) : [];
  };
  const fieldsWith = (typeName: string) => {
    const found: Record<string, { name: string; groups: string[][] }[]> = {};
    visit(document, {
      ObjectTypeDefinition(node) {
        if (node.name.value !== typeName) return;
        for (const field of node.fields ?? []) {
          found[field.name.value] = (field.directives ?? []).map((d) => ({ name: d.name.value, groups: argumentOf(d) }));
        }
      },
    });
    return found;
  };

  it('every mutation needs write:humanitarian', () => {
    const mutations = fieldsWith('Mutation');
    expect(Object.keys(mutations).length).toBe(6);
    for (const [name, directives] of Object.entries(mutations)) {
      expect(directives, name).toContainEqual({ name: 'requiresScopes', groups: [['write:humanitarian']] });
    }
  });

  it("a convoy's route, timings, driver names and history (which holds them) need the policy sensitive-location; nothing else of a convoy does", () => {
    const convoy = fieldsWith('Convoy');
    const withPolicy = Object.entries(convoy)
      .filter(([, directives]) => directives.some((d) => d.name === 'policy'))
      .map(([name]) => name)
      .sort();
    expect(withPolicy).toEqual(['arrivedAt', 'departedAt', 'driverNames', 'history', 'route']);
    for (const name of withPolicy) expect(convoy[name]).toContainEqual({ name: 'policy', groups: [['sensitive-location']] });
  });
});
