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

  it("has the compose file's gateway follow the registry in Redis, the committed file serving until the first publish", () => {
    const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'));
    const env = Object.fromEntries(Object.entries(compose.services.gateway.environment as Record<string, string>).filter(([, v]) => !v.startsWith('${')));
    const { supergraphSource, supergraphPath } = loadGatewayConfig({ ...env, SUBGRAPH_SHARED_SECRET: 'x'.repeat(32), AUDIT_SIGNING_KEY: 'y'.repeat(32) });
    expect(supergraphSource).toMatchObject({ source: 'registry', registry: { kind: 'redis', redisUrl: 'redis://redis:6379' } });
    expect(supergraphPath).toBe(path.resolve('schema/supergraph.graphql'));
  });
});
