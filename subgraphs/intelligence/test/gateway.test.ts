import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, type AccessMarking } from '@cmcc/subgraph-kit';
import { REPORT_COLUMNS } from '../src/data/seed.ts';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * Intelligence through the gateway: a report's related incidents are resolved by the security subgraph, which leaves
 * out incidents the caller may not read (no error, no trace); the assessment and source need intel:read; the incident
 * ids the report holds are not part of the public graph; an incident shows only the reports released to the caller.
 */

let stack: TestStack;

const mark = (classification: AccessMarking['classification'], tlp: AccessMarking['tlp'], releasableTo: string[], originator: string) =>
  Object.values(markingToRow({ classification, tlp, releasableTo, originator, recipients: [], caveats: [] }));

const DEU_CONFIDENTIAL = { sub: 'deu-confidential', nation: 'DEU', org: 'CMCC', clearance: 'CONFIDENTIAL', cmcc: true };
const DEU_ANALYST = { ...DEU_CONFIDENTIAL, sub: 'deu-analyst', scope: 'intel:read' };
const US_SECRET = { sub: 'us-secret', nation: 'USA', org: 'CMCC', clearance: 'SECRET', scope: 'intel:read' };

beforeAll(async () => {
  stack = await startStack();
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
    stack.subgraphs.security.db,
    'security_incident',
    ['id', 'event_date', 'event_type', 'actor1', 'area_pcode', 'location_name', 'affects_aid', 'source', 'verification', ...MARKING_COLUMNS],
    [incident('INC-T-OPEN', mark('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC')), incident('INC-T-SECRET', mark('SECRET', 'AMBER', ['FVEY'], 'USA'))],
  );
  const report = (id: string, incidents: string[], marking: unknown[]) => [
    id,
    `Test report ${id}`,
    `Assessment of ${id}`,
    '2025-11-02T08:00:00Z',
    'HUMINT',
    'B',
    2,
    'Test liaison contact',
    'PS029901',
    incidents,
    'SYNTHETIC',
    ...marking,
  ];
  await insertRows(stack.subgraphs.intelligence.db, 'intelligence_report', REPORT_COLUMNS, [
    report('IR-T-CMCC', ['INC-T-OPEN', 'INC-T-SECRET', 'INC-T-UNKNOWN'], mark('CONFIDENTIAL', 'AMBER', ['CMCC'], 'CMCC')),
    report('IR-T-FVEY', ['INC-T-OPEN'], mark('SECRET', 'AMBER', ['FVEY'], 'USA')),
  ]);
});
afterAll(() => stack?.close());

describe('intelligence through the gateway', () => {
  it('resolves related incidents in security, leaving out the ones the caller may not read without an error', async () => {
    const query = '{ intelligenceReport(id: "IR-T-CMCC") { id relatedIncidents { id eventType } } }';
    const deu = await stack.query(query, undefined, DEU_CONFIDENTIAL);
    expect(deu.errors).toBeUndefined();
    expect(deu.data.intelligenceReport.relatedIncidents).toEqual([{ id: 'INC-T-OPEN', eventType: 'STRATEGIC_DEVELOPMENTS' }]);
    const us = await stack.query(query, undefined, US_SECRET);
    expect(us.errors).toBeUndefined();
    expect(us.data.intelligenceReport.relatedIncidents.map((i: { id: string }) => i.id)).toEqual(['INC-T-OPEN', 'INC-T-SECRET']);
  });

  it('reads the related incidents of a whole page of reports in one security statement', async () => {
    const { result, statements } = await stack.subgraphs.security.statementsDuring(() =>
      stack.query('{ intelligenceReports(first: 50) { edges { node { id relatedIncidents { id } } } } }', undefined, US_SECRET),
    );
    expect(result.errors).toBeUndefined();
    const reports = result.data.intelligenceReports.edges.map((e: { node: { relatedIncidents: unknown[] } }) => e.node);
    expect(reports.filter((r: { relatedIncidents: unknown[] }) => r.relatedIncidents.length > 0).length).toBeGreaterThan(1);
    expect(statements.filter((sql) => sql.includes('security_incident'))).toHaveLength(1);
  });

  it('keeps the incident ids a report holds out of the public graph', async () => {
    const { errors } = await stack.query('{ intelligenceReport(id: "IR-T-CMCC") { relatedIncidentIds } }', undefined, US_SECRET);
    expect(errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives the assessment and the source only to holders of intel:read', async () => {
    const query = '{ intelligenceReport(id: "IR-T-CMCC") { title grading summary sourceDescription } }';
    const member = await stack.query(query, undefined, DEU_CONFIDENTIAL);
    expect(member.data.intelligenceReport).toEqual({ title: 'Test report IR-T-CMCC', grading: 'B2', summary: null, sourceDescription: null });
    expect(member.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['intelligenceReport.sourceDescription', 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['intelligenceReport.summary', 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
    const analyst = await stack.query(query, undefined, DEU_ANALYST);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data.intelligenceReport).toMatchObject({ summary: 'Assessment of IR-T-CMCC', sourceDescription: 'Test liaison contact' });
  });

  it('shows on an incident only the reports released to the caller, and nothing of the withheld one', async () => {
    const query = '{ incident(id: "INC-T-OPEN") { id intelligenceReports { id grading } } }';
    const deu = await stack.query(query, undefined, DEU_CONFIDENTIAL);
    expect(deu.errors).toBeUndefined();
    expect(deu.data.incident.intelligenceReports).toEqual([{ id: 'IR-T-CMCC', grading: 'B2' }]);
    const us = await stack.query(query, undefined, US_SECRET);
    expect(us.data.incident.intelligenceReports.map((r: { id: string }) => r.id).sort()).toEqual(['IR-T-CMCC', 'IR-T-FVEY']);
  });

  it('refuses a withheld report by id with FORBIDDEN', async () => {
    const hidden = await stack.query('{ intelligenceReport(id: "IR-T-FVEY") { id } }', undefined, DEU_CONFIDENTIAL);
    expect(hidden.data?.intelligenceReport).toBeNull();
    expect(hidden.errors?.[0]).toMatchObject({ path: ['intelligenceReport'], extensions: { code: 'FORBIDDEN' } });
  });
});
