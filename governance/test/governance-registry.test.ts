import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { PROJECT_ROOT } from '../src/composition.ts';
import type { GraphState } from '../src/check.ts';
import { loadSavedOperations, type KnownOperation } from '../src/operations.ts';
import { publishSubgraph, repositoryState, resolveVersion, rollbackTo } from '../src/publish.ts';
import { FileSchemaRegistry, RedisSchemaRegistry, type SchemaRegistry } from '../src/registry/index.ts';
import { runSchemaCommand } from '../src/cli.ts';

let baseline: GraphState;
let operations: KnownOperation[];
const GROUPS = ['civil-administration', 'humanitarian', 'security', 'engineering'];

beforeAll(() => {
  baseline = repositoryState();
  operations = loadSavedOperations(path.join(PROJECT_ROOT, 'schema', 'operations'), PROJECT_ROOT);
});

function sdlOf(state: GraphState, name: string): string {
  return state.subgraphs.find((s) => s.name === name)!.sdl;
}

/** The group's SDL with one more Query field, `probe_<group>`. */
function withProbe(name: string, sdl = sdlOf(baseline, name)): string {
  expect(sdl).toContain('type Query {');
  return sdl.replace('type Query {', `type Query {\n  "A field added by the registry test."\n  probe_${name.replace(/-/g, '_')}: String`);
}

const publish = (registry: SchemaRegistry, subgraph: string, sdl: string, extra: { approvals?: { loosening?: string; breaking?: string } } = {}) =>
  publishSubgraph(registry, { subgraph, sdl, author: 'registry-test', message: `probe ${subgraph}`, operations, baseline: () => baseline, ...extra });

/** The same behaviour from both stores: `open` gives a new client each time, as separate processes would have. */
function registryBehaviour(name: string, setup: () => Promise<{ open: () => SchemaRegistry; cleanup: () => Promise<void> } | null>) {
  describe(name, () => {
    let open: () => SchemaRegistry;
    let cleanup: (() => Promise<void>) | undefined;
    let skip = false;
    const clients: SchemaRegistry[] = [];
    const client = () => {
      const registry = open();
      clients.push(registry);
      return registry;
    };

    beforeAll(async () => {
      const ready = await setup();
      if (!ready) {
        skip = true;
        return;
      }
      ({ open, cleanup } = ready);
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await cleanup?.();
    });

    it('serializes concurrent publishes from four clients: none lost, each composed on the one before', async (context) => {
      if (skip) return context.skip();
      const outcomes = await Promise.all(GROUPS.map((group) => publish(client(), group, withProbe(group))));
      expect(outcomes.map((o) => o.status)).toEqual(['published', 'published', 'published', 'published']);
      const registry = client();
      const history = await registry.list();
      expect(history.map((v) => v.seq)).toEqual([4, 3, 2, 1]);
      // A linear chain: each version's parent is the one published just before it.
      expect(history.map((v) => v.parent)).toEqual([history[1].id, history[2].id, history[3].id, null]);
      const head = await registry.get((await registry.head())!);
      for (const group of GROUPS) expect(head!.supergraphSdl).toContain(`probe_${group.replace(/-/g, '_')}`);
      expect(new Set(history.map((v) => v.subgraph))).toEqual(new Set(GROUPS));
      expect(head!.author).toBe('registry-test');
      expect(head!.summary.safe).toBeGreaterThan(0);
    });

    it('stores nothing for a publish that fails its check', async (context) => {
      if (skip) return context.skip();
      const registry = client();
      const before = await registry.head();
      const security = sdlOf((await registry.get(before!))!, 'security');
      const loosened = security.replace('latitude: Float @policy(policies: [["sensitive-location"]])', 'latitude: Float');
      expect(loosened).not.toBe(security);
      const outcome = await publish(registry, 'security', loosened);
      expect(outcome.status).toBe('failed');
      expect(await registry.head()).toBe(before);
      expect(await registry.list()).toHaveLength(4);
    });

    it('reports an unchanged proposal without a new version', async (context) => {
      if (skip) return context.skip();
      const registry = client();
      const head = (await registry.get((await registry.head())!))!;
      const outcome = await publish(registry, 'security', sdlOf(head, 'security'));
      expect(outcome.status).toBe('unchanged');
      expect(await registry.list()).toHaveLength(4);
    });

    it('rolls back by publishing the old supergraph as a new version, keeping history', async (context) => {
      if (skip) return context.skip();
      const registry = client();
      const first = (await resolveVersion(registry, '1'))!;
      const outcome = await rollbackTo(registry, { target: first, author: 'registry-test', operations, approvals: { breaking: 'test rollback removes probes' } });
      expect(outcome.status).toBe('published');
      const history = await registry.list();
      expect(history).toHaveLength(5);
      expect(history[0]).toMatchObject({ seq: 5, kind: 'rollback', rollbackOf: first.id, parent: history[1].id });
      expect((await registry.get(history[0].id))!.supergraphSdl).toBe(first.supergraphSdl);
      // Versions are immutable: one with an existing id is refused.
      expect(await registry.publish(history[0].id, { ...first })).toBe(false);
    });

    it('refuses a rollback that would remove fields without --allow-breaking', async (context) => {
      if (skip) return context.skip();
      const registry = client();
      const fourth = (await resolveVersion(registry, '4'))!;
      const back = await rollbackTo(registry, { target: fourth, author: 'registry-test', operations });
      expect(back.status).toBe('published'); // additions only: safe
      const first = (await resolveVersion(registry, '1'))!;
      const refused = await rollbackTo(registry, { target: first, author: 'registry-test', operations });
      expect(refused.status).toBe('failed');
      expect(await registry.head()).toBe((back as { version: { id: string } }).version.id);
    });
  });
}

