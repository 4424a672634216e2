import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as poll } from '@cmcc/test-support/eventually';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import type { GraphState } from '@cmcc/governance/check';
import { loadSavedOperations } from '@cmcc/governance/operations';
import { publishSubgraph } from '@cmcc/governance/publish';
import { FileSchemaRegistry, RedisSchemaRegistry, type SchemaRegistry, type SchemaVersion } from '@cmcc/governance/registry/index';
import { close, createLogger, listen } from '@cmcc/platform';
import { postGraphQL, TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';
import { loadGatewayConfig } from '../src/config.ts';
import type { RegistrySupergraphManager } from '../src/registry-supergraph.ts';
import { createGateway } from '../src/server.ts';

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };
const operations = loadSavedOperations(path.join(PROJECT_ROOT, 'schema', 'operations'), PROJECT_ROOT);

let stack: TestStack;
let registryDir: string;
let registry: SchemaRegistry;
/** The repository's SDLs with the routing URLs of this stack's subgraphs: the registry's starting point. */
let baseline: GraphState;
const manager = () => stack.gateway.supergraph as RegistrySupergraphManager;

const eventually = <T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 15_000) => poll(probe, accept, timeoutMs, 50);

async function ready(url: string): Promise<any> {
  return (await fetch(`${url}/ready`)).json();
}

function withProbe(state: GraphState, subgraph: string, field: string): string {
  const sdl = state.subgraphs.find((s) => s.name === subgraph)!.sdl;
  expect(sdl).toContain('type Query {');
  return sdl.replace('type Query {', `type Query {\n  "A field added by the hot swap test."\n  ${field}: String`);
}

async function publishProbe(subgraph: string, field: string): Promise<SchemaVersion> {
  const head = await registry.head();
  const state = head ? (await registry.get(head))! : baseline;
  const outcome = await publishSubgraph(registry, { subgraph, sdl: withProbe(state, subgraph, field), author: 'hot-swap-test', operations, baseline: () => baseline });
  expect(outcome.status).toBe('published');
  return (outcome as { version: SchemaVersion }).version;
}

/** Writes a version straight into the registry, as someone bypassing `npm run schema` could. */
async function writeBypassingChecks(parent: string | null, version: SchemaVersion): Promise<void> {
  const release = await registry.lock('test writing around the checks');
  try {
    expect(await registry.publish(parent, version)).toBe(true);
  } finally {
    await release();
  }
}

async function queryFields(url: string, token: string): Promise<string[]> {
  const response = await postGraphQL(`${url}/graphql`, '{ __type(name: "Query") { fields { name } } }', undefined, { authorization: `Bearer ${token}` });
  return response.data.__type.fields.map((f: { name: string }) => f.name);
}

beforeAll(async () => {
  registryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gw-registry-'));
  stack = await startStack({ env: { SUPERGRAPH_SOURCE: 'registry', SCHEMA_REGISTRY_DIR: registryDir, SCHEMA_REGISTRY_POLL_MS: '200' } });
  registry = new FileSchemaRegistry(registryDir);
  const subgraphs = stack.entries.map((entry) => ({
    name: entry.name,
    url: `${stack.subgraphs[entry.name].url}/graphql`,
    sdl: fs.readFileSync(path.join(PROJECT_ROOT, entry.schema), 'utf8'),
  }));
  baseline = { subgraphs, supergraphSdl: fs.readFileSync(stack.supergraphPath, 'utf8') };
});
afterAll(async () => {
  await registry?.close();
  await stack?.close();
  fs.rmSync(registryDir, { recursive: true, force: true });
});

