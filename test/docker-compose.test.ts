import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';

// No Docker engine runs here, so the compose file is checked as data: every subgraph, wired as the code expects.
const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const subgraphs = loadSubgraphList();

const GATEWAYS = ['gateway-1', 'gateway-2'];
const nginx = fs.readFileSync(path.join(PROJECT_ROOT, 'deploy', 'compose', 'nginx.conf'), 'utf8');

/** The body of an nginx block that opens with `opening {` (braces counted, so nested blocks stay inside). */
function nginxBlock(opening: string): string {
  const start = nginx.indexOf(`${opening} {`);
  expect(start, `nginx.conf has no "${opening} {" block`).toBeGreaterThanOrEqual(0);
  let depth = 0;
  for (let index = nginx.indexOf('{', start); index < nginx.length; index++) {
    if (nginx[index] === '{') depth++;
    if (nginx[index] === '}' && --depth === 0) return nginx.slice(nginx.indexOf('{', start) + 1, index);
  }
  throw new Error(`unclosed block ${opening}`);
}

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
    for (const gateway of GATEWAYS) expect(service.environment.SUBGRAPH_SHARED_SECRET).toBe(compose.services[gateway].environment.SUBGRAPH_SHARED_SECRET);
  });

  it.each(GATEWAYS)('points %s at every subgraph by service name and waits for them to be healthy', (name) => {
    const gateway = compose.services[name];
    expect(gateway.command).toEqual(['dist/gateway.js']);
    for (const subgraph of subgraphs) {
      const variable = `SUBGRAPH_${subgraph.name.toUpperCase().replace(/-/g, '_')}_URL`;
      expect(gateway.environment[variable]).toBe(`http://${subgraph.name}:${subgraph.port}/graphql`);
      expect(gateway.depends_on[subgraph.name].condition).toBe('service_healthy');
    }
    expect(gateway.depends_on.redis.condition).toBe('service_healthy');
    expect(gateway.healthcheck.test.join(' ')).toContain('/ready');
    expect(gateway.environment.SUBGRAPH_SHARED_SECRET).toMatch(/^\$\{SUBGRAPH_SHARED_SECRET:\?/);
  });

  it('runs two gateway replicas with the same settings, one shared data volume and an audit chain each', () => {
    const [first, second] = GATEWAYS.map((name) => compose.services[name]);
    const { AUDIT_REDIS_STREAM: firstStream, ...firstRest } = first.environment;
    const { AUDIT_REDIS_STREAM: secondStream, ...secondRest } = second.environment;
    expect(firstRest).toEqual(secondRest);
    // Two writers on one hash chain would fork it.
    expect(firstStream).not.toBe(secondStream);
    expect(first.volumes).toEqual(['gateway-data:/app/data']);
    expect(second.volumes).toEqual(first.volumes);
    // The audit subgraph reads every replica's chain: the set both gateways add their stream to.
    expect(firstRest.AUDIT_REDIS_STREAM_SET).toBeTruthy();
    expect(compose.services.audit.environment.AUDIT_REDIS_STREAM_SET).toBe(firstRest.AUDIT_REDIS_STREAM_SET);
  });

  it('publishes only the load balancer, on 127.0.0.1 unless CMCC_PUBLISH_ADDRESS says otherwise', () => {
    const published = Object.entries(compose.services).filter(([, service]) => (service as { ports?: unknown[] }).ports?.length);
    expect(published.map(([name]) => name)).toEqual(['load-balancer']);
    expect(compose.services['load-balancer'].ports).toEqual(['${CMCC_PUBLISH_ADDRESS:-127.0.0.1}:${CMCC_PUBLISH_PORT:-4000}:80']);
    for (const service of Object.values(compose.services) as { expose?: unknown; network_mode?: string }[]) expect(service.network_mode).toBeUndefined();
    for (const gateway of GATEWAYS) expect(compose.services['load-balancer'].depends_on[gateway].condition).toBe('service_healthy');
  });

  it('balances round-robin over both replicas, passes WebSocket upgrades on /graphql and never buffers /graphql/stream', () => {
    expect(compose.services['load-balancer'].image).toMatch(/^nginx:1\.(2[89]|[3-9]\d)/);
    expect(compose.services['load-balancer'].volumes).toEqual(['./deploy/compose/nginx.conf:/etc/nginx/nginx.conf:ro']);
    const upstream = nginxBlock('upstream gateways');
    expect([...upstream.matchAll(/^\s*server (\S+)/gm)].map((match) => match[1])).toEqual(GATEWAYS.map((name) => `${name}:4000`));
    // No other balancing method than nginx's default round-robin.
    expect(upstream).not.toMatch(/\b(ip_hash|hash|least_conn|random)\b/);
    const graphql = nginxBlock('location /graphql');
    expect(graphql).toMatch(/proxy_pass http:\/\/gateways;/);
    expect(graphql).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(graphql).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
    const stream = nginxBlock('location /graphql/stream');
    expect(stream).toMatch(/proxy_buffering off;/);
    expect(stream).toMatch(/proxy_pass http:\/\/gateways;/);
    expect(nginxBlock('location = /metrics')).toMatch(/return 404;/);
  });

  it('gives Redis a password from .env and every client a REDIS_URL that carries it', () => {
    const redis = compose.services.redis;
    const requirepass = redis.command[redis.command.indexOf('--requirepass') + 1];
    expect(requirepass).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(redis.environment.REDISCLI_AUTH).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    for (const name of [...GATEWAYS, 'audit']) expect(compose.services[name].environment.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
  });

  it('gives Postgres its password from a secret file, read by the subgraphs from the same file and never written in a URL', () => {
    expect(compose.secrets.postgres_password.file).toBe('./secrets/postgres_password');
    const postgres = compose.services.postgres;
    expect(postgres.environment.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(postgres.environment.POSTGRES_PASSWORD).toBeUndefined();
    expect(postgres.secrets).toEqual(['postgres_password']);
    for (const { name } of subgraphs) {
      const service = compose.services[name];
      expect(service.secrets).toEqual(['postgres_password']);
      expect(service.environment.DATABASE_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
      // No password in the URL: postgres://user@host, not postgres://user:password@host.
      expect(new URL(service.environment.DATABASE_URL).password).toBe('');
    }
    const ignored = fs.readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('/secrets/');
    expect(ignored).toContain('.env');
    const dockerIgnored = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(dockerIgnored).toEqual(expect.arrayContaining(['.env', 'secrets']));
  });

  it('exposes in the image the gateway’s port and every subgraph’s, the new coordination subgraph’s included', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const exposed = (dockerfile.match(/^EXPOSE (.+)$/m)?.[1] ?? '').split(/\s+/).map(Number);
    expect(exposed.sort((a, b) => a - b)).toEqual([4000, ...subgraphs.map((s) => s.port)].sort((a, b) => a - b));
  });

  it('leaves the refusal of development keys on: production image, no override unless .env sets one', () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
    for (const name of [...GATEWAYS, ...subgraphs.map((s) => s.name)]) expect(compose.services[name].environment.NODE_ENV).toBeUndefined();
    for (const gateway of GATEWAYS) expect(compose.services[gateway].environment.AUTH_ALLOW_DEVELOPMENT_KEYS).toBe('${AUTH_ALLOW_DEVELOPMENT_KEYS:-false}');
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