registryBehaviour('file registry', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-registry-'));
  return { open: () => new FileSchemaRegistry(dir), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});

registryBehaviour('Redis registry', async () => {
  if (!(await redisAvailable())) return null;
  const prefix = `test:schema:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  return {
    open: () => new RedisSchemaRegistry(TEST_REDIS_URL, prefix),
    cleanup: async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
});

describe('the file registry lock', () => {
  it('takes over a lock left by a process that died', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-registry-lock-'));
    try {
      fs.writeFileSync(path.join(dir, 'lock'), JSON.stringify({ owner: 'crashed', token: 'x', pid: 999_999_999, host: os.hostname(), acquiredAt: new Date().toISOString() }));
      const registry = new FileSchemaRegistry(dir);
      const outcome = await publish(registry, 'security', withProbe('security'));
      expect(outcome.status).toBe('published');
      expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a live holder instead of taking its lock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-registry-lock-'));
    try {
      const registry = new FileSchemaRegistry(dir);
      const release = await registry.lock('first');
      let second = false;
      const waiting = registry.lock('second').then((releaseSecond) => {
        second = true;
        return releaseSecond;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(second).toBe(false);
      await release();
      await (
        await waiting
      )();
      expect(second).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run schema exit codes', () => {
  let dataDir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-schema-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = () => ({ DATA_DIR: dataDir, SCHEMA_AUTHOR: 'cli-test' });

  it('exits 0 for a passing check, printing a readable report', async () => {
    const { out, io: streams } = io();
    expect(await runSchemaCommand(['check', 'security', '--traffic-days', '0'], env(), streams)).toBe(0);
    expect(out.join('')).toContain('PASSED');
  });

  it('exits 1 for a failing check, with --json for pipelines', async () => {
    const file = path.join(dataDir, 'security.graphql');
    fs.writeFileSync(file, sdlOf(baseline, 'security').replace('latitude: Float @policy(policies: [["sensitive-location"]])', 'latitude: Float'));
    const { out, io: streams } = io();
    expect(await runSchemaCommand(['check', 'security', '--sdl', file, '--json'], env(), streams)).toBe(1);
    const report = JSON.parse(out.join(''));
    expect(report.ok).toBe(false);
    expect(report.loosenings[0]).toMatchObject({ coordinate: 'SecurityIncident.latitude', approved: false });
  });

  it('exits 2 on bad usage, and on an unreachable registry', async () => {
    const streams = io();
    expect(await runSchemaCommand(['publish', 'security'], env(), streams.io)).toBe(2);
    expect(streams.err.join('')).toContain('--sdl');
    expect(await runSchemaCommand(['frobnicate'], env(), io().io)).toBe(2);
    expect(await runSchemaCommand(['check', 'security', '--approve-loosening', ' '], env(), io().io)).toBe(2);
    const down = io();
    expect(await runSchemaCommand(['history'], { ...env(), REDIS_URL: 'redis://127.0.0.1:1' }, down.io)).toBe(2);
    expect(down.err.join('')).toContain('unavailable');
  });

  it('publishes, lists, diffs and rolls back through the command line', async () => {
    const file = path.join(dataDir, 'probe.graphql');
    fs.writeFileSync(file, withProbe('security'));
    const published = io();
    expect(await runSchemaCommand(['publish', 'security', '--sdl', file, '--message', 'add a probe', '--traffic-days', '0'], env(), published.io)).toBe(0);
    const id = published.out.join('').trim().split('\n').pop()!;
    expect(id).toMatch(/^1-[0-9a-f]{12}$/);
    const history = io();
    expect(await runSchemaCommand(['history'], env(), history.io)).toBe(0);
    expect(history.out.join('')).toContain(`* ${id}`);
    expect(history.out.join('')).toContain('cli-test');
    fs.writeFileSync(file, withProbe('security', withProbe('security').replace('probe_security', 'probe_security_two')));
    expect(await runSchemaCommand(['publish', 'security', '--sdl', file, '--traffic-days', '0'], env(), io().io)).toBe(0);
    const diff = io();
    expect(await runSchemaCommand(['diff', '1', '2'], env(), diff.io)).toBe(0);
    expect(diff.out.join('')).toContain('FIELD_ADDED Query.probe_security_two');
    expect(diff.out.join('')).toMatch(/^\+ {2}probe_security_two: String/m);
    const rollback = io();
    expect(await runSchemaCommand(['rollback', '1', '--allow-breaking', 'undo the second probe', '--traffic-days', '0'], env(), rollback.io)).toBe(0);
    const after = io();
    await runSchemaCommand(['history', '--json'], env(), after.io);
    const listed = JSON.parse(after.out.join(''));
    expect(listed.versions[0]).toMatchObject({ seq: 3, kind: 'rollback', rollbackOf: id, approvals: { breaking: 'undo the second probe' } });
  });
});
