import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { civilAdministration } from '../src/server.ts';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(civilAdministration);
});
afterAll(() => subgraph?.close());

describe('civil-administration entities', () => {
  it('resolves Area, DisplacementSite and Facility references through _entities', async () => {
    const { data, errors } = await subgraph.execute(`{
      _entities(representations: [
        { __typename: "Area", pcode: "PS0270" },
        { __typename: "DisplacementSite", id: "SITE-0001" },
        { __typename: "Facility", id: "FAC-HOSPITAL-001" },
        { __typename: "Area", pcode: "PS9999" }
      ]) {
        ... on Area { pcode name iso3166_2 operationalLevel adminLevel }
        ... on DisplacementSite { id area { pcode } marking { classification tlp } }
        ... on Facility { id serviceStatus { functionality asOf } }
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toEqual({ pcode: 'PS0270', name: 'Khan Younis', iso3166_2: 'PS-KYS', operationalLevel: 'GOVERNORATE', adminLevel: 2 });
    expect(data._entities[1].id).toBe('SITE-0001');
    expect(data._entities[1].marking.classification).toMatch(/UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET/);
    expect(data._entities[2]).toEqual({ id: 'FAC-HOSPITAL-001', serviceStatus: { functionality: 'PARTIAL', asOf: '2025-10-08' } });
    expect(data._entities[3]).toBeNull();
  });

  it('lists the five governorates with real population figures and their sources', async () => {
    const { data } = await subgraph.execute(`{ areas(level: GOVERNORATE) { pcode populationEstimates { value source asOf } } }`);
    expect(data.areas.map((a: { pcode: string }) => a.pcode)).toEqual(['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275']);
    const northGaza = data.areas[0].populationEstimates;
    expect(northGaza).toContainEqual({ value: 448000, source: 'PCBS', asOf: '2023-10-06' });
    expect(northGaza).toContainEqual({ value: 368721, source: 'MOI', asOf: '2020-12-31' });
  });
});

describe('civil-administration batching', () => {
  it('resolves 30 area references with their children, population and sites in one statement per relation', async () => {
    const { data: all } = await subgraph.execute(`{ areas { pcode } }`);
    const representations = all.areas.map((a: { pcode: string }) => ({ __typename: 'Area', pcode: a.pcode }));
    expect(representations.length).toBeGreaterThanOrEqual(20);
    const { result, statements } = await subgraph.statementsDuring(() =>
      subgraph.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { pcode children { pcode } populationEstimates { value }
           displacementSites(first: 3) { id area { name } } populationMovements(first: 2) { count } } } }`,
        { r: representations },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toHaveLength(representations.length);
    // areas by key, children, population, sites, movements, the sites' areas (already cached: none).
    expect(statements.filter((sql) => /FROM area WHERE pcode = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /parent_pcode = ANY/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /population_estimate/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /displacement_site/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /population_movement/.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(5);
  });
});

describe('civil-administration input errors', () => {
  it('answers an unknown P-code with NOT_FOUND and a malformed one with BAD_USER_INPUT', async () => {
    const { data, errors } = await subgraph.execute(`{ unknown: area(pcode: "PS0299") { name } malformed: area(pcode: "Gaza") { name } }`);
    expect(data).toEqual({ unknown: null, malformed: null });
    const codes = Object.fromEntries(errors!.map((e) => [e.path![0], e.extensions!.code]));
    expect(codes).toEqual({ unknown: 'NOT_FOUND', malformed: 'BAD_USER_INPUT' });
  });

  it('rejects first: -1 and a first above the maximum, naming the limit', async () => {
    for (const first of [-1, 100000]) {
      const { errors } = await subgraph.execute(`query($first: Int) { displacementSites(first: $first) { totalCount } }`, { first });
      expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(errors![0].message).toContain('from 0 to 500');
    }
  });

  it('rejects a malformed DateTime with BAD_USER_INPUT', async () => {
    const { errors } = await subgraph.execute(`query($since: DateTime) { area(pcode: "PS0260") { populationMovements(since: $since) { id } } }`, {
      since: '10/10/2025',
    });
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toContain('ISO 8601');
  });

  it('pages displacement sites with cursors without repeating or skipping a site', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data }: { data?: any } = await subgraph.execute(
        `query($after: String) { displacementSites(first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      total = data.displacementSites.totalCount;
      seen.push(...data.displacementSites.edges.map((e: { node: { id: string } }) => e.node.id));
      after = data.displacementSites.pageInfo.hasNextPage ? data.displacementSites.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThanOrEqual(50);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('rejects a cursor it did not issue', async () => {
    const { errors } = await subgraph.execute(`{ displacementSites(after: "not-a-cursor") { totalCount } }`);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
