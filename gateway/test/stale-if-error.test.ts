import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultyProxy, type FaultyProxy } from '@cmcc/test-support/faulty-proxy';
import { eventually } from '@cmcc/test-support/eventually';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { GraphQLResponse } from '@cmcc/test-support/subgraph';
import { fillFromStale } from '../src/cache/stale.ts';

/**
 * Issue 19, point 3: with the response cache on, when a subgraph fails, an answer to the same operation for the same
 * principal that expired less than GATEWAY_RESPONSE_CACHE_STALE_IF_ERROR_SECONDS ago stands in for that subgraph's
 * fields, and says so (`extensions.stale: { serviceName, asOf }` on each error and on the response). Only the failed
 * subgraph's fields are filled; nobody gets an answer that was built for someone else.
 */

/** Areas (civil administration) with their incidents (security): two subgraphs, each giving its answer a lifetime. */
const SITUATION = `query StaleProbe($since: DateTime!) {
  areas(level: GOVERNORATE) { pcode name populationEstimates { value asOf } incidents(since: $since) { id eventDate fatalities } threatLevel }
}`;
const VARIABLES = { since: '2025-10-10T00:00:00Z' };
const OFFICER = { sub: 'stale-officer', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };
const OTHER = { sub: 'stale-other', nation: 'GBR', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };

let stack: TestStack;
let security: FaultyProxy;

beforeAll(async () => {
  security = await startFaultyProxy();
  stack = await startStack({
    env: {
      GATEWAY_RESPONSE_CACHE: 'true',
      // Entries expire after a second, and may stand in for a failed subgraph for ten minutes after that.
      GATEWAY_RESPONSE_CACHE_MAX_AGE_SECONDS: '1',
      GATEWAY_RESPONSE_CACHE_STALE_IF_ERROR_SECONDS: '600',
      SUBGRAPH_RETRIES: '0',
      SUBGRAPH_TIMEOUT_MS: '2000',
      SUBGRAPH_CIRCUIT_FAILURE_THRESHOLD: '100000',
      SUBGRAPH_SECURITY_URL: `${security.url}/graphql`,
    },
  });
  security.target = stack.subgraphs.security.url;
});
afterAll(async () => {
  await stack?.close();
  await security?.close();
});

