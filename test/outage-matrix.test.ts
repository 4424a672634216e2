import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { startFaultyProxy, type FaultyProxy } from '@cmcc/test-support/faulty-proxy';
import { collateralLosses, fieldResolvers, type FieldResolvers } from '@cmcc/governance/outage';
import { eventually } from '@cmcc/test-support/eventually';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import type { GraphQLResponse } from '@cmcc/test-support/subgraph';

/**
 * The outage matrix (issue 19): every committed operation, with each working group's subgraph unavailable in turn, in
 * four ways (connection refused, frozen until the gateway's timeout, HTTP 500, a body that is not JSON). Whatever
 * the other subgraphs own must still be there, identical to the healthy answer; what is lost must be fields the
 * missing subgraph resolves, nulled where they stand; and every error must name the missing subgraph with the code
 * DOWNSTREAM_SERVICE_ERROR.
 *
 * The oracle of "owned by" is the composed supergraph's own join directives (which subgraphs resolve each field),
 * read independently of the gateway (governance/src/outage.ts).
 */

const OPERATIONS_DIR = path.join(PROJECT_ROOT, 'schema', 'operations');
const OPERATIONS = fs
  .readdirSync(OPERATIONS_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => ({ name: file.replace(/\.graphql$/, ''), text: fs.readFileSync(path.join(OPERATIONS_DIR, file), 'utf8') }));

/** Variables the operations need beyond their defaults (the dashboard's usual window). */
const VARIABLES: Record<string, Record<string, unknown>> = {
  // The audit events of an operation this file sends once (beforeAll), not of one the matrix runs alongside it.
  AuditEventsForOperation: { operationName: 'OutageMatrixAuditProbe' },
  // The audit view's timeline, likewise: without a filter it would list the matrix's own requests as they happen.
  AuditTimeline: { filter: { operationName: 'OutageMatrixAuditProbe' } },
  FloorOverview: { since: '2025-10-10T00:00:00Z', at: '2025-12-01T00:00:00Z' },
  OperationsFloorDashboard: { since: '2025-10-10T00:00:00Z' },
  SituationByGovernorate: { since: '2025-10-10T00:00:00Z' },
};

