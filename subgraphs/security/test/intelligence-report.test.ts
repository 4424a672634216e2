import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, type AccessMarking, type Principal } from '@cmcc/subgraph-kit';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { security } from '../src/server.ts';

/**
 * security resolves `IntelligenceReport.relatedIncidents` from the ids the intelligence subgraph holds (through
 * @requires): one statement for every report of a request, and incidents the caller may not read are dropped, not
 * reported, so a report never tells that it bears on a withheld incident.
 */

let subgraph: TestSubgraph;
const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients: [], caveats: [] }));
const DEU_MEMBER: Principal = {
  subject: 'deu-member',
  nation: 'DEU',
  organization: 'CMCC',
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  clearance: 'CONFIDENTIAL',
  participant: true,
};

beforeAll(async () => {
  subgraph = await startTestSubgraph(security);
  const incident = (id: string, marking: unknown[]) => [
    id,
    '2025-11-01',
    'STRATEGIC_DEVELOPMENTS',
    'Test actor',
    'PS029901',
    'Test place',
    false,
    'SYNTHETIC',
    'UNVERIFIED',
    ...marking,
  ];
  await insertRows(
    subgraph.db,
    'security_incident',
    ['id', 'event_date', 'event_type', 'actor1', 'area_pcode', 'location_name', 'affects_aid', 'source', 'verification', ...MARKING_COLUMNS],
    [incident('INC-T-OPEN', mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC')), incident('INC-T-SECRET', mark('SECRET', 'AMBER', ['FVEY'], 'USA'))],
  );
});
afterAll(() => subgraph?.close());

const QUERY = 'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on IntelligenceReport { id relatedIncidents { id } } } }';

describe('IntelligenceReport.relatedIncidents', () => {
  it('leaves out withheld and unknown incidents without an error, and keeps the order the report gives', async () => {
    const reps = [{ __typename: 'IntelligenceReport', id: 'IR-T-1', relatedIncidentIds: ['INC-T-SECRET', 'INC-T-OPEN', 'INC-T-NONE'] }];
    const deu = await subgraph.execute(QUERY, { reps }, DEU_MEMBER);
    expect(deu.errors).toBeUndefined();
    expect(deu.data._entities).toEqual([{ id: 'IR-T-1', relatedIncidents: [{ id: 'INC-T-OPEN' }] }]);
    const us = await subgraph.execute(QUERY, { reps });
    expect(us.data._entities[0].relatedIncidents).toEqual([{ id: 'INC-T-SECRET' }, { id: 'INC-T-OPEN' }]);
  });

  it('loads the incidents of many reports in one statement', async () => {
    const reps = Array.from({ length: 20 }, (_, i) => ({
      __typename: 'IntelligenceReport',
      id: `IR-T-${i}`,
      relatedIncidentIds: [`INC-${String(i + 1).padStart(4, '0')}`, `INC-${String(i + 21).padStart(4, '0')}`, 'INC-T-OPEN'],
    }));
    const { result, statements } = await subgraph.statementsDuring(() => subgraph.execute(QUERY, { reps }));
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.map((r: { relatedIncidents: unknown[] }) => r.relatedIncidents.length).every((n: number) => n >= 1)).toBe(true);
    expect(statements.filter((sql) => sql.includes('security_incident'))).toHaveLength(1);
  });
});
