// `npm run soak [-- --duration 180 --workers 4 --replicas 3]`: the stack as child processes on free loopback ports with
// its own data (a temporary folder) and, when the redis-server binary exists, its own Redis run as people run it: a
// primary, two replicas and a Sentinel. Under sustained mixed load (reads, writes, live subscriptions) a subgraph is
// killed and restarted, the Redis primary is killed (the Sentinel fails over to a replica; the old primary comes back as
// a replica), a gateway replica is killed and restarted (with --replicas 2 or more), and a changed schema is published
// through the schema registry (`npm run schema -- publish`, which every gateway follows). Requests go to the gateway
// replicas in turn, through a load balancer that skips a replica refusing connections (as nginx does). Reports what was
// served, what failed and why (apart: requests in flight on the killed replica, and partial answers while a subgraph
// was down), acknowledged writes versus writes found in the database and changes applied per key (duplicates), what
// the subscribers received, the one audit trail of all replicas (each chain verified), and the gateways' memory.
// Exits 1 when an acknowledged write is missing, a write was applied twice, or the audit trail does not verify.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadSubgraphList, PROJECT_ROOT, type SubgraphEntry } from '@cmcc/governance/composition';
import { collateralLosses, fieldResolvers } from '@cmcc/governance/outage';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { loadSavedOperations } from '@cmcc/gateway/explorer/operations';
import { openDatabase } from '@cmcc/subgraph-kit';
import { hmacAuditKey, MergedRedisAuditStore } from '@cmcc/audit-trail';
import { parseCli, usageError } from '@cmcc/platform';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const USAGE = `Usage: npm run soak [-- --duration <seconds>] [--workers <n>] [--replicas <n>] [--max-requests <n>] [--keep]
  runs the whole stack on free loopback ports under load while a subgraph, Redis and the schema change under it
  --duration <s>        how long, 10..3600 seconds (default 180)
  --workers <n>         concurrent clients, 1..32 (default 4)
  --replicas <n>        gateway processes sharing the subgraphs and Redis, requests sent to each in turn, 1..4 (default 1)
  --max-requests <n>    stop after this many requests (default 200000)
  --keep                keep the temporary data folder and logs
Exit code: 1 when an acknowledged write is missing, or the replicas' audit trail does not verify.`;

const { values: args } = parseCli({
  usage: USAGE,
  options: {
    duration: { type: 'string', default: '180' },
    workers: { type: 'string', default: '4' },
    replicas: { type: 'string', default: '1' },
    'max-requests': { type: 'string', default: '200000' },
    keep: { type: 'boolean', default: false },
  },
});
const durationMs = Number(args.duration) * 1000;
const workers = Number(args.workers);
const maxRequests = Number(args['max-requests']);
const replicas = Number(args.replicas);
if (
  !(durationMs >= 10_000 && durationMs <= 3_600_000) ||
  !(workers >= 1 && workers <= 32) ||
  !(maxRequests >= 1) ||
  !(Number.isInteger(replicas) && replicas >= 1 && replicas <= 4)
) {
  usageError(USAGE, 'A value is out of range.');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-soak-'));
const secret = randomBytes(32).toString('base64');
const auditKey = randomBytes(32).toString('base64');
const entries = loadSubgraphList();
const log = (message: string) => console.log(`[soak ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}`);
let startedAt = Date.now();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const children = new Map<string, ChildProcess>();
// Whatever ends this script, it takes its services with it.
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
function run(name: string, command: string, argv: string[], env: Record<string, string>): ChildProcess {
  const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(command, argv, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  children.set(name, child);
  return child;
}

function stopChild(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = children.get(name);
  children.delete(name);
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill(signal);
  });
}

