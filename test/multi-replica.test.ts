import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubgraphList } from '@cmcc/governance/composition';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { convoyRequest } from '@cmcc/test-support/convoys';
import { eventually } from '@cmcc/test-support/eventually';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@cmcc/test-support/redis-topologies';
import { startRoundRobinProxy, startServiceProcess, type RoundRobinProxy, type ServiceProcess } from '@cmcc/test-support/replicas';
import { postgresAvailable, TEST_DATABASE_URL } from '@cmcc/test-support/services';
import { loadDefinition, writeSupergraph } from '@cmcc/test-support/stack';
import { postGraphQL, startTestSubgraph, TEST_SHARED_SECRET, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * Issue 18, "How it is shown": three gateway processes and two replicas each of two subgraphs (humanitarian and
 * security, separate processes on ports the system picks), every group behind a round-robin load balancer, sharing one
 * Redis (a redis-server of the test's own) and one Postgres database (created for the test). They behave as one
 * service: reads are spread over every replica and agree; a mutation retried through another gateway and another
 * subgraph replica is applied once; a change through one gateway evicts the answer the others cached; an auditor
 * asking any gateway sees the events all three recorded, in chains that verify; and the service keeps answering, with
 * nothing failed, while a gateway and a subgraph replica are killed, and after the gateway is restarted.
 *
 * The other working groups' subgraphs are not started (their routing URLs refuse connections): every operation here
 * reads only humanitarian, security and the audit subgraph (in-process: it reads the trail the gateways write).
 */

const available = (await postgresAvailable()) && redisServerAvailable();
const entries = loadSubgraphList();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-replicas-'));
const database = `replicas_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const databaseUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${database}` }).toString();
const AUDIT_SIGNING_KEY = 'a-multi-replica-test-audit-key-of-32-chars';
const STREAM_SET = 'cmcc:audit:streams';