describe('a gateway following the schema registry', () => {
  it('serves the supergraph file while the registry is empty, and says so in /ready', async () => {
    const body = await ready(stack.gatewayUrl);
    expect(body.supergraph).toMatchObject({ phase: 'loaded', source: 'file', version: null, registry: { kind: 'files', reachable: true } });
    // /ready is unauthenticated: it names the kind of registry, never its folder.
    expect(JSON.stringify(body)).not.toContain(registryDir);
    const { errors } = await stack.query(SITUATION, SINCE);
    expect(errors).toBeUndefined();
  });

  it('switches to each published version without a restart and without one failed request under load', async () => {
    let stop = false;
    const results: { status: number; errors?: unknown }[] = [];
    const token = await stack.token(ANALYST_CLAIMS);
    const worker = async () => {
      while (!stop) {
        const response = await postGraphQL(`${stack.gatewayUrl}/graphql`, SITUATION, SINCE, { authorization: `Bearer ${token}` }).catch((error: Error) => ({
          status: 0,
          errors: [error.message],
        }));
        results.push(response);
      }
    };
    const load = [worker(), worker(), worker(), worker()];
    const completedAt: number[] = [];
    try {
      for (const [subgraph, field] of [
        ['security', 'probe_one'],
        ['humanitarian', 'probe_two'],
        ['engineering', 'probe_three'],
      ]) {
        const before = results.length;
        const version = await publishProbe(subgraph, field);
        const state = await eventually(
          () => manager().state,
          (s) => s.phase === 'loaded' && s.version === version.id,
        );
        expect(state).toMatchObject({ source: 'registry', version: version.id });
        // Requests keep completing across each swap.
        await eventually(
          () => results.length,
          (n) => n >= before + 8,
        );
        completedAt.push(results.length);
      }
    } finally {
      stop = true;
      await Promise.all(load);
    }
    const failed = results.filter((r) => r.status !== 200 || r.errors !== undefined);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(24);
    expect(completedAt).toHaveLength(3);
    expect(await queryFields(stack.gatewayUrl, token)).toEqual(expect.arrayContaining(['probe_one', 'probe_two', 'probe_three']));
    const body = await ready(stack.gatewayUrl);
    expect(body.status).toBe('ready');
    expect(body.supergraph.version).toBe(await registry.head());
  });

  it('caches the version it serves on disk', async () => {
    const cached = JSON.parse(fs.readFileSync(path.join(stack.dataDir, 'registry-cache', 'supergraph.json'), 'utf8'));
    expect(cached.version).toBe(await registry.head());
    expect(cached.supergraphSdl).toContain('probe_three');
  });

  it('never serves a publish that fails its check: the head and the served version stay', async () => {
    const served = manager().state;
    const head = (await registry.get((await registry.head())!))!;
    const security = head.subgraphs.find((s) => s.name === 'security')!.sdl;
    const outcome = await publishSubgraph(registry, {
      subgraph: 'security',
      sdl: security.replace('latitude: Float @policy(policies: [["sensitive-location"]])', 'latitude: Float'),
      author: 'hot-swap-test',
      operations,
    });
    expect(outcome.status).toBe('failed');
    await manager().refresh();
    expect(manager().state).toMatchObject({ version: (served as { version: string }).version });
    // The dashboard's principal without the policy still gets latitude withheld.
    const { errors } = await stack.query('{ incidents(first: 1) { edges { node { id latitude } } } }', undefined, {
      sub: 'ngo',
      org: 'XM-DAC-41127',
      clearance: 'UNCLASSIFIED',
      cmcc: true,
    });
    expect(errors?.map((e) => e.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('rejects a registry version that does not validate and keeps serving the last good one', async () => {
    const served = manager().state as { version: string };
    const head = (await registry.get(served.version))!;
    const supergraphSdl = `${head.supergraphSdl}\ntype Broken { field: Missing }\n`;
    const hash = createHash('sha256').update(supergraphSdl).digest('hex');
    const broken: SchemaVersion = { ...head, id: `${head.seq + 1}-${hash.slice(0, 12)}`, seq: head.seq + 1, hash, parent: head.id, supergraphSdl };
    await writeBypassingChecks(head.id, broken);
    await manager().refresh();
    expect(manager().state).toMatchObject({ version: served.version, lastRejected: { version: broken.id } });
    expect(stack.logs.some((line) => line.includes('supergraph rejected: it does not parse or validate'))).toBe(true);
    const { errors } = await stack.query(SITUATION, SINCE);
    expect(errors).toBeUndefined();
  });

  it('rejects a registry version whose content does not match its hash (altered in the registry)', async () => {
    const served = manager().state as { version: string };
    const good = (await registry.get(served.version))!;
    const altered: SchemaVersion = {
      ...good,
      id: `${good.seq + 2}-${good.hash.slice(0, 12)}`,
      seq: good.seq + 2,
      parent: await registry.head(),
      supergraphSdl: good.supergraphSdl.replace(/@policy\(policies: \[\["sensitive-location"\]\]\)/g, ''),
    };
    expect(altered.supergraphSdl).not.toBe(good.supergraphSdl);
    await writeBypassingChecks(altered.parent, altered);
    await manager().refresh();
    expect(manager().state).toMatchObject({ version: served.version, lastRejected: { version: altered.id, error: 'content does not match the version hash' } });
  });

  it('starts from the disk cache when the registry is unreachable, says so in /ready and the log, and serves', async () => {
    const cached = JSON.parse(fs.readFileSync(path.join(stack.dataDir, 'registry-cache', 'supergraph.json'), 'utf8'));
    const auditDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gw-cache-audit-'));
    const config = loadGatewayConfig({
      SUPERGRAPH_SOURCE: 'registry',
      SUPERGRAPH_PATH: stack.supergraphPath,
      // Nothing listens on port 1: the registry is down.
      REDIS_URL: 'redis://127.0.0.1:1',
      AUDIT_SINK: 'file',
      AUDIT_DIR: auditDir,
      DATA_DIR: stack.dataDir,
      SCHEMA_REGISTRY_POLL_MS: '200',
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    });
    const logs: string[] = [];
    const gateway = await createGateway(config, createLogger('gateway', 'info', { write: (line: string) => void logs.push(line) }));
    const { server, url } = await listen(gateway.handler, 0);
    try {
      const body = await ready(url);
      expect(body.supergraph).toMatchObject({ phase: 'loaded', source: 'cache', version: cached.version, registry: { reachable: false } });
      expect(logs.some((line) => line.includes('unreachable at start') && line.includes('disk cache'))).toBe(true);
      const token = await stack.token(ANALYST_CLAIMS);
      // The cached version, not the file: it has the fields published since.
      expect(await queryFields(url, token)).toEqual(expect.arrayContaining(['probe_one', 'probe_three']));
      const response = await postGraphQL(`${url}/graphql`, SITUATION, SINCE, { authorization: `Bearer ${token}` });
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    } finally {
      await close(server);
      await gateway.stop();
      fs.rmSync(auditDir, { recursive: true, force: true });
    }
  });
});

describe('notifications', () => {
  it('from the file registry (a watch on its folder) reach a gateway that polls only every ten minutes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gw-watch-'));
    const config = loadGatewayConfig({
      SUPERGRAPH_SOURCE: 'registry',
      SUPERGRAPH_PATH: stack.supergraphPath,
      SCHEMA_REGISTRY_DIR: path.join(dir, 'registry'),
      SCHEMA_REGISTRY_POLL_MS: '600000',
      DATA_DIR: dir,
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    });
    const gateway = await createGateway(config, createLogger('gateway', 'silent'));
    const watched = new FileSchemaRegistry(path.join(dir, 'registry'));
    try {
      const following = gateway.supergraph as RegistrySupergraphManager;
      expect(following.state).toMatchObject({ source: 'file' });
      const outcome = await publishSubgraph(watched, {
        subgraph: 'security',
        sdl: withProbe(baseline, 'security', 'probe_watch'),
        author: 'watch-test',
        operations,
        baseline: () => baseline,
      });
      expect(outcome.status).toBe('published');
      const state = await eventually(
        () => following.state,
        (s) => s.phase === 'loaded' && s.source === 'registry',
      );
      expect(state).toMatchObject({ source: 'registry', version: (outcome as { version: SchemaVersion }).version.id });
    } finally {
      await gateway.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('from the Redis registry (pub/sub) reach every replica, one that polls only every ten minutes and one started after the publish, which is never ready on an older version', async (context) => {
    if (!(await redisAvailable())) return context.skip();
    const prefix = `test:schema:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gw-redis-'));
    const configEnv = {
      SUPERGRAPH_SOURCE: 'registry',
      SUPERGRAPH_PATH: stack.supergraphPath,
      REDIS_URL: TEST_REDIS_URL,
      SCHEMA_REGISTRY_PREFIX: prefix,
      SCHEMA_REGISTRY_POLL_MS: '600000',
      AUDIT_SINK: 'file',
      DATA_DIR: dir,
      SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    };
    const config = loadGatewayConfig(configEnv);
    const gateway = await createGateway(config, createLogger('gateway', 'silent'));
    const redisRegistry = new RedisSchemaRegistry(TEST_REDIS_URL, prefix);
    try {
      const following = gateway.supergraph as RegistrySupergraphManager;
      expect(following.state).toMatchObject({ source: 'file' });
      // Subscribed before publishing: the notification is what must carry the change.
      await eventually(
        () => following.state,
        (s) => s.phase === 'loaded' && s.registry.reachable,
      );
      const outcome = await publishSubgraph(redisRegistry, {
        subgraph: 'security',
        sdl: withProbe(baseline, 'security', 'probe_redis'),
        author: 'redis-test',
        operations,
        baseline: () => baseline,
      });
      expect(outcome.status).toBe('published');
      const state = await eventually(
        () => following.state,
        (s) => s.phase === 'loaded' && s.source === 'registry',
      );
      expect(state).toMatchObject({ source: 'registry', version: (outcome as { version: SchemaVersion }).version.id });

      // A replica started after the publish serves the published version from its first answer: built, it is loaded
      // with the registry's head, not the file (so /ready, which says ready once loaded, never covers an older one).
      const late = await createGateway(loadGatewayConfig({ ...configEnv, DATA_DIR: fs.mkdtempSync(path.join(dir, 'late-')) }), createLogger('gateway', 'silent'));
      try {
        expect((late.supergraph as RegistrySupergraphManager).state).toMatchObject({
          phase: 'loaded',
          source: 'registry',
          version: (outcome as { version: SchemaVersion }).version.id,
        });
      } finally {
        await late.stop();
      }
    } finally {
      await gateway.stop();
      await redisRegistry.close();
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
