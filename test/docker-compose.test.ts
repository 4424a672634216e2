import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';

// No Docker engine runs here, so the compose file is checked as data: every subgraph, wired as the code expects.
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const subgraphs = loadSubgraphList();

describe('docker-compose.yml', () => {
  it('runs Postgres and Redis with health checks', () => {
    expect(compose.services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.redis.healthcheck.test.join(' ')).toContain('ping');
  });

  it.each(subgraphs.map((s) => [s.name, s] as const))('runs the %s subgraph on Postgres with its port, a readiness check and the demonstration seed', (name, subgraph) => {
    const service = compose.services[name];
    expect(service, `service ${name} missing`).toBeDefined();
    // The bundle `npm run build` makes of the subgraph's entry point (test/build.test.ts runs one).
    expect(service.command).toEqual([`dist/subgraphs/${name}.js`]);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'subgraphs', name, 'src', 'index.ts'))).toBe(true);
    expect(service.environment.PORT).toBe(String(subgraph.port));
    expect(service.environment.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    // On Postgres the seed is off unless asked: a fresh demonstration stack asks, so it has data to show.
    expect(service.environment.SEED).toBe('synthetic');
    expect(service.healthcheck.test.join(' ')).toContain(`127.0.0.1:${subgraph.port}/ready`);
    expect(service.depends_on.postgres.condition).toBe('service_healthy');
    expect(service.environment.SUBGRAPH_SHARED_SECRET).toBe(compose.services.gateway.environment.SUBGRAPH_SHARED_SECRET);
  });

  it('points the gateway at every subgraph by service name and waits for them to be healthy', () => {
    const gateway = compose.services.gateway;
    expect(gateway.command).toEqual(['dist/gateway.js']);
    expect(gateway.ports).toContain('4000:4000');
    for (const subgraph of subgraphs) {
      const variable = `SUBGRAPH_${subgraph.name.toUpperCase().replace(/-/g, '_')}_URL`;
      expect(gateway.environment[variable]).toBe(`http://${subgraph.name}:${subgraph.port}/graphql`);
      expect(gateway.depends_on[subgraph.name].condition).toBe('service_healthy');
    }
    expect(gateway.healthcheck.test.join(' ')).toContain('/ready');
    expect(gateway.environment.SUBGRAPH_SHARED_SECRET).toMatch(/^\$\{SUBGRAPH_SHARED_SECRET:\?/);
  });

  it('builds one non-root Node 24 image that runs the built JavaScript of any service by command, with production dependencies only', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:24/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    // A build stage with the development dependencies runs `npm run build`; the runtime stage has none of them.
    expect(dockerfile).toMatch(/^RUN npm run build -- --out \/out$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev /m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^COPY --from=build \/out \.\/$/m);
    expect(runtime).not.toMatch(/tsx|esbuild/);
    expect(runtime).toMatch(/^ENTRYPOINT \["node"[^\]]*\]$/m);
    expect(runtime).toMatch(/^CMD \["dist\/gateway\.js"\]$/m);
  });
});
