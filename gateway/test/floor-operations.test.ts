import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { DEV_PRINCIPALS } from '../src/auth/dev-keys.ts';
import { loadSavedOperations } from '../src/explorer/operations.ts';

/**
 * The operations floor's two saved dashboard operations (schema/operations/FloorOverview.graphql and
 * CrossingPipeline.graphql) run through the gateway as the dashboard principal: complete, sources kept apart, and
 * trimmed by rule v2 for a principal with less release.
 */
const read = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8');
const FLOOR_OVERVIEW = read('FloorOverview');
const CROSSING_PIPELINE = read('CrossingPipeline');

/** The operations floor's dashboard: a US principal of the CMCC cleared SECRET (as in the explorer's browser test). */
const DASHBOARD = { sub: 'ops-dashboard', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['dashboard'], scope: 'read:*', cmcc: true };
/** A volunteer of a partner NGO (the Palestine Red Crescent Society), cleared UNCLASSIFIED only. */
const NGO_VOLUNTEER = { sub: 'prcs-volunteer', org: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED', cmcc: true };

// The five governorates of the Gaza Strip (docs/domain.md), north to south, and the five crossings by their ids.
const GOVERNORATES = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];
const CROSSINGS = ['EREZ', 'KEREM_SHALOM', 'KISSUFIM', 'RAFAH', 'ZIKIM'];
const STREAMS = ['UN_2720', 'BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'];
const OVERVIEW_VARIABLES = { since: '2025-10-10T00:00:00Z', at: '2025-12-01T00:00:00Z' };
const PIPELINE_VARIABLES = { since: '2025-12-01', until: '2025-12-14' };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('FloorOverview', () => {
  let areas: any[];
  beforeAll(async () => {
    const { data, errors } = await stack.query(FLOOR_OVERVIEW, OVERVIEW_VARIABLES, DASHBOARD);
    expect(errors).toBeUndefined();
    areas = data.areas;
  });

  it('gives the dashboard every governorate with the fields of each subgraph', () => {
    expect(areas.map((area) => area.pcode)).toEqual(GOVERNORATES);
    for (const area of areas) {
      expect(typeof area.controlShare, area.pcode).toBe('number'); // security
      expect(area.controlShare).toBeGreaterThanOrEqual(0);
      expect(area.controlShare).toBeLessThanOrEqual(1);
      expect(area.populationEstimates.length, area.pcode).toBeGreaterThan(0); // civil-administration
      expect(Array.isArray(area.displacementSites)).toBe(true);
      expect(area.aidDeliveries).not.toBeNull(); // humanitarian
      expect(Array.isArray(area.incidents)).toBe(true); // security
      expect(area.facilities.length, area.pcode).toBeGreaterThan(0); // engineering
      expect(Array.isArray(area.coordinationRequests)).toBe(true); // coordination
    }
    expect(areas.some((area) => area.displacementSites.length > 0)).toBe(true);
    expect(areas.some((area) => area.aidDeliveries.bySource.some((figures: any) => figures.byStream.length > 0))).toBe(true);
    expect(areas.some((area) => area.incidents.length > 0)).toBe(true);
    expect(areas.some((area) => area.coordinationRequests.length > 0)).toBe(true);
  });

  it('keeps aid by stream within each source: one entry per source, its streams adding up to its own trucks only', () => {
    for (const area of areas) {
      const sources = area.aidDeliveries.bySource.map((figures: any) => figures.source);
      expect(new Set(sources).size, area.pcode).toBe(sources.length);
      for (const figures of area.aidDeliveries.bySource) {
        expect(figures.byStream.length).toBeGreaterThan(0);
        expect(figures.byStream.every((stream: any) => STREAMS.includes(stream.stream))).toBe(true);
        expect(sum(figures.byStream.map((stream: any) => stream.trucks)), `${area.pcode} ${figures.source}`).toBe(figures.trucks);
        expect(sum(figures.byStream.map((stream: any) => stream.tonnes))).toBeCloseTo(figures.tonnes, 1);
      }
    }
  });

  it('lists only the requests still to act on (OPEN, IN_PROGRESS) by default', () => {
    const statuses = new Set(areas.flatMap((area) => area.coordinationRequests.map((request: any) => request.status)));
    expect(statuses.size).toBeGreaterThan(0);
    expect([...statuses].every((status) => status === 'OPEN' || status === 'IN_PROGRESS')).toBe(true);
  });

  it('filters coordination requests by the statuses asked for, and an empty list matches nothing', async () => {
    const resolved = await stack.query(FLOOR_OVERVIEW, { ...OVERVIEW_VARIABLES, openStatuses: ['RESOLVED'] }, DASHBOARD);
    expect(resolved.errors).toBeUndefined();
    const listed = resolved.data.areas.flatMap((area: any) => area.coordinationRequests);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((request: any) => request.status === 'RESOLVED')).toBe(true);
    const none = await stack.query(FLOOR_OVERVIEW, { ...OVERVIEW_VARIABLES, openStatuses: [] }, DASHBOARD);
    expect(none.data.areas.every((area: any) => area.coordinationRequests.length === 0)).toBe(true);
  });

  it('shows a partner NGO volunteer (UNCLASSIFIED) no RESTRICTED, CONFIDENTIAL or SECRET request, where the dashboard sees some', async () => {
    const marked = `query($status: [CoordinationRequestStatus!]) { areas(level: GOVERNORATE) { pcode coordinationRequests(status: $status, first: 500) { id status marking { classification } } } }`;
    const requests = async (claims: Record<string, unknown>, status: string[] | null) => {
      const { data, errors } = await stack.query(marked, { status }, claims);
      expect(errors).toBeUndefined();
      return data.areas.flatMap((area: any) => area.coordinationRequests) as { id: string; status: string; marking: { classification: string } }[];
    };
    const dashboard = await requests(DASHBOARD, null);
    const ngo = await requests(NGO_VOLUNTEER, null);
    expect(dashboard.some((request) => request.marking.classification !== 'UNCLASSIFIED')).toBe(true);
    expect(ngo.every((request) => request.marking.classification === 'UNCLASSIFIED')).toBe(true);
    expect(ngo.length).toBeLessThan(dashboard.length);
    // The status filter and rule v2 apply together: the NGO's open requests are its released ones that are open.
    const ngoOpen = await requests(NGO_VOLUNTEER, ['OPEN', 'IN_PROGRESS']);
    expect(ngoOpen.map((request) => request.id).sort()).toEqual(
      ngo
        .filter((request) => ['OPEN', 'IN_PROGRESS'].includes(request.status))
        .map((request) => request.id)
        .sort(),
    );
    const overview = await stack.query(FLOOR_OVERVIEW, OVERVIEW_VARIABLES, NGO_VOLUNTEER);
    expect(overview.data.areas).toHaveLength(GOVERNORATES.length);
  });
});

