import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, hmacAuditKey, RedisAuditSink, type AuditEventContent } from '@cmcc/audit-trail';
import { createLogger, type Principal } from '@cmcc/subgraph-kit';
import { redisAvailable, testRedis, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { TEST_PRINCIPAL, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { startAuditSubgraphOver, TEST_AUDIT_SIGNING_KEY } from './trail.ts';

// Investigations over the trail of two gateway replicas (two Redis chains in one set): events newest first across
// chains, paged once each, and `verified` per event: an event lies in the verified part of its own chain or not.

const available = await redisAvailable();
const prefix = `cmcc:audit:test-investigations:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
const SET = `${prefix}:streams`;
const [FIRST, SECOND] = [`${prefix}:gw-1`, `${prefix}:gw-2`];
const AUDITOR: Principal = Object.freeze({ ...TEST_PRINCIPAL, subject: 'auditor', roles: ['auditor'], scopes: ['audit:read'] });
const logger = createLogger('test', 'silent');

const at = (minutes: number) => new Date(Date.UTC(2025, 10, 3, 8, minutes)).toISOString();
function event(n: number, key: string): AuditEventContent {
  return {
    id: `e${n}`,
    time: at(n),
    requestId: `gw-e${n}`,
    principal: { subject: 'us-analyst', nation: 'USA', organization: 'CMCC', roles: [], clearance: 'SECRET' },
    client: { name: null, version: null },
    operation: { name: 'Site', type: 'query', hash: 'a'.repeat(64), document: 'query Site { x }' },
    variables: null,
    fields: ['Query.displacementSite'],
    entities: [{ field: 'displacementSite', type: 'DisplacementSite', key }],
    subgraphs: ['civil-administration'],
    authorization: { removed: [], withheld: [] },
    outcome: { status: 'OK', httpStatus: 200, errorCodes: [], errorCount: 0 },
    durationMs: 3,
    markings: { complete: true, records: [] },
  };
}
// The first replica served SITE-A at 08:00, 08:02, 08:04; the second SITE-B at 08:01, 08:03, 08:05.
const EVENTS = [0, 1, 2, 3, 4, 5].map((n) => event(n, n % 2 === 0 ? 'SITE-A' : 'SITE-B'));

async function writeChain(stream: string, events: AuditEventContent[]): Promise<void> {
  const trail = new AuditTrail({
    sink: new RedisAuditSink(TEST_REDIS_URL, stream, logger, SET),
    key: hmacAuditKey(TEST_AUDIT_SIGNING_KEY),
    logger,
    bufferSize: 100,
    batchSize: 10,
    checkpointEvery: 1000,
    checkpointSeconds: 3600,
    failOpen: false,
  });
  for (const each of events) trail.append(each, trail.admit());
  await trail.close();
}

describe.skipIf(!available)('investigations over several replicas’ chains', () => {
  let admin: Awaited<ReturnType<typeof testRedis>>;
  let subgraph: TestSubgraph;
  let audit: Awaited<ReturnType<typeof startAuditSubgraphOver>>;

  beforeAll(async () => {
    admin = await testRedis();
    audit = await startAuditSubgraphOver([], {
      env: { REDIS_URL: TEST_REDIS_URL, AUDIT_SINK: 'redis', AUDIT_REDIS_STREAM: `${prefix}:none`, AUDIT_REDIS_STREAM_SET: SET },
      write: async () => {
        await writeChain(
          FIRST,
          EVENTS.filter((_, i) => i % 2 === 0),
        );
        await writeChain(
          SECOND,
          EVENTS.filter((_, i) => i % 2 === 1),
        );
      },
    });
    ({ subgraph } = audit);
  });
  afterAll(async () => {
    await audit?.close();
    if (!admin) return;
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  const PAGE = `edges { node { id chain } } pageInfo { hasNextPage endCursor } totalCount verified chains { chain ok verifiedUpToSeq }`;
  async function ask(call: string, variables?: Record<string, unknown>) {
    const { data, errors } = await subgraph.execute(`query${call.includes('$after') ? '($after: String)' : ''} { answer: ${call} { ${PAGE} } }`, variables, AUDITOR);
    expect(errors).toBeUndefined();
    return { ...data.answer, ids: data.answer.edges.map((edge: { node: { id: string } }) => edge.node.id) };
  }
  const ACTIVITY = `auditPrincipalActivity(principal: "us-analyst", from: "${at(0)}", to: "${at(10)}", first: 4, after: $after)`;

  it('lists both chains’ events newest first, pages through them once each, and names the chains', async () => {
    const first = await ask(ACTIVITY);
    expect(first.ids).toEqual(['e5', 'e4', 'e3', 'e2']);
    expect(first.edges.map((edge: { node: { chain: string } }) => edge.node.chain)).toEqual([SECOND, FIRST, SECOND, FIRST]);
    const second = await ask(ACTIVITY, { after: first.pageInfo.endCursor });
    expect(second.ids).toEqual(['e1', 'e0']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(first).toMatchObject({ totalCount: 6, verified: true });
    expect(first.chains).toEqual([
      { chain: FIRST, ok: true, verifiedUpToSeq: 4 },
      { chain: SECOND, ok: true, verifiedUpToSeq: 4 },
    ]);
    // One replica's record: only its chain.
    expect((await ask('auditRecordAccess(type: "DisplacementSite", key: "SITE-A")')).chains.map((chain: { chain: string }) => chain.chain)).toEqual([FIRST]);
  });

  it('says which answers still verify once a record is removed from one chain', async () => {
    // seq 2 of the second chain (e3) removed: that chain verifies up to seq 1 only.
    expect(await admin.xdel(SECOND, '2-0')).toBe(1);
    const a = await ask('auditRecordAccess(type: "DisplacementSite", key: "SITE-A")');
    expect(a).toMatchObject({ ids: ['e4', 'e2', 'e0'], verified: true, chains: [{ chain: FIRST, ok: true }] });
    const b = await ask('auditRecordAccess(type: "DisplacementSite", key: "SITE-B")');
    expect(b).toMatchObject({ ids: ['e5', 'e1'], verified: false, chains: [{ chain: SECOND, ok: false, verifiedUpToSeq: 1 }] });
  });
});
