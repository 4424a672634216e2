import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';

describe('where the gateway gets its supergraph', () => {
  it('follows the file registry under DATA_DIR by default, polling every 2 s, with its cache beside it', () => {
    const { supergraphSource } = loadGatewayConfig({ DATA_DIR: 'somewhere' });
    expect(supergraphSource).toMatchObject({
      source: 'registry',
      pollMs: 2000,
      registry: { kind: 'files', dir: path.resolve('somewhere', 'registry'), prefix: 'cmcc:schema:' },
      cacheDir: path.resolve('somewhere', 'registry-cache'),
    });
  });

  it('serves the file alone when SUPERGRAPH_PATH is set, unless SUPERGRAPH_SOURCE says registry', () => {
    expect(loadGatewayConfig({ SUPERGRAPH_PATH: 'x.graphql' }).supergraphSource.source).toBe('file');
    expect(loadGatewayConfig({ SUPERGRAPH_PATH: 'x.graphql', SUPERGRAPH_SOURCE: 'registry' }).supergraphSource.source).toBe('registry');
  });

  it('uses Redis when REDIS_URL is set', () => {
    const { registry } = loadGatewayConfig({ REDIS_URL: 'redis://redis:6379', SCHEMA_REGISTRY_PREFIX: 'ops:schema:' }).supergraphSource;
    expect(registry).toMatchObject({ kind: 'redis', redisUrl: 'redis://redis:6379', prefix: 'ops:schema:' });
  });

  it('reports every bad value together', () => {
    try {
      loadGatewayConfig({ SUPERGRAPH_SOURCE: 'git', SCHEMA_REGISTRY_POLL_MS: '10', SCHEMA_REGISTRY_PREFIX: 'a b' });
      expect.unreachable('a bad configuration must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('SUPERGRAPH_SOURCE');
      expect(problems).toContain('SCHEMA_REGISTRY_POLL_MS');
      expect(problems).toContain('SCHEMA_REGISTRY_PREFIX');
    }
  });

  it.each(['gateway-1', 'gateway-2'])("has the compose file's %s follow the registry in Redis, the committed file serving until the first publish", (name) => {
    const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    const environment = compose.services[name]?.environment as Record<string, string> | undefined;
    expect(environment, `docker-compose.yml has no ${name} service with an environment`).toBeDefined();
    // Interpolated as `docker compose` does with this .env: required variables from it, the rest at their defaults.
    const dotEnv: Record<string, string> = { REDIS_PASSWORD: 'a'.repeat(32), AUDIT_SIGNING_KEY: 'y'.repeat(32), SUBGRAPH_SHARED_SECRET: 'x'.repeat(32) };
    const interpolate = (value: string) =>
      value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, variable: string, kind?: string, rest?: string) => {
        if (dotEnv[variable] !== undefined) return dotEnv[variable];
        if (kind === '?') throw new Error(`${variable} has no value in the test's .env: ${rest}`);
        return kind === '-' ? (rest ?? '') : '';
      });
    const env = Object.fromEntries(Object.entries(environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
    const { supergraphSource, supergraphPath } = loadGatewayConfig(env);
    expect(supergraphSource).toMatchObject({ source: 'registry', registry: { kind: 'redis', redisUrl: `redis://:${'a'.repeat(32)}@redis:6379` } });
    expect(supergraphPath).toBe(path.resolve('schema/supergraph.graphql'));
  });
});