describe('a subgraph that fails after its answer was cached', () => {
  it('has its fields filled from the last known answer, marked stale with the subgraph and the time of that answer', async () => {
    const started = Date.now();
    const healthy = await stack.query(SITUATION, VARIABLES, OFFICER);
    expect(healthy.errors).toBeUndefined();
    expect(stack.gateway.performance.stats().responseCache?.stores).toBeGreaterThan(0);
    const incidentsKnown = healthy.data.areas.filter((area: { incidents: unknown[] | null }) => (area.incidents?.length ?? 0) > 0);
    expect(incidentsKnown.length).toBeGreaterThan(0);

    await security.refuse();
    try {
      // Once the entry has expired (a second), the answer is made afresh, security fails, and the stale copy fills in.
      const degraded = await eventually(
        () => stack.query(SITUATION, VARIABLES, OFFICER),
        (response: GraphQLResponse) => Boolean(response.extensions?.stale),
      );
      expect(degraded.data).toEqual(healthy.data);
      expect(degraded.errors?.length).toBeGreaterThan(0);
      for (const error of degraded.errors ?? []) {
        expect(error.extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security', stale: { serviceName: 'security', asOf: expect.any(String) } });
        const asOf = Date.parse((error.extensions!.stale as { asOf: string }).asOf);
        expect(asOf).toBeGreaterThanOrEqual(started - 1000);
        expect(asOf).toBeLessThanOrEqual(Date.now());
      }
      expect(degraded.extensions!.stale).toEqual([{ serviceName: 'security', asOf: expect.any(String), fields: expect.any(Number) }]);

      // Another principal, whose view was never cached, gets the failed subgraph's fields as null, and nothing stale.
      const other = await stack.query(SITUATION, VARIABLES, OTHER);
      expect(other.extensions?.stale).toBeUndefined();
      expect(other.data.areas.every((area: { incidents: unknown }) => area.incidents === null)).toBe(true);
      expect(other.errors?.every((error) => error.extensions?.serviceName === 'security' && error.extensions?.stale === undefined)).toBe(true);
    } finally {
      await security.accept();
    }
  });
});

describe('filling from the last known answer (fillFromStale)', () => {
  // A small supergraph: areas from one subgraph, their incidents and threat level from another.
  const schema = buildSchema(`
    type Query { areas: [Area!]! }
    type Area { pcode: ID! name: String incidents: [Incident!] threatLevel: String population: Int }
    type Incident { id: ID! notes: String }
  `);
  const owners = new Map([
    ['Query.areas', new Set(['civil'])],
    ['Area.pcode', new Set(['civil', 'security'])],
    ['Area.name', new Set(['civil'])],
    ['Area.population', new Set(['civil'])],
    ['Area.incidents', new Set(['security'])],
    ['Area.threatLevel', new Set(['security'])],
    ['Incident.id', new Set(['security'])],
    ['Incident.notes', new Set(['security'])],
  ]);
  const document = parse('query { list: areas { code: pcode name people: population incidents { id } danger: threatLevel } }');
  const operation = document.definitions[0] as OperationDefinitionNode;
  const fill = (fresh: Record<string, unknown>, stale: Record<string, unknown>, failed = ['security']) =>
    fillFromStale({ schema, document, operation, fresh, stale, failed: new Set(failed), owners });

  it('fills only the failed subgraph’s fields (through aliases), never a null another subgraph gave now', () => {
    const fresh = { list: [{ code: 'PS0255', name: 'North Gaza', people: null, incidents: null, danger: null }] };
    const stale = { list: [{ code: 'PS0255', name: 'North Gaza', people: 500, incidents: [{ id: 'INC-1' }], danger: 'HIGH' }] };
    const fills = fill(fresh, stale);
    expect(fresh.list[0]).toEqual({ code: 'PS0255', name: 'North Gaza', people: null, incidents: [{ id: 'INC-1' }], danger: 'HIGH' });
    expect(fills).toEqual([
      { serviceName: 'security', path: ['list', 0, 'incidents'] },
      { serviceName: 'security', path: ['list', 0, 'danger'] },
    ]);
  });

  it('matches records in lists by their key, not their position, and leaves a record the old answer did not have alone', () => {
    // An area whose key is not in the old answer (or changed places) must never get another area's incidents.
    const fresh = {
      list: [
        { code: 'PS0260', name: 'Gaza', people: 1, incidents: null, danger: null },
        { code: 'PS0255', name: 'North Gaza', people: 2, incidents: null, danger: null },
        { code: 'PS0299', name: 'New', people: 3, incidents: null, danger: null },
      ],
    };
    const stale = {
      list: [
        { code: 'PS0255', name: 'North Gaza', people: 2, incidents: [{ id: 'INC-NORTH' }], danger: 'HIGH' },
        { code: 'PS0260', name: 'Gaza', people: 1, incidents: [{ id: 'INC-GAZA' }], danger: 'LOW' },
      ],
    };
    fill(fresh, stale);
    expect(fresh.list.map((area) => [area.code, area.incidents, area.danger])).toEqual([
      ['PS0260', [{ id: 'INC-GAZA' }], 'LOW'],
      ['PS0255', [{ id: 'INC-NORTH' }], 'HIGH'],
      ['PS0299', null, null],
    ]);
  });

  it('fills nothing when the subgraph that failed is not the one that resolves the null field', () => {
    const fresh = { list: [{ code: 'PS0255', name: null, people: null, incidents: null, danger: null }] };
    const stale = { list: [{ code: 'PS0255', name: 'North Gaza', people: 2, incidents: [], danger: 'LOW' }] };
    expect(fill(fresh, stale, ['engineering'])).toEqual([]);
    expect(fresh.list[0]).toEqual({ code: 'PS0255', name: null, people: null, incidents: null, danger: null });
  });
});