/** A principal who may run every committed operation: a US officer of the CMCC cleared SECRET, reader and auditor. */
const OFFICER = { sub: 'outage-officer', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst', 'auditor'], scope: 'read:* audit:read', cmcc: true };

type Mode = 'refused' | 'frozen' | 'http_500' | 'malformed';
const MODES: Mode[] = ['refused', 'frozen', 'http_500', 'malformed'];
const TIMEOUT_MS = 2500;

/**
 * Fields that state when they were computed or count a trail that grows with every request this file sends, and its last
 * signed checkpoint (one is written every AUDIT_CHECKPOINT_SECONDS, so it can fall between the answer before and during
 * an outage).
 */
const VOLATILE = new Set([
  'AuditChainStatus.checkedAt',
  'AuditChainStatus.verifiedUpToSeq',
  'AuditChainStatus.lastSeq',
  'AuditChainStatus.events',
  'AuditChainStatus.warnings',
  'AuditChainStatus.lastCheckpoint',
]);

let stack: TestStack;
const proxies: Record<string, FaultyProxy> = {};
let oracle: FieldResolvers;
const SUBGRAPHS = loadSubgraphList().map((entry) => entry.name);

beforeAll(async () => {
  for (const name of SUBGRAPHS) proxies[name] = await startFaultyProxy();
  const env: Record<string, string> = {
    SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
    // The audit subgraph verifies every chain of a trail this file keeps growing: seconds on a busy machine, not a fault.
    SUBGRAPH_AUDIT_TIMEOUT_MS: String(TIMEOUT_MS * 6),
    SUBGRAPH_RETRIES: '0',
    // Every subgraph fails many times in this file; a circuit left open would fail the next subgraph's healthy answer.
    SUBGRAPH_CIRCUIT_FAILURE_THRESHOLD: '100000',
  };
  for (const name of SUBGRAPHS) env[`SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`] = `${proxies[name]!.url}/graphql`;
  stack = await startStack({ env });
  for (const name of SUBGRAPHS) proxies[name]!.target = stack.subgraphs[name]!.url;
  oracle = fieldResolvers(fs.readFileSync(stack.supergraphPath, 'utf8'));
});

afterAll(async () => {
  await stack?.close();
  await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
});

async function makeUnavailable(name: string, mode: Mode): Promise<void> {
  const proxy = proxies[name]!;
  if (mode === 'refused') await proxy.refuse();
  else if (mode === 'frozen') proxy.mode = { kind: 'delay', ms: TIMEOUT_MS * 20 };
  else if (mode === 'http_500') proxy.mode = { kind: 'fail', status: 500 };
  else proxy.mode = { kind: 'malformed' };
}

async function restore(name: string, mode: Mode): Promise<void> {
  const proxy = proxies[name]!;
  proxy.mode = { kind: 'pass' };
  if (mode === 'refused') await proxy.accept();
}

/** The subgraphs each operation sends to when all is well (read once: it is a property of the query plan). */
const involvedIn = new Map<string, Set<string>>();

async function runAll(): Promise<GraphQLResponse<Record<string, unknown>>[]> {
  return Promise.all(OPERATIONS.map((operation) => stack.query(operation.text, VARIABLES[operation.name] ?? {}, OFFICER)));
}

describe('the outage matrix: each committed operation with each subgraph unavailable', () => {
  beforeAll(async () => {
    // Something for AuditEventsForOperation to list that does not grow while the matrix runs.
    await stack.query('query OutageMatrixAuditProbe { areas(level: GOVERNORATE) { pcode } }', {}, OFFICER);
    await eventually(
      () => stack.query(OPERATIONS.find((o) => o.name === 'AuditEventsForOperation')!.text, VARIABLES.AuditEventsForOperation, OFFICER),
      ({ data }) => (data?.auditEvents?.edges?.length ?? 0) > 0,
    );
    // One operation at a time, so the proxies that see a request are the ones this operation's plan reaches.
    for (const operation of OPERATIONS) {
      const before = Object.fromEntries(SUBGRAPHS.map((name) => [name, proxies[name]!.bodies.length]));
      const { errors } = await stack.query(operation.text, VARIABLES[operation.name] ?? {}, OFFICER);
      expect(errors, `${operation.name} healthy: ${JSON.stringify(errors)}`).toBeUndefined();
      involvedIn.set(operation.name, new Set(SUBGRAPHS.filter((name) => proxies[name]!.bodies.length > before[name]!)));
    }
  });

  it('reads the supergraph oracle (every subgraph resolves some field)', () => {
    for (const name of SUBGRAPHS)
      expect(
        [...oracle.owners.values()].some((owners) => owners.has(name)),
        name,
      ).toBe(true);
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(6);
  });

  // Per missing subgraph and mode, every operation at once: a frozen subgraph costs one gateway timeout, not one per operation.
  for (const missing of SUBGRAPHS) {
    it(`keeps every other subgraph's data in every operation when ${missing} is refused, frozen, failing or malformed`, async () => {
      const healthy = await runAll();
      healthy.forEach(({ data, errors }, index) => {
        expect(errors, `${OPERATIONS[index]!.name} healthy: ${JSON.stringify(errors)}`).toBeUndefined();
        expect(data).toBeTruthy();
      });

      for (const mode of MODES) {
        await makeUnavailable(missing, mode);
        let answers;
        try {
          answers = await runAll();
        } finally {
          await restore(missing, mode);
        }
        OPERATIONS.forEach((operation, index) => {
          const degraded = answers[index]!;
          const before = healthy[index]!.data!;
          const label = `${operation.name} with ${missing} ${mode}`;
          if (degraded.data === null || degraded.data === undefined) {
            // Only when every root field of the operation is the missing subgraph's own (nothing else to reach).
            const othersRoots = Object.keys(before).filter((field) => !oracle.owners.get(`Query.${field}`)?.has(missing));
            expect(othersRoots, `${label}: data null, losing other subgraphs' root fields`).toEqual([]);
          } else {
            expect(collateralLosses(before, degraded.data, 'Query', missing, oracle, { volatile: VOLATILE }), `${label}: ${JSON.stringify(degraded.errors)}`).toEqual([]);
          }
          if (!involvedIn.get(operation.name)!.has(missing)) {
            expect(degraded.errors, `${label}: ${JSON.stringify(degraded.errors)}`).toBeUndefined();
            return;
          }
          expect(degraded.errors?.length, `${label}: an error says what is missing`).toBeGreaterThan(0);
          for (const error of degraded.errors ?? []) {
            expect(error.extensions, `${label}: ${error.message}`).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: missing });
          }
        });
      }
    });
  }
});