async function waitFor(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s; logs are in ${dir}`);
}

// --- Redis (its own, never the machine's): a primary, two replicas and a Sentinel --------------------------------
const redisBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
const redisPorts = redisBinary ? [await freePort(), await freePort(), await freePort()] : [];
const sentinelPort = redisBinary ? await freePort() : 0;
const SENTINEL_NAME = 'cmcc-soak';
const AUDIT_STREAM_SET = 'cmcc:audit:soak:streams';
const redisUrl = `redis+sentinel://127.0.0.1:${sentinelPort}/${SENTINEL_NAME}`;
// Each gateway replica writes its own chain and adds it to the set; the audit subgraph reads them all.
const redisEnv: Record<string, string> = redisBinary
  ? { REDIS_URL: redisUrl, AUDIT_REDIS_STREAM: 'cmcc:audit:soak:gateway-1', AUDIT_REDIS_STREAM_SET: AUDIT_STREAM_SET }
  : { REDIS_URL: '' };
/** Redis node `n` (0: the first primary); the others replicate whichever node is primary when they start. */
function startRedisNode(n: number, primaryPort = redisPorts[0]): void {
  const replicaOf = redisPorts[n] === primaryPort ? [] : ['--replicaof', '127.0.0.1', String(primaryPort)];
  const folder = path.join(dir, `redis-${n}`);
  fs.mkdirSync(folder, { recursive: true });
  run(
    `redis-${n}`,
    'redis-server',
    ['--port', String(redisPorts[n]), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', folder, ...replicaOf],
    {},
  );
}
function startSentinel(): void {
  const config = path.join(dir, 'sentinel.conf');
  const lines = [
    `port ${sentinelPort}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${redisPorts[0]} 1`,
    `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
    `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
  ];
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  run('redis-sentinel', 'redis-server', [config, '--sentinel'], {});
}
/** Asks a Redis on `port` one command with redis-cli (null when it does not answer). */
function redisCli(port: number, ...command: string[]): string | null {
  const result = spawnSync('redis-cli', ['-p', String(port), ...command], { encoding: 'utf8', timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() : null;
}
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const primaryPort = () => Number(redisCli(sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_NAME)?.split('\n')[1] ?? 0);

// --- Services ------------------------------------------------------------------------------------------------------
const ports: Record<string, number> = {};
for (const entry of entries) ports[entry.name] = await freePort();
const gatewayPorts: number[] = [];
for (let i = 0; i < replicas; i++) gatewayPorts.push(await freePort());
const gatewayUrls = gatewayPorts.map((port) => `http://127.0.0.1:${port}`);
/** The first replica: where memory is sampled and /ready read. */
const gatewayUrl = gatewayUrls[0];
const common = { DATA_DIR: dir, HOST: '127.0.0.1', SUBGRAPH_SHARED_SECRET: secret, AUDIT_SIGNING_KEY: auditKey, LOG_LEVEL: 'warn', DATABASE_URL: '', ...redisEnv };

function startSubgraph(entry: SubgraphEntry): void {
  run(entry.name, process.execPath, ['--import', 'tsx', path.join('subgraphs', entry.name, 'src', 'index.ts')], { ...common, PORT: String(ports[entry.name]) });
}

let revision = 0;
/**
 * The schema change of the run, through the schema registry as a working group would make it: `npm run schema -- publish`
 * of humanitarian's SDL with a changed description (a safe change), into the registry the gateway follows (the soak's own
 * Redis when it runs one, else files under the soak's folder). Returns the published version id.
 */
async function publishSchemaChange(): Promise<string> {
  revision++;
  const humanitarian = entries.find((entry) => entry.name === 'humanitarian')!;
  const original = fs.readFileSync(path.join(PROJECT_ROOT, humanitarian.schema), 'utf8');
  // The first one-line description (a line that is only a string), not a directive argument such as @link's url.
  const sdlPath = path.join(dir, `humanitarian-revision-${revision}.graphql`);
  fs.writeFileSync(sdlPath, original.replace(/^(\s*)"([^"\n]+)"$/m, `$1"$2 (soak revision ${revision})"`));
  const argv = [
    '--import',
    'tsx',
    'scripts/schema.ts',
    'publish',
    'humanitarian',
    '--sdl',
    sdlPath,
    '--author',
    'soak',
    '--message',
    `soak revision ${revision}`,
    '--traffic-days',
    '1',
  ];
  const child = spawn(process.execPath, argv, { cwd: PROJECT_ROOT, env: { ...process.env, ...common }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run schema -- publish exited ${code}: ${output.trim().split('\n').slice(-5).join(' / ')}`);
  return output.trim().split('\n').pop() ?? '';
}

/** Waits until every gateway's /ready names the published version (they follow the registry without a restart). */
async function waitForVersion(version: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const versions = await Promise.all(
      gatewayUrls.map((url) =>
        fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.json())
          .then((ready) => ready?.supergraph?.version)
          .catch(() => null),
      ),
    );
    if (versions.every((served) => served === version)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not every gateway replica switched to schema version ${version} within ${timeoutMs / 1000} s`);
}

// --- Load ----------------------------------------------------------------------------------------------------------
const served = new Map<string, number>();
const servedByReplica = gatewayUrls.map(() => 0);
const failed = new Map<string, number>();
/** Answers that were partial by design: a subgraph was down and its fields are missing, every error naming it. */
const partial = new Map<string, number>();
const acknowledged = new Set<string>();
/** When each write was acknowledged (seconds since the start), to place what a subscriber missed among the faults. */
const acknowledgedAt = new Map<string, number>();
const acknowledgedKeys = new Set<string>();
/** The gateway replica being killed (index), while it is down: requests it had accepted fail with it. */
let killedReplica: number | null = null;
const balancer = { retriedElsewhere: 0, inFlightOnKilled: 0 };
const rss: { atS: number; mb: number; heapMb: number }[] = [];
let sent = 0;
let mutationSeq = 0;
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the gateway's JSON answer, read by each scenario
async function post(token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ cause: string | null; body: any }> {
  // The load balancer: this request's turn, and the next replica when one refuses the connection (it is down, so the
  // request never reached it), as nginx's `proxy_next_upstream error`.
  const first = sent++;
  for (let attempt = 0; attempt < gatewayUrls.length; attempt++) {
    const replica = (first + attempt) % gatewayUrls.length;
    try {
      const response = await fetch(`${gatewayUrls[replica]}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await response.json().catch(() => null);
      if (response.status !== 200) return { cause: `http ${response.status}${body?.errors?.[0]?.extensions?.code ? ` ${body.errors[0].extensions.code}` : ''}`, body };
      const error = body?.errors?.[0];
      if (error) return { cause: `${error.extensions?.code ?? 'error'}${error.extensions?.serviceName ? ` (${error.extensions.serviceName})` : ''}`, body };
      servedByReplica[replica]++;
      return { cause: null, body };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      if (code === 'ECONNREFUSED' && gatewayUrls.length > 1) {
        balancer.retriedElsewhere++;
        continue;
      }
      if (replica === killedReplica) {
        balancer.inFlightOnKilled++;
        return { cause: 'in flight on the killed replica', body: null };
      }
      return { cause: `network ${code}`, body: null };
    }
  }
  return { cause: 'no gateway replica accepted the connection', body: null };
}

/** Counts a failed request: apart when it was in flight on the killed replica or partial because a subgraph was down. */
function countFailure(kind: string, cause: string): void {
  if (cause === 'in flight on the killed replica') return;
  if (outage && cause.includes(`(${outage})`)) count(partial, `${kind}: ${cause}`);
  else count(failed, `${kind}: ${cause}`);
}

const RECORD = `mutation SoakRecord($input: RecordCrossingReportInput!, $key: String) {
  recordCrossingReport(input: $input, idempotencyKey: $key) { crossingDailyReport { id } userErrors { code message } }
}`;
/**
 * The (crossing, day) pairs a report with trucks may be written for: days that have begun on which the crossing's
 * recorded status let cargo through (the subgraph refuses trucks on any other day, by design), newest first, each
 * once: a run writes each pair at most once, so a report's changes count its applications. Read before the load.
 */
let slots: { crossingId: string; date: string }[] = [];
async function loadSlots(token: string): Promise<void> {
  const { body } = await post(token, '{ crossings { id statusHistory { validFrom validTo allowedTraffic } } }');
  const today = new Date().toISOString().slice(0, 10);
  const byDay = new Map<string, string[]>();
  for (const crossing of body?.data?.crossings ?? []) {
    for (const period of crossing.statusHistory as { validFrom: string | null; validTo: string | null; allowedTraffic: string[] }[]) {
      if (!period.allowedTraffic.includes('CARGO') || !period.validFrom) continue;
      const end = period.validTo && period.validTo < today ? period.validTo : today;
      for (let day = new Date(`${period.validFrom}T00:00:00Z`); day.toISOString().slice(0, 10) <= end; day = new Date(day.getTime() + 86_400_000)) {
        const date = day.toISOString().slice(0, 10);
        byDay.set(date, [...(byDay.get(date) ?? []), crossing.id]);
      }
    }
  }
  slots = [...byDay.keys()]
    .sort()
    .reverse()
    .flatMap((date) => byDay.get(date)!.map((crossingId) => ({ crossingId, date })));
  if (slots.length === 0) throw new Error('no crossing let cargo through on any recorded day: nothing to write');
}

/** One write, resent with the same idempotency key until it is acknowledged (at most 5 attempts), as a client would. */
async function write(token: string): Promise<void> {
  const n = mutationSeq++;
  if (n >= slots.length) return; // every open (crossing, day) written once already
  const input = {
    ...slots[n],
    // A source no seed or import uses, so every report the run writes is its own.
    source: 'PARTNER',
    open: true,
    trucksOffloaded: n % 300,
    trucksCollected: n % 200,
    tonnes: n % 1000,
    fuelLitres: 0,
    note: 'soak',
    marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
  };
  const key = randomUUID();
  for (let attempt = 1; attempt <= 5; attempt++) {
    const { cause, body } = await post(token, RECORD, { input, key });
    const id = body?.data?.recordCrossingReport?.crossingDailyReport?.id;
    if (!cause && id) {
      acknowledged.add(id);
      acknowledgedAt.set(id, Math.round((Date.now() - startedAt) / 100) / 10);
      acknowledgedKeys.add(key);
      count(served, 'mutation');
      return;
    }
    countFailure('mutation', cause ?? `userErrors ${JSON.stringify(body?.data?.recordCrossingReport?.userErrors ?? [])}`);
    if (!cause) return;
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
}

// While a subgraph is down, each dashboard answer is judged against a healthy one taken before: did it keep every other
// subgraph's data (nothing lost outside the missing subgraph's own fields, every error naming that subgraph)?
const resolvers = fieldResolvers(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8'));
let healthyDashboard: unknown = null;
let outage: string | null = null;
const duringOutage = { answers: 0, keptOthers: 0, examples: [] as string[] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the gateway's JSON answer
function judgeDashboard(body: any): void {
  if (outage === null) {
    if (healthyDashboard === null && body?.data && !body.errors) healthyDashboard = body.data;
    return;
  }
  if (healthyDashboard === null) return;
  duringOutage.answers++;
  const missing = outage;
  const problems = body?.data ? collateralLosses(healthyDashboard, body.data, 'Query', missing, resolvers, { presenceOnly: true }) : ['no data at all'];
  for (const error of body?.errors ?? []) if (error.extensions?.serviceName !== missing) problems.push(`an error not naming ${missing}: ${error.message}`);
  if (problems.length === 0) duringOutage.keptOthers++;
  else if (duringOutage.examples.length < 3) duringOutage.examples.push(problems.slice(0, 3).join('; '));
}

async function worker(reader: string, editor: string, dashboard: { document: string; variables: Record<string, unknown> }, deadline: number): Promise<void> {
  while (Date.now() < deadline && sent < maxRequests) {
    const pick = Math.random();
    if (pick < 0.2) {
      await write(editor);
    } else {
      const [kind, query, variables] =
        pick < 0.8 ? ['dashboard', dashboard.document, dashboard.variables] : ['incidents', '{ incidents(first: 20) { totalCount edges { node { id } } } crossings { id } }', {}];
      const { cause, body } = await post(reader, query as string, variables as Record<string, unknown>);
      if (kind === 'dashboard') judgeDashboard(body);
      if (cause) countFailure(kind as string, cause);
      else count(served, kind as string);
    }
  }
}

async function sampleMemory(): Promise<void> {
  try {
    const text = await (await fetch(`${gatewayUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const megabytes = (metric: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
      return line ? Math.round(Number(line.split(' ').pop()) / 1048576) : NaN;
    };
    const mb = megabytes('process_resident_memory_bytes');
    if (!Number.isNaN(mb)) rss.push({ atS: Math.round((Date.now() - startedAt) / 1000), mb, heapMb: megabytes('nodejs_heap_size_used_bytes') });
  } catch {
    // a sample missed while the gateway is busy is not an error of the run
  }
}

// --- The run -------------------------------------------------------------------------------------------------------
let exitCode = 0;
let failover: { ms: number; from: number; to: number } | null = null;
try {
  startedAt = Date.now();
  if (redisBinary) {
    startRedisNode(0);
    await until('the Redis primary to answer', () => redisCli(redisPorts[0], 'PING') === 'PONG');
    startRedisNode(1);
    startRedisNode(2);
    await until('both Redis replicas to follow the primary', () => [1, 2].every((n) => /master_link_status:up/.test(redisCli(redisPorts[n], 'INFO', 'replication') ?? '')));
    startSentinel();
    await until('the Sentinel to see both replicas', () => (redisCli(sentinelPort, 'SENTINEL', 'REPLICAS', SENTINEL_NAME)?.match(/master-link-status\s+ok/g) ?? []).length === 2);
    log(`own Redis: primary 127.0.0.1:${redisPorts[0]}, replicas ${redisPorts.slice(1).join(', ')}, Sentinel ${sentinelPort} (services use ${redisUrl})`);
  } else {
    log('REDIS STEP SKIPPED: no redis-server binary on PATH; the audit trail uses its file sink and no failover happens');
  }
  for (const entry of entries) startSubgraph(entry);
  // The first start seeds every embedded database: minutes on a busy machine.
  await Promise.all(entries.map((entry) => waitFor(`http://127.0.0.1:${ports[entry.name]}/ready`, 300_000)));
  // The gateway follows the registry (empty at first: it serves the committed supergraph), routed to the soak's ports.
  const routes = Object.fromEntries(entries.map((entry) => [`SUBGRAPH_${entry.name.toUpperCase().replace(/-/g, '_')}_URL`, `http://127.0.0.1:${ports[entry.name]}/graphql`]));
  const startGateway = (i: number) =>
    run(`gateway-${i + 1}`, process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], {
      ...common,
      ...routes,
      GATEWAY_PORT: String(gatewayPorts[i]),
      SUPERGRAPH_SOURCE: 'registry',
      SCHEMA_REGISTRY_POLL_MS: '1000',
      // One audit chain per replica: a stream of its own in Redis, or a folder of its own for the file sink. A batch of
      // events counts as written once a Redis replica holds it too, so a failover loses none.
      ...(redisBinary ? { AUDIT_REDIS_STREAM: `cmcc:audit:soak:gateway-${i + 1}`, AUDIT_REDIS_WAIT_REPLICAS: '1' } : { AUDIT_DIR: path.join(dir, `audit-gateway-${i + 1}`) }),
    });
  gatewayPorts.forEach((_, i) => startGateway(i));
  await Promise.all(gatewayUrls.map((url) => waitFor(`${url}/ready`)));
  log(`stack up in ${dir} (${replicas} gateway replica${replicas > 1 ? 's' : ''}); load for ${durationMs / 1000} s with ${workers} workers`);

  const reader = await signDevToken(dir, { sub: 'soak-dashboard', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['dashboard'], scope: 'read:*', cmcc: true });
  const editor = await signDevToken(dir, {
    sub: 'soak-editor',
    nation: 'USA',
    org: 'CMCC',
    clearance: 'SECRET',
    roles: ['editor'],
    wg: ['humanitarian'],
    scope: 'read:* write:humanitarian',
    cmcc: true,
  });
  await loadSlots(reader);
  const saved = loadSavedOperations().operations.find((operation) => operation.name === 'SituationByGovernorate');
  if (!saved) throw new Error('schema/operations/SituationByGovernorate.graphql is missing');
  const dashboard = { document: saved.document, variables: { ...saved.variables } };

  // Live subscribers (one per replica), each reconnecting through the balancer to a live replica when its own goes, and
  // resuming after the last event it received (extensions.lastEventId), as a client that must miss nothing does.
  const subscriptionStats = { delivered: [] as number[], received: [] as Set<string>[], connections: [] as number[], errors: 0 };
  const subscribers: Client[] = gatewayUrls.map((_, n) => {
    subscriptionStats.delivered.push(0);
    subscriptionStats.received.push(new Set());
    subscriptionStats.connections.push(0);
    // graphql-ws sends this same object again when it re-subscribes after a reconnection: it carries the last id seen.
    const payload = { query: 'subscription SoakLive { crossingReportRecorded { id } }', extensions: {} as { lastEventId?: string } };
    let turn = n;
    const client = createClient({
      url: async () => {
        for (let attempt = 0; attempt < gatewayUrls.length; attempt++) {
          const url = gatewayUrls[turn++ % gatewayUrls.length];
          if (
            await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
              (r) => r.ok,
              () => false,
            )
          )
            return `${url.replace(/^http/, 'ws')}/graphql`;
        }
        return `${gatewayUrls[turn++ % gatewayUrls.length].replace(/^http/, 'ws')}/graphql`;
      },
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${reader}` },
      retryAttempts: 1000,
      retryWait: async () => new Promise((resolve) => setTimeout(resolve, 500)),
      shouldRetry: () => true,
      on: { connected: () => void subscriptionStats.connections[n]++ },
    });
    client.subscribe<{ crossingReportRecorded: { id: string } }>(payload, {
      next: (result) => {
        subscriptionStats.delivered[n]++;
        const report = result.data?.crossingReportRecorded?.id;
        if (report) subscriptionStats.received[n].add(report);
        const eventId = (result.extensions as { eventId?: unknown } | undefined)?.eventId;
        if (typeof eventId === 'string') payload.extensions.lastEventId = eventId;
      },
      error: () => void subscriptionStats.errors++,
      complete: () => undefined,
    });
    return client;
  });
  await until('every subscriber to connect', () => subscriptionStats.connections.every((n) => n > 0));

  const loadStart = Date.now();
  const deadline = loadStart + durationMs;
  const memory = setInterval(() => void sampleMemory(), Math.max(2000, durationMs / 40));
  const humanitarian = entries.find((entry) => entry.name === 'humanitarian')!;
  const at = (share: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, loadStart + durationMs * share - Date.now())));
  const faults: Promise<unknown> = (async () => {
    await at(0.2);
    log('fault: SIGKILL humanitarian');
    outage = 'humanitarian';
    await stopChild('humanitarian', 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    startSubgraph(humanitarian);
    await waitFor(`http://127.0.0.1:${ports.humanitarian}/ready`);
    // Its outage lasts, for clients, until every gateway calls it again (each one's circuit to it closed).
    const closed = async () =>
      (
        await Promise.all(
          gatewayUrls.map((url) =>
            fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) })
              .then((r) => r.json())
              .then((ready) => ready?.circuits?.find((c: { subgraph: string }) => c.subgraph === 'humanitarian')?.state === 'closed')
              .catch(() => false),
          ),
        )
      ).every(Boolean);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !(await closed());) await new Promise((resolve) => setTimeout(resolve, 250));
    outage = null;
    log('fault over: humanitarian restarted and ready, every gateway calling it again');
    if (redisBinary) {
      await at(0.4);
      const old = primaryPort();
      const n = redisPorts.indexOf(old);
      log(`fault: SIGKILL the Redis primary (127.0.0.1:${old})`);
      const failoverStart = Date.now();
      await stopChild(`redis-${n}`, 'SIGKILL');
      await until('the Sentinel to promote a replica', () => ![0, old].includes(primaryPort()));
      failover = { ms: Date.now() - failoverStart, from: old, to: primaryPort() };
      log(`fault: the Sentinel promoted 127.0.0.1:${failover.to} after ${failover.ms} ms; the old primary restarts as its replica`);
      startRedisNode(n, failover.to);
      await until('the old primary to follow the new one', () => /master_link_status:up/.test(redisCli(old, 'INFO', 'replication') ?? ''), 60_000);
      log('fault over: Redis has a primary and two replicas again');
    }
    if (replicas > 1) {
      await at(0.55);
      killedReplica = 1;
      log('fault: SIGKILL gateway-2');
      await stopChild('gateway-2', 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      startGateway(1);
      await waitFor(`${gatewayUrls[1]}/ready`);
      killedReplica = null;
      log('fault over: gateway-2 restarted and ready');
    }
    await at(0.7);
    const version = await publishSchemaChange();
    log(`schema change: published version ${version} (humanitarian, a changed description)`);
    log(`schema change: the gateway serves ${version} after ${await waitForVersion(version)} ms`);
  })().catch((error: unknown) => {
    count(failed, `fault step failed: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
  });
  await Promise.all(Array.from({ length: workers }, () => worker(reader, editor, dashboard, deadline)));
  await faults;
  clearInterval(memory);
  await sampleMemory();
  // Deliveries still on their way: wait until the subscribers' counts stop changing (at most 10 s).
  for (let last = -1, settled = Date.now() + 10_000; Date.now() < settled; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const now = subscriptionStats.delivered.reduce((a, b) => a + b, 0);
    if (now === last) break;
    last = now;
  }
  await Promise.all(subscribers.map((client) => client.dispose()));
  const ready = await fetch(`${gatewayUrl}/ready`)
    .then((r) => r.json())
    .catch(() => null);

  // Stop everything (graceful), then read the humanitarian database itself for the acknowledged writes.
  await Promise.all(gatewayUrls.map((_, i) => stopChild(`gateway-${i + 1}`)));
  await Promise.all(entries.map((entry) => stopChild(entry.name)));
  // The replicas' one audit trail (Redis): every chain in the set, each verified, none holding another's event.
  const trail = redisBinary ? new MergedRedisAuditStore(redisUrl, AUDIT_STREAM_SET, 'cmcc:audit:soak:gateway-1', hmacAuditKey(auditKey)) : null;
  const trailStatus = trail ? await trail.chainStatus() : null;
  // Every acknowledged write is in the trail: one SoakRecord event per request, and the writes' records among them.
  const auditedWrites = [];
  for (let after: string | null = null, more = Boolean(trail); more;) {
    const page = await trail!.listEvents({ operationName: 'SoakRecord' }, { first: 500, after });
    auditedWrites.push(...page.events);
    [more, after] = [page.pageInfo.hasNextPage, page.pageInfo.endCursor];
  }
  const auditedIds = new Set(auditedWrites.flatMap((event) => (event.changes ?? []).flatMap((change) => change.records.map((record) => record.key))));
  await trail?.close();
  const db = await openDatabase({ schema: 'humanitarian', dataDir: path.join(dir, 'humanitarian') });
  const ids = [...acknowledged];
  const found = ids.length === 0 ? 0 : (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM crossing_daily_report WHERE id = ANY($1::text[])', [ids]))[0].n;
  // Applications: each write of a report is one change row; each key the subgraph applied is one idempotency record.
  const [{ applications }] = await db.query<{ applications: number }>(
    "SELECT count(*)::int AS applications FROM record_change WHERE changed_by = 'soak-editor' AND entity_id = ANY($1::text[])",
    [ids],
  );
  const [{ keys }] = await db.query<{ keys: number }>("SELECT count(*)::int AS keys FROM idempotency_key WHERE principal = 'soak-editor' AND mutation = 'recordCrossingReport'");
  await db.close();
  const lost = ids.length - found;
  const duplicates = Math.max(0, applications - ids.length);
  const notAudited = trail ? ids.filter((id) => !auditedIds.has(id)).length : 0;

  const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  console.log('\n=== soak report ===');
  console.log(
    `duration ${(Date.now() - loadStart) / 1000} s, ${workers} workers, Redis step ${redisBinary ? 'run' : 'SKIPPED (no redis-server)'}, schema versions published ${revision}`,
  );
  console.log(
    `requests sent ${sent}; served ${total(served)} (${[...served].map(([k, v]) => `${k} ${v}`).join(', ')}); without the killed subgraph’s part while it was down ${total(partial)}; FAILED ${total(failed)}`,
  );
  if (replicas > 1) {
    console.log(`served by replica: ${servedByReplica.map((n, i) => `gateway-${i + 1} ${n}`).join(', ')}`);
    console.log(
      `gateway-2 killed and restarted: requests in flight on it when it died ${balancer.inFlightOnKilled}; sent on to another replica while it was down ${balancer.retriedElsewhere}`,
    );
  }
  const promoted = failover as { ms: number; from: number; to: number } | null; // set by the fault step
  if (promoted) console.log(`Redis failover: primary ${promoted.from} killed, replica ${promoted.to} promoted by the Sentinel after ${promoted.ms} ms`);
  console.log(
    `subscribers (one per replica, resuming after the last event id): acknowledged writes received ${subscriptionStats.received.map((set) => ids.filter((id) => set.has(id)).length).join(' / ')} of ${ids.length} (events delivered ${subscriptionStats.delivered.join(' / ')}); connections ${subscriptionStats.connections.join(' / ')} (a reconnection after its replica went); errors ${subscriptionStats.errors}`,
  );
  for (const [n, received] of subscriptionStats.received.entries()) {
    const missed = ids.filter((id) => !received.has(id)).map((id) => acknowledgedAt.get(id));
    if (missed.length > 0) console.log(`  subscriber ${n + 1} missed writes acknowledged at (s): ${missed.join(' ')}`);
  }
  if (trailStatus) {
    console.log(
      `audit trail: ${trailStatus.chains.length} chain(s), ${trailStatus.events} events, ${trailStatus.ok ? 'intact' : `BROKEN: ${trailStatus.problem}`} (${trailStatus.chains.map((chain) => `${chain.storage} ${chain.events}`).join(', ')})`,
    );
  }
  for (const [cause, n] of [...failed].sort((a, b) => b[1] - a[1])) console.log(`  failed ${String(n).padStart(6)}  ${cause}`);
  const share = duringOutage.answers === 0 ? 'n/a' : `${((100 * duringOutage.keptOthers) / duringOutage.answers).toFixed(1)}%`;
  console.log(`dashboard answers while humanitarian was down: ${duringOutage.answers}; kept every other subgraph's data: ${duringOutage.keptOthers} (${share}, goal 100%)`);
  for (const example of duringOutage.examples) console.log(`  not kept: ${example}`);
  console.log(`mutations acknowledged ${ids.length}, found in the database ${found}, LOST ${lost}`);
  console.log(`writes applied (change rows) ${applications} for ${ids.length} acknowledged (${keys} keys the subgraph recorded): DUPLICATE applications ${duplicates}`);
  if (trail) console.log(`acknowledged writes whose record is in the audit trail: ${ids.length - notAudited} of ${ids.length}`);
  console.log(`gateway-1 RSS / heap used (MB) over time: ${rss.map((s) => `${s.atS}s:${s.mb}/${s.heapMb}`).join(' ')}`);
  console.log(
    `gateway /ready at the end: ${ready ? `${ready.status}; circuits ${JSON.stringify(ready.circuits?.map((c: { subgraph: string; state: string }) => `${c.subgraph}:${c.state}`))}; audit ${JSON.stringify(ready.auditBuffer)}` : 'no answer'}`,
  );
  if (lost > 0) {
    console.error(`FAIL: ${lost} acknowledged writes are not in the database`);
    exitCode = 1;
  }
  if (duplicates > 0) {
    console.error(`FAIL: ${duplicates} writes were applied more than once`);
    exitCode = 1;
  }
  if (notAudited > 0) {
    console.error(`FAIL: ${notAudited} acknowledged writes are not in the audit trail`);
    exitCode = 1;
  }
  if (trailStatus && !trailStatus.ok) {
    console.error(`FAIL: the audit trail does not verify: ${trailStatus.problem}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await Promise.all([...children.keys()].map((name) => stopChild(name)));
  if (args.keep || exitCode !== 0) console.log(`logs and data kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
