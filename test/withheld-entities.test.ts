import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@cmcc/subgraph-kit';
import { startStack, type TestStack } from '@cmcc/test-support/stack';

/**
 * A withheld nested entity is absent (docs/security.md: a record that fails is never partly leaked, not through a related id
 * nor an error message): an incident released to the caller, linked to a convoy that is not, shows `convoy: null`
 * with a FORBIDDEN error, and neither the data nor the error names the convoy.
 */

const WITHHELD_CONVOY = 'CONVOY-WITHHELD-7731';
const INCIDENT = 'INC-LINKED-7731';
const WITHHELD_FACILITY = 'FAC-WITHHELD-7731';
const ACTIVITY = 'ACT-LINKED-7731';
const OPEN = { classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN', originator: 'USA', recipients: [], caveats: [] };
const USA_SECRET_ONLY = { classification: 'SECRET', releasable_to: ['USA'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] };

const GBR_RESTRICTED = { sub: 'gbr-restricted', nation: 'GBR', org: 'CMCC', clearance: 'RESTRICTED', cmcc: true };
const US_SECRET = { sub: 'us-secret', nation: 'USA', org: 'CMCC', clearance: 'SECRET', cmcc: true };

/** A copy of the table's first seeded row under a new id, with the given columns replaced. */
async function copyRow(db: Database, table: string, id: string, values: Record<string, unknown>): Promise<void> {
  const [template] = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id LIMIT 1`);
  const row: Record<string, unknown> = { ...template, ...values, id };
  const columns = Object.keys(row);
  await db.query(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((c) => row[c]),
  );
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
  await copyRow(stack.subgraphs.humanitarian.db, 'convoy', WITHHELD_CONVOY, USA_SECRET_ONLY);
  await copyRow(stack.subgraphs.security.db, 'security_incident', INCIDENT, { ...OPEN, convoy_id: WITHHELD_CONVOY, affects_aid: true });
  await copyRow(stack.subgraphs.engineering.db, 'facility', WITHHELD_FACILITY, USA_SECRET_ONLY);
  // Started in the future, so that it heads the list of activities (latest start first).
  await copyRow(stack.subgraphs.humanitarian.db, 'activity', ACTIVITY, { ...OPEN, facility_id: WITHHELD_FACILITY, start_date: '2030-01-01', end_date: null });
}, 300_000);
afterAll(() => stack?.close());

describe('a withheld nested entity through the gateway', () => {
  it.each([
    ['only its id', `{ incident(id: "${INCIDENT}") { id convoy { id } } }`],
    ['its id and fields of its owner', `{ incident(id: "${INCIDENT}") { id convoy { id status type } } }`],
    ['fields another subgraph adds to it', `{ incident(id: "${INCIDENT}") { id convoy { id incidents { id } } } }`],
  ])("an incident's convoy not released to the caller is null with FORBIDDEN, and nothing names it (%s)", async (_case, query) => {
    const response = await stack.query(query, undefined, GBR_RESTRICTED);
    expect(response.data).toEqual({ incident: { id: INCIDENT, convoy: null } });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['incident', 'convoy'], 'FORBIDDEN']]);
    const text = JSON.stringify(response);
    expect(text).not.toContain(WITHHELD_CONVOY);
  });

  it('the same convoy is there for a principal it is released to', async () => {
    const response = await stack.query(`{ incident(id: "${INCIDENT}") { id convoy { id status } } }`, undefined, US_SECRET);
    expect(response.errors).toBeUndefined();
    expect(response.data.incident.convoy).toEqual({ id: WITHHELD_CONVOY, status: expect.any(String) });
  });

  it('a convoy asked for by key is null with FORBIDDEN, and the error does not repeat its id', async () => {
    const response = await stack.query(`{ convoy(id: "${WITHHELD_CONVOY}") { id } }`, undefined, GBR_RESTRICTED);
    expect(response.data).toEqual({ convoy: null });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(response.errors)).not.toContain(WITHHELD_CONVOY);
  });

  it("an activity's facility not released to the caller is null with FORBIDDEN, and nothing names it", async () => {
    const query = `{ activities(first: 1) { edges { node { id facility { id } } } } }`;
    const response = await stack.query(query, undefined, GBR_RESTRICTED);
    expect(response.data.activities.edges).toEqual([{ node: { id: ACTIVITY, facility: null } }]);
    // Nor does the activity's HXL row name it.
    const hxl = await stack.query(`{ activities(first: 1) { edges { node { id hxl { tag value } } } } }`, undefined, GBR_RESTRICTED);
    expect(hxl.errors).toBeUndefined();
    expect(JSON.stringify(hxl.data)).not.toContain(WITHHELD_FACILITY);
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['activities', 'edges', 0, 'node', 'facility'], 'FORBIDDEN']]);
    expect(JSON.stringify(response)).not.toContain(WITHHELD_FACILITY);

    const released = await stack.query(query, undefined, US_SECRET);
    expect(released.errors).toBeUndefined();
    expect(released.data.activities.edges).toEqual([{ node: { id: ACTIVITY, facility: { id: WITHHELD_FACILITY } } }]);
  });
});