describe('Convoy.stream', () => {
  it('follows the documented SYNTHETIC rule: none without cargo, UN_2720 when monitored, else by the id', async () => {
    const { data, errors } = await stack.query(`{ convoys(first: 120) { edges { node { id type un2720Monitored stream } } } }`, undefined, DASHBOARD);
    expect(errors).toBeUndefined();
    const convoys = data.convoys.edges.map((edge: any) => edge.node) as { id: string; type: string; un2720Monitored: boolean; stream: string | null }[];
    expect(convoys.length).toBeGreaterThan(0);
    // subgraphs/humanitarian/README.md: the sum of the id's character codes modulo 3 picks BILATERAL, PRIVATE_SECTOR, COMMERCIAL.
    const byId = (id: string) => ['BILATERAL', 'PRIVATE_SECTOR', 'COMMERCIAL'][sum([...id].map((c) => c.charCodeAt(0))) % 3];
    for (const convoy of convoys) {
      const cargo = convoy.type === 'COLLECTION' || convoy.type === 'DELIVERY';
      expect(convoy.stream, convoy.id).toBe(!cargo ? null : convoy.un2720Monitored ? 'UN_2720' : byId(convoy.id));
    }
    expect(new Set(convoys.map((convoy) => convoy.stream)).size).toBeGreaterThan(2);
  });
});