const EDITOR = { sub: 'replica-editor', nation: 'USA', org: 'CMCC', wg: ['humanitarian'], clearance: 'SECRET', roles: ['editor'], scope: 'write:humanitarian read:*', cmcc: true };
const ANALYST = { sub: 'replica-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };
const AUDITOR = { sub: 'replica-auditor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['auditor'], scope: 'audit:read', cmcc: true };

const READ = `query ReplicaRead { convoys(first: 5) { edges { node { id status } } } incidents(first: 5) { edges { node { id } } } }`;
const REQUEST = `mutation ReplicaRequest($input: RequestConvoyInput!, $key: String) {
  requestConvoy(input: $input, idempotencyKey: $key) { convoy { id } userErrors { code message } }
}`;
const CONVOY = `query ReplicaConvoy($id: ID!) { convoy(id: $id) { id status provenance { version } } }`;
const UPDATE = `mutation ReplicaUpdate($input: UpdateConvoyStatusInput!) { updateConvoyStatus(input: $input) { convoy { id status } userErrors { code message } } }`;
const EVENTS = `query ReplicaAudit($principal: String) {
  auditEvents(filter: { principal: $principal }, first: 500) { edges { node { id operation { name } subgraphs } } }
  auditChainStatus { ok events problem chains { ok events storage } }
}`;

let redis: RedisServer;
let admin: pg.Client;
let db: pg.Client;
let audit: TestSubgraph;
const gateways: ServiceProcess[] = [];
const humanitarian: ServiceProcess[] = [];
const security: ServiceProcess[] = [];
let gatewayProxy: RoundRobinProxy;
let humanitarianProxy: RoundRobinProxy;
let securityProxy: RoundRobinProxy;
let gatewayEnv: (replica: number) => Record<string, string>;

async function send(url: string, text: string, variables: Record<string, unknown>, claims: Record<string, unknown>) {
  return postGraphQL(`${url}/graphql`, text, variables, { authorization: `Bearer ${await signDevToken(dir, claims)}` });
}
const viaBalancer = (text: string, variables: Record<string, unknown> = {}, claims: Record<string, unknown> = ANALYST) => send(gatewayProxy.url, text, variables, claims);
const convoyCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM humanitarian.convoy')).rows[0].n;

beforeAll(async () => {
  if (!available) return;
  redis = await startRedisServer();
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  // One development key and one shared secret for every replica (as one Secret mounted into every pod).
  await signDevToken(dir, ANALYST);
  const secret = new TextDecoder().decode(TEST_SHARED_SECRET);
  const common = { DATA_DIR: dir, SUBGRAPH_SHARED_SECRET: secret, REDIS_URL: redis.url };
  const subgraphEnv = { ...common, DATABASE_URL: databaseUrl, SEED: 'synthetic' };
  // Both replicas of a group start at once on the same empty database: migrations and seed run once (advisory lock).
  // Each process is kept as soon as it listens, so that afterAll stops it even when another fails to start.
  const keep = (into: ServiceProcess[]) => (service: ServiceProcess) => (into.push(service), service);
  await Promise.all([
    ...[1, 2].map((n) => startServiceProcess(`humanitarian-${n}`, 'subgraphs/humanitarian/src/index.ts', subgraphEnv).then(keep(humanitarian))),
    ...[1, 2].map((n) => startServiceProcess(`security-${n}`, 'subgraphs/security/src/index.ts', subgraphEnv).then(keep(security))),
  ]);
  humanitarianProxy = await startRoundRobinProxy(humanitarian.map((replica) => replica.url));
  securityProxy = await startRoundRobinProxy(security.map((replica) => replica.url));
  const auditEnv = { REDIS_URL: redis.url, AUDIT_SIGNING_KEY, AUDIT_REDIS_STREAM_SET: STREAM_SET, DATA_DIR: dir };
  const auditDefinition = (await loadDefinition('audit')) as Awaited<ReturnType<typeof loadDefinition>> & { withEnv(env: Record<string, string>): typeof auditDefinition };
  audit = await startTestSubgraph(auditDefinition.withEnv(auditEnv));
  const refused = 'http://127.0.0.1:9';
  const urls = Object.fromEntries(entries.map((entry) => [entry.name, refused]));
  Object.assign(urls, { humanitarian: humanitarianProxy.url, security: securityProxy.url, audit: audit.url });
  writeSupergraph(entries, urls, path.join(dir, 'supergraph.graphql'));
  gatewayEnv = (replica) => ({
    ...common,
    SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql'),
    AUDIT_SIGNING_KEY,
    AUDIT_REDIS_STREAM: `cmcc:audit:gateway-${replica}`,
    AUDIT_REDIS_STREAM_SET: STREAM_SET,
    GATEWAY_RESPONSE_CACHE: 'true',
  });
  await Promise.all([1, 2, 3].map((n) => startServiceProcess(`gateway-${n}`, 'gateway/src/index.ts', gatewayEnv(n)).then(keep(gateways))));
  gatewayProxy = await startRoundRobinProxy(gateways.map((gateway) => gateway.url));
}, 240_000);

afterAll(async () => {
  await Promise.all([gatewayProxy?.close(), humanitarianProxy?.close(), securityProxy?.close()]);
  await Promise.all([...gateways, ...humanitarian, ...security].map((service) => service.stop('SIGKILL')));
  await audit?.close();
  await redis?.stop();
  await db?.end();
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!available)('three gateways and two replicas of two subgraphs behind round-robin balancers', () => {
  let requested: string[] = [];

  it('spread reads over every gateway and every subgraph replica, and every replica gives the same answer', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => viaBalancer(READ)));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(answers[0].data);
    }
    expect(answers[0].data.convoys.edges.length).toBeGreaterThan(0);
    expect(answers[0].data.incidents.edges.length).toBeGreaterThan(0);
    for (const proxy of [gatewayProxy, humanitarianProxy, securityProxy]) {
      for (const upstream of proxy.upstreams) expect(proxy.served.get(upstream), upstream).toBeGreaterThan(0);
    }
  });

  it('apply a mutation retried through another gateway and another subgraph replica once, also when the tries arrive together', async () => {
    const before = await convoyCount();
    const input = convoyRequest({ classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' });
    const keys = Array.from({ length: 5 }, (_, i) => `replica-retry-${i}-${database}`);
    // Each key three times: two tries at the same moment, then one after; round robin sends them to different gateways.
    const together = await Promise.all(keys.flatMap((key) => [viaBalancer(REQUEST, { input, key }, EDITOR), viaBalancer(REQUEST, { input, key }, EDITOR)]));
    const later = await Promise.all(keys.map((key) => viaBalancer(REQUEST, { input, key }, EDITOR)));
    for (const answer of [...together, ...later]) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.requestConvoy.userErrors).toEqual([]);
    }
    requested = keys.map((_, i) => later[i].data.requestConvoy.convoy.id as string);
    keys.forEach((_, i) => {
      expect(together[2 * i].data.requestConvoy.convoy.id).toBe(requested[i]);
      expect(together[2 * i + 1].data.requestConvoy.convoy.id).toBe(requested[i]);
    });
    expect(new Set(requested).size).toBe(keys.length);
    expect(await convoyCount()).toBe(before + keys.length);
  });

  it('serve a change made through one gateway at once from the others, whose cached answers it evicted', async () => {
    const id = requested[0];
    // Three reads: one per gateway; the second and third are answered from the shared response cache.
    const cached = [];
    for (let i = 0; i < 3; i++) cached.push(await viaBalancer(CONVOY, { id }));
    for (const answer of cached) expect(answer.data.convoy).toMatchObject({ id, status: 'REQUESTED' });
    const version = cached[0].data.convoy.provenance.version as number;
    const updated = await viaBalancer(UPDATE, { input: { convoyId: id, version, status: 'FACILITATED' } }, EDITOR);
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateConvoyStatus.userErrors).toEqual([]);
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await viaBalancer(CONVOY, { id }));
    for (const answer of after) expect(answer.data.convoy).toMatchObject({ id, status: 'FACILITATED' });
    // The cache was in play: the audit trail records reads answered without calling any subgraph.
    type Event = { operation: { name: string }; subgraphs: string[] };
    const events = await eventually(
      async (): Promise<Event[]> => (await viaBalancer(EVENTS, { principal: ANALYST.sub }, AUDITOR)).data.auditEvents.edges.map((edge: { node: Event }) => edge.node),
      (events) => events.some((event) => event.operation.name === 'ReplicaConvoy' && event.subgraphs.length === 0),
    );
    expect(events.filter((event) => event.operation.name === 'ReplicaConvoy').map((event) => event.subgraphs.length)).toContain(0);
  });

  it('show an auditor asking any gateway every event the three recorded, in three chains that verify', async () => {
    // The editor's operations so far: 15 requests and one status change, spread over the three gateways.
    for (const gateway of gateways) {
      const answer = await eventually(
        () => send(gateway.url, EVENTS, { principal: EDITOR.sub }, AUDITOR),
        (response) => response.data?.auditEvents.edges.length === 16,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data.auditEvents.edges).toHaveLength(16);
      const status = answer.data.auditChainStatus;
      expect(status).toMatchObject({ ok: true, problem: null });
      expect(status.chains).toHaveLength(3);
      for (const chain of status.chains) expect(chain).toMatchObject({ ok: true });
      expect(status.chains.map((chain: { events: number }) => chain.events).every((events: number) => events > 0)).toBe(true);
    }
  });

  it('keep answering, with nothing failed, while a gateway and a subgraph replica are killed, and after the gateway is restarted', async () => {
    const [killedGateway] = gateways.splice(1, 1);
    await Promise.all([killedGateway.stop('SIGKILL'), humanitarian[0].stop('SIGKILL')]);
    const retriedBefore = gatewayProxy.retriedElsewhere + humanitarianProxy.retriedElsewhere;
    const during = await Promise.all([
      ...Array.from({ length: 9 }, () => viaBalancer(READ)),
      ...[0, 1, 2].map((i) =>
        viaBalancer(
          REQUEST,
          { input: convoyRequest({ classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' }), key: `during-${i}-${database}` },
          EDITOR,
        ),
      ),
    ]);
    for (const answer of during)
      expect(answer.status === 200 && answer.errors === undefined, `${JSON.stringify(answer.errors)} ${humanitarianProxy.failures.join(', ')}`).toBe(true);
    // The balancers sent the requests that met a dead replica on to a live one.
    expect(gatewayProxy.retriedElsewhere + humanitarianProxy.retriedElsewhere).toBeGreaterThan(retriedBefore);

    // The same replica again (its own audit chain): as a Deployment restarts a pod, with a new address.
    const replica = Number(killedGateway.name.split('-')[1]);
    const restarted = await startServiceProcess(`gateway-${replica} (restarted)`, 'gateway/src/index.ts', gatewayEnv(replica));
    gateways.push(restarted);
    gatewayProxy.upstreams = gateways.map((gateway) => gateway.url);
    const after = await Promise.all(Array.from({ length: 6 }, () => viaBalancer(READ)));
    for (const answer of after) expect(answer.errors).toBeUndefined();
    expect(gatewayProxy.served.get(restarted.url)).toBeGreaterThan(0);
    // The restarted replica continues its own chain: the trail still verifies, three chains.
    const status = await eventually(
      async () => (await send(restarted.url, EVENTS, { principal: EDITOR.sub }, AUDITOR)).data,
      (data) => data?.auditEvents.edges.length === 19,
    );
    // 16 before, and the three requests made while a gateway was down: none lost.
    expect(status.auditEvents.edges).toHaveLength(19);
    expect(status.auditChainStatus).toMatchObject({ ok: true, problem: null });
    expect(status.auditChainStatus.chains).toHaveLength(3);
  });
});