describe('CrossingPipeline', () => {
  let crossings: any[];
  beforeAll(async () => {
    const { data, errors } = await stack.query(CROSSING_PIPELINE, PIPELINE_VARIABLES, DASHBOARD);
    expect(errors).toBeUndefined();
    crossings = data.crossings;
  });

  it('gives the dashboard every crossing with its names, status, throughput, stream reports and staging areas', () => {
    expect(crossings.map((crossing) => crossing.id).sort()).toEqual(CROSSINGS);
    expect(crossings.find((crossing) => crossing.id === 'ZIKIM').aliases).toContain('Erez West');
    for (const crossing of crossings) {
      expect(['OPEN', 'RESTRICTED', 'CLOSED']).toContain(crossing.status);
      expect(crossing.statusPeriod?.status, crossing.id).toBe(crossing.status);
      expect(crossing.throughput).toMatchObject(PIPELINE_VARIABLES);
      expect(Array.isArray(crossing.streamReports)).toBe(true);
    }
    const keremShalom = crossings.find((crossing) => crossing.id === 'KEREM_SHALOM');
    expect(keremShalom.throughput.bySource.length).toBeGreaterThan(0);
    expect(keremShalom.streamReports.length).toBeGreaterThan(0);
    expect(keremShalom.stagingAreas.map((area: any) => area.id)).toContain('EL_ARISH');
    expect(crossings.flatMap((crossing) => crossing.stagingAreas).some((area: any) => area.latestObservation !== null)).toBe(true);
  });

  it('keeps trucks by stream within each source, matching that source’s day-by-day stream reports', () => {
    for (const crossing of crossings) {
      // The window's reports all fit on the page asked for, so they can be added up here by source and stream.
      expect(crossing.streamReports.length).toBeLessThan(120);
      const sources = crossing.throughput.bySource.map((figures: any) => figures.source);
      expect(new Set(sources).size).toBe(sources.length);
      for (const figures of crossing.throughput.bySource) {
        expect(sum(figures.byStream.map((stream: any) => stream.trucksOffloaded)), `${crossing.id} ${figures.source}`).toBe(figures.trucksOffloaded);
        for (const stream of figures.byStream) {
          const reports = crossing.streamReports.filter((report: any) => report.source === figures.source && report.stream === stream.stream);
          expect(sum(reports.map((report: any) => report.trucksOffloaded)), `${crossing.id} ${figures.source} ${stream.stream}`).toBe(stream.trucksOffloaded);
          expect(sum(reports.map((report: any) => report.rejected))).toBe(stream.rejected);
        }
      }
      if (crossing.throughput.gap) {
        const [a, b] = [crossing.throughput.gap.sourceA, crossing.throughput.gap.sourceB];
        expect(a).not.toBe(b);
        expect(crossing.throughput.gap.statement).toContain(a);
        expect(crossing.throughput.gap.statement).toContain(b);
      }
    }
  });

  it('counts for a partner NGO volunteer only the stream reports released to it: never more than the dashboard', async () => {
    const { data, errors } = await stack.query(CROSSING_PIPELINE, PIPELINE_VARIABLES, NGO_VOLUNTEER);
    expect(errors).toBeUndefined();
    expect(data.crossings.map((crossing: any) => crossing.id).sort()).toEqual(CROSSINGS);
    const reports = (list: any[]) => sum(list.map((crossing) => crossing.streamReports.length));
    expect(reports(data.crossings)).toBeLessThanOrEqual(reports(crossings));
  });
});

describe('every saved operation as the explorer offers it', () => {
  const { operations } = loadSavedOperations();

  // The first thing a new auditor did was run AuditEventsForOperation as shipped and get `"after" must be a cursor
  // returned by auditEvents; got ""`: the explorer filled an optional cursor with "". Whoever runs an operation
  // unchanged gets an answer, or a refusal where their rights do not reach (never a complaint about the variables).
  it.each(Object.keys(DEV_PRINCIPALS))(
    'runs unchanged for %s: no error but a refusal of rights (FORBIDDEN, UNAUTHORIZED_FIELD_OR_TYPE), and none at all for the auditor on the audit trail',
    async (name) => {
      const claims = DEV_PRINCIPALS[name] as unknown as Record<string, unknown>;
      for (const operation of operations.filter((o) => o.type === 'query')) {
        const { errors } = await stack.query(operation.document, { ...operation.variables }, claims);
        const label = `${operation.name} as ${name}: ${JSON.stringify(errors)}`;
        for (const error of errors ?? []) expect(['FORBIDDEN', 'UNAUTHORIZED_FIELD_OR_TYPE'], label).toContain(error.extensions?.code);
        if (name === 'auditor' && operation.name.startsWith('Audit')) expect(errors, label).toBeUndefined();
      }
    },
  );

  it('leaves an optional variable without a default out, rather than filling it with an example', () => {
    const audit = operations.find((o) => o.name === 'AuditEventsForOperation')!;
    expect(audit.variableDefinitions).toContainEqual({ name: 'after', type: 'String' });
    expect(audit.variables).not.toHaveProperty('after');
    expect(audit.variables).toMatchObject({ operationName: 'SituationByGovernorate', first: 20 });
  });
});
