import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { parse } from 'graphql';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { composeServices } from '@apollo/composition';
import { composeSupergraph, loadSubgraphList, PROJECT_ROOT } from '@cmcc/governance/composition';
import { gatewayCompatibleSdl } from '@cmcc/gateway/authorization/sdl-compatibility';
import { DEFAULT_CLAIM_MAPPING, principalFromClaims } from '@cmcc/gateway/auth/claims';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import type { PerformanceStats } from '@cmcc/gateway/performance';
import { cpuSeconds, firstMessage, freePort, sampleRss, spawnChild, waitFor, type Child } from './processes.ts';
import { FOREIGN_QUERY, FOREIGN_SUBGRAPHS, FOREIGN_WORKLOAD } from './foreign/index.ts';

export { FOREIGN_WORKLOAD } from './foreign/index.ts';

/** How long and how hard to drive each gateway (BENCH_* variables, read by bench/index.ts). */
export interface GatewayBenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Requests sent one at a time, for the latency without queueing, the subgraphs' critical path and the overhead. */
  serialRequests: number;
  rounds: number;
  /** Gateways to run (default all): cmcc, apollo, hive, hive-rust. */
  gateways: string[];
  /** Saved operations of ours to drive (schema/operations/<name>.graphql), and `foreign` for the foreign workload. */
  operations: string[];
  /** Profile this gateway (`node --cpu-prof`) into this folder. */
  cpuProfileDir?: string;
  /** Write the results into docs/benchmarks.md. */
  writeDocs: boolean;
}

/** The subgraphs the dashboard operations read (coordination for FloorOverview's open requests). */
const WORKING_GROUPS = ['civil-administration', 'humanitarian', 'security', 'engineering', 'coordination'];
/** The dashboard principal every gateway acts for (ours from its token, the peers sign it as given). */
const CLAIMS = { sub: 'bench-dashboard', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['dashboard'], scope: 'read:*', cmcc: true };
const VARIABLES = { since: '2025-10-10T00:00:00Z' };

interface GatewayUnderTest {
  id: string;
  label: string;
  child: Child;
  url: string;
  headers: Record<string, string>;
  /** Our gateway answers `stats` over IPC. */
  stats?: () => Promise<PerformanceStats>;
}

interface Run {
  gateway: string;
  operation: string;
  mode: 'cold' | 'warm';
  rps: number;
  p50: number;
  p99: number;
  /** Serial: median latency, subgraphs' critical path, gateway overhead (latency minus critical path), subgraph requests. */
  serial?: { p50: number; criticalPath: number; overhead: number; subgraphRequests: number };
  cpuSeconds: number;
  cpuMsPerRequest: number;
  peakRssMiB: number;
  subgraphRequestsPerRequest: number;
  requests: number;
  non2xx: number;
  errors: number;
  planCache?: PerformanceStats['planCache'];
  dedupRatio?: number;
}

/**
 * The network floor of an operation's gateway overhead on this machine, measured against the cheapest HTTP peer:
 * one client round trip with an answer of the operation's size, plus one round trip with a small answer per
 * sequential fetch stage of the query plan. No gateway can have less overhead than this here.
 */
interface Floor {
  operation: string;
  stages: number;
  answerBytes: number;
  answerRoundTrip: number;
  smallRoundTrip: number;
  total: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a gateway's JSON answer
async function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** The serial phase's client: one kept-alive connection per gateway, undici's lean request API (not fetch). */
const serialAgent = new Agent({ connections: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });

/**
 * One request, timed from sending to its last byte, as wrk and autocannon time theirs: the client's JSON parse (and
 * fetch()'s WHATWG objects, ~0.8 ms a request on this machine) are not the gateway's latency.
 */
async function timedPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, dispatcher: serialAgent });
  await response.body.arrayBuffer();
  return { status: response.statusCode, ms: performance.now() - start };
}

/** Sequential fetch stages of a query plan: fetches that must wait for an earlier fetch's answer, plus one. */
export function sequentialStages(node: PlanNode | SubscriptionNode | undefined): number {
  if (!node) return 0;
  switch (node.kind) {
    case 'Subscription':
      return sequentialStages(node.primary) + sequentialStages(node.rest);
    case 'Fetch':
      return 1;
    case 'Flatten':
      return sequentialStages(node.node);
    case 'Sequence':
      return node.nodes.reduce((sum, child) => sum + sequentialStages(child), 0);
    case 'Parallel':
      return Math.max(0, ...node.nodes.map(sequentialStages));
    case 'Condition':
      return Math.max(sequentialStages(node.ifClause), sequentialStages(node.elseClause));
    case 'Defer':
      return sequentialStages(node.primary.node) + Math.max(0, ...node.deferred.map((deferred) => sequentialStages(deferred.node)));
  }
}

/** Median round trip (send to last byte) to the echo host with an answer of `answerBytes`, over `count` requests. */
async function roundTrip(url: string, answerBytes: number, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count + 10; i++) {
    const start = performance.now();
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bench-answer-bytes': String(answerBytes) },
      body: '{"query":"{ x }"}',
      dispatcher: serialAgent,
    });
    await response.body.arrayBuffer();
    if (i >= 10) times.push(performance.now() - start);
  }
  return median(times);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  return `{${Object.keys(value as object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
    .join(',')}}`;
}

function load(url: string, headers: Record<string, string>, body: string, connections: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', connections, duration: seconds, headers: { 'content-type': 'application/json', ...headers }, body }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** Total time covered by a set of intervals (overlaps counted once): the subgraphs' critical path of one request. */
function covered(intervals: [number, number][]): number {
  if (intervals.length === 0) return 0;
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let [from, to] = sorted[0];
  for (const [start, end] of sorted.slice(1)) {
    if (start > to) {
      busy += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  return busy + to - from;
}

/**
 * One set of subgraphs, the operations driven against them, and the gateways started on their supergraph. The own
 * workload: our subgraphs and the saved dashboard operations; the foreign one (BENCH_OPERATIONS naming `foreign`):
 * The Guild's four benchmark subgraphs and its query (bench/foreign/).
 */
interface Workload {
  id: 'own' | 'foreign';
  /** Subgraph processes speaking the IPC protocol of bench/subgraph-host.ts (counts, record, intervals). */
  subgraphs: { name: string; url: string; child: Child }[];
  /** The supergraph our gateway serves. */
  supergraphPath: string;
  /** The supergraph the peers serve. */
  peerSupergraphPath: string;
  /** What the peers need to call these subgraphs (bench/peers/). */
  peerEnv: Record<string, string>;
  /** Operation name → the JSON body every gateway is sent, and the sequential fetch stages of its query plan. */
  operations: Record<string, { body: string; stages: number }>;
  /** Whether this gateway is measured warm (response cache on) too: only where the subgraphs declare cache lifetimes. */
  warm: boolean;
  gateways: GatewayUnderTest[];
}

/** The sequential fetch stages of each query's plan, from the planner every @apollo/gateway runs. */
function planStages(supergraphSdl: string, queries: Record<string, string>): Record<string, number> {
  const planned = Supergraph.build(supergraphSdl, { supportedFeatures: null });
  const planner = new QueryPlanner(planned);
  return Object.fromEntries(
    Object.entries(queries).map(([name, query]) => [
      name,
      sequentialStages(planner.buildQueryPlan(operationFromDocument(planned.apiSchema(), parse(query), { validate: false })).node),
    ]),
  );
}

export async function benchGateways(options: GatewayBenchOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-bench-gateways-'));
  const secretText = randomBytes(32).toString('base64url');
  const children: Child[] = [];
  const stopAll = () => Promise.all(children.map((child) => child.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const ownOperations = options.operations.filter((name) => name !== FOREIGN_WORKLOAD);
    const principal = principalFromClaims(CLAIMS, DEFAULT_CLAIM_MAPPING);
    const workloads: Workload[] = [];

    if (ownOperations.length > 0) {
      // Subgraphs: one process each, fixed seeded data, counting requests.
      console.log(`Gateways: starting the ${WORKING_GROUPS.length} subgraphs the dashboard operations read (in-memory PGlite, seeded)...`);
      const subgraphs = await Promise.all(
        WORKING_GROUPS.map(async (name) => {
          const child = spawnChild(name, ['--import', 'tsx', 'bench/subgraph-host.ts', name], { BENCH_SHARED_SECRET: secretText }, { ipc: true });
          children.push(child);
          const { url } = await firstMessage<{ url: string }>(child);
          return { name, url: `${url}/graphql`, child };
        }),
      );
      const urls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
      const composed = composeSupergraph(
        loadSubgraphList().map((entry) => ({
          name: entry.name,
          // A subgraph no dashboard operation reads (audit, intelligence, multinational-force): nothing answers at its URL.
          routingUrl: urls[entry.name] ?? 'http://127.0.0.1:9/graphql',
          sdl: fs.readFileSync(path.join(PROJECT_ROOT, entry.schema), 'utf8'),
        })),
      );
      if (!composed.ok) throw new Error(composed.problems.map((p) => p.message).join('\n'));
      const supergraphPath = path.join(dir, 'supergraph.graphql');
      fs.writeFileSync(supergraphPath, composed.supergraphSdl);
      // The peers get the same supergraph with the authorization features as plain links (they do not enforce them).
      const peerSupergraphPath = path.join(dir, 'supergraph-peers.graphql');
      fs.writeFileSync(peerSupergraphPath, gatewayCompatibleSdl(composed.supergraphSdl));
      const queries = Object.fromEntries(ownOperations.map((name) => [name, fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8')]));
      const stages = planStages(composed.supergraphSdl, queries);
      workloads.push({
        id: 'own',
        subgraphs,
        supergraphPath,
        peerSupergraphPath,
        // Our subgraphs answer only a signed principal: every peer signs the same one for each of them.
        peerEnv: {
          BENCH_SHARED_SECRET: secretText,
          BENCH_PRINCIPAL: JSON.stringify(principal),
          BENCH_SUBGRAPHS: JSON.stringify(Object.fromEntries(subgraphs.map((s) => [s.url, s.name]))),
        },
        operations: Object.fromEntries(Object.entries(queries).map(([name, query]) => [name, { body: JSON.stringify({ query, variables: VARIABLES }), stages: stages[name] }])),
        warm: true,
        gateways: [],
      });
    }

    if (options.operations.includes(FOREIGN_WORKLOAD)) {
      console.log(`Gateways: starting the ${FOREIGN_SUBGRAPHS.length} foreign subgraphs of The Guild's benchmark (${FOREIGN_SUBGRAPHS.map((s) => s.name).join(', ')})...`);
      const subgraphs = await Promise.all(
        FOREIGN_SUBGRAPHS.map(async ({ name }) => {
          const child = spawnChild(`foreign ${name}`, ['--import', 'tsx', 'bench/foreign-host.ts', name], {}, { ipc: true });
          children.push(child);
          const { url } = await firstMessage<{ url: string }>(child);
          return { name, url: `${url}/graphql`, child };
        }),
      );
      const urls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
      // Plain @apollo/composition: these subgraphs have none of our shared vocabulary or authorization features.
      const composed = composeServices(FOREIGN_SUBGRAPHS.map(({ name, typeDefs }) => ({ name, url: urls[name], typeDefs })));
      if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
      const supergraphPath = path.join(dir, 'supergraph-foreign.graphql');
      fs.writeFileSync(supergraphPath, composed.supergraphSdl);
      const stages = planStages(composed.supergraphSdl, { [FOREIGN_WORKLOAD]: FOREIGN_QUERY });
      workloads.push({
        id: 'foreign',
        subgraphs,
        supergraphPath,
        peerSupergraphPath: supergraphPath,
        // No subgraph here asks for a principal: the peers sign nothing (BENCH_SUBGRAPHS empty). Ours, in its production
        // configuration, still authenticates the client and signs the principal for every subgraph; these ignore it.
        peerEnv: { BENCH_SHARED_SECRET: secretText, BENCH_PRINCIPAL: JSON.stringify(principal), BENCH_SUBGRAPHS: '{}' },
        // The body The Guild's k6 script sends: the query alone.
        operations: { [FOREIGN_WORKLOAD]: { body: JSON.stringify({ query: FOREIGN_QUERY }), stages: stages[FOREIGN_WORKLOAD] } },
        // No cache headers and no @cacheControl: a response cache would store nothing.
        warm: false,
        gateways: [],
      });
    }

    const echo = spawnChild('echo', ['--import', 'tsx', 'bench/echo-host.ts'], {}, { ipc: true });
    children.push(echo);
    const echoUrl = (await firstMessage<{ url: string }>(echo)).url;
    const answerBytes: Record<string, number> = {};

    const all: Record<string, (workload: Workload) => Promise<GatewayUnderTest>> = {
      cmcc: (workload) => startCmcc(workload, 'cmcc', 'this gateway (production config)', false),
      'cmcc-warm': (workload) => startCmcc(workload, 'cmcc-warm', 'this gateway, response cache on', true),
      apollo: async (workload) => {
        const port = await freePort();
        const child = spawnChild(
          `${workload.id} apollo`,
          ['--import', 'tsx', 'bench/peers/apollo-gateway.ts'],
          { ...workload.peerEnv, BENCH_PORT: String(port), BENCH_SUPERGRAPH: workload.peerSupergraphPath },
          { quiet: true },
        );
        return ready({ id: 'apollo', label: 'plain @apollo/gateway', child, url: `http://127.0.0.1:${port}/graphql`, headers: {} });
      },
      hive: (workload) => startHive(workload, 'hive', 'Hive Gateway', []),
      'hive-rust': (workload) => startHive(workload, 'hive-rust', 'Hive Gateway + Rust planner', ['--hive-router-runtime']),
    };

    async function ready(gateway: GatewayUnderTest): Promise<GatewayUnderTest> {
      children.push(gateway.child);
      await waitFor(gateway.label, async () => (await post(gateway.url, gateway.headers, JSON.stringify({ query: '{ __typename }' }))).status === 200);
      return gateway;
    }
    async function startCmcc(workload: Workload, id: string, label: string, cache: boolean): Promise<GatewayUnderTest> {
      const port = await freePort();
      const dataDir = path.join(dir, `${workload.id}-${id}`);
      const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProfileDir)] : [];
      const child = spawnChild(
        `${workload.id} ${id}`,
        [...profile, '--import', 'tsx', 'bench/peers/cmcc-gateway.ts'],
        {
          GATEWAY_PORT: String(port),
          HOST: '127.0.0.1',
          SUPERGRAPH_PATH: workload.supergraphPath,
          DATA_DIR: dataDir,
          SUBGRAPH_SHARED_SECRET: secretText,
          // autocannon ends each run with requests in flight; the HTTP layer logs each such disconnect as an error.
          LOG_LEVEL: 'fatal',
          GATEWAY_RESPONSE_CACHE: String(cache),
          REDIS_URL: '',
        },
        { ipc: true },
      );
      children.push(child);
      await firstMessage(child);
      const token = await signDevToken(dataDir, CLAIMS, '24h');
      return ready({ id, label, child, url: `http://127.0.0.1:${port}/graphql`, headers: { authorization: `Bearer ${token}` }, stats: () => child.ask<PerformanceStats>('stats') });
    }
    async function startHive(workload: Workload, id: string, label: string, flags: string[]): Promise<GatewayUnderTest> {
      const port = await freePort();
      const bin = path.join(PROJECT_ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
      const child = spawnChild(
        `${workload.id} ${id}`,
        [
          '--import',
          'tsx',
          '--import',
          './bench/peers/polyfill.ts',
          bin,
          'supergraph',
          workload.peerSupergraphPath,
          '-p',
          String(port),
          '-h',
          '127.0.0.1',
          '-c',
          'bench/peers/hive-gateway.config.ts',
          '--disable-websockets',
          ...flags,
        ],
        workload.peerEnv,
        { quiet: true },
      );
      return ready({ id, label, child, url: `http://127.0.0.1:${port}/graphql`, headers: {} });
    }

    for (const workload of workloads) {
      const wanted = options.gateways.flatMap((id) => (id === 'cmcc' ? ['cmcc', 'cmcc-warm'] : [id])).filter((id) => all[id] && (workload.warm || id !== 'cmcc-warm'));
      for (const id of wanted) {
        console.log(`Gateways: starting ${id}${workload.id === 'foreign' ? ' on the foreign subgraphs' : ''}...`);
        try {
          workload.gateways.push(await all[id](workload));
        } catch (error) {
          console.log(`  ${id} could not start: ${(error as Error).message} (left out of this run)`);
        }
      }

      // Every gateway must answer every operation without errors, with the same data, before it is timed.
      const reference: Record<string, string> = {};
      for (const gateway of workload.gateways) {
        for (const [name, { body: request }] of Object.entries(workload.operations)) {
          const { status, body } = await post(gateway.url, gateway.headers, request);
          if (status !== 200 || body?.errors) throw new Error(`${gateway.id} answered ${name} with HTTP ${status}: ${JSON.stringify(body?.errors?.[0] ?? body).slice(0, 300)}`);
          const data = canonical(body.data);
          reference[name] ??= data;
          answerBytes[name] ??= Buffer.byteLength(JSON.stringify(body));
          if (reference[name] !== data) console.log(`  note: ${gateway.id} returned different data for ${name} than ${workload.gateways[0].id}`);
        }
      }
    }

    /**
     * Requests one at a time. For each, the subgraphs record when they were serving it: the union of those intervals
     * is the subgraphs' own critical path, and the latency minus it the gateway's overhead (loopback network included).
     */
    const serialPhase = async (workload: Workload, gateway: GatewayUnderTest, body: string) => {
      const latencies: number[] = [];
      const paths: number[] = [];
      const overheads: number[] = [];
      let calls = 0;
      for (let i = 0; i < options.serialRequests + 3; i++) {
        await Promise.all(workload.subgraphs.map((s) => s.child.ask('record')));
        const { status, ms: latency } = await timedPost(gateway.url, gateway.headers, body);
        if (status !== 200) throw new Error(`${gateway.id}: HTTP ${status} in the serial phase`);
        const intervals = (await Promise.all(workload.subgraphs.map((s) => s.child.ask<{ intervals: [number, number][] }>('intervals')))).flatMap((x) => x.intervals);
        if (i < 3) continue; // warm-up
        const path = covered(intervals);
        latencies.push(latency);
        paths.push(path);
        overheads.push(latency - path);
        calls += intervals.length;
      }
      return {
        p50: round(median(latencies), 2),
        criticalPath: round(median(paths), 2),
        overhead: round(median(overheads), 2),
        subgraphRequests: round(calls / options.serialRequests, 2),
      };
    };

    const subgraphRequests = async (workload: Workload) =>
      (await Promise.all(workload.subgraphs.map((s) => s.child.ask<{ requests: number }>('counts')))).reduce((sum, c) => sum + c.requests, 0);
    const runs: Run[] = [];
    const floors: Floor[] = [];
    for (let r = 0; r < options.rounds; r++) {
      for (const workload of workloads) {
        for (const [name, { body, stages }] of Object.entries(workload.operations)) {
          if (options.serialRequests > 0) {
            const count = Math.max(options.serialRequests, 50);
            const answerRoundTrip = await roundTrip(echoUrl, answerBytes[name], count);
            const smallRoundTrip = await roundTrip(echoUrl, 2048, count);
            const floor = {
              operation: name,
              stages,
              answerBytes: answerBytes[name],
              answerRoundTrip,
              smallRoundTrip,
              total: answerRoundTrip + stages * smallRoundTrip,
            };
            floors.push(floor);
            console.log(
              `  round ${r + 1} ${name.padEnd(26)} network floor: ${round(floor.total, 2)} ms (${floor.stages} sequential fetch stages × ${round(smallRoundTrip, 2)} ms + answer round trip ${round(answerRoundTrip, 2)} ms for ${floor.answerBytes} bytes)`,
            );
          }
          for (const gateway of workload.gateways) {
            const mode = gateway.id === 'cmcc-warm' ? 'warm' : 'cold';
            process.stdout.write(`  round ${r + 1} ${name.padEnd(26)} ${gateway.id.padEnd(10)} `);
            await load(gateway.url, gateway.headers, body, options.connections, options.warmupSeconds);
            const statsBefore = await gateway.stats?.();
            const cpuBefore = cpuSeconds(gateway.child.process.pid!);
            const subgraphBefore = await subgraphRequests(workload);
            const stopRss = sampleRss(gateway.child.process.pid!);
            const result = await load(gateway.url, gateway.headers, body, options.connections, options.durationSeconds);
            const peakRssMiB = stopRss();
            const cpu = cpuSeconds(gateway.child.process.pid!) - cpuBefore;
            const subgraphDelta = (await subgraphRequests(workload)) - subgraphBefore;
            const statsAfter = await gateway.stats?.();
            const serial = mode === 'cold' && options.serialRequests > 0 ? await serialPhase(workload, gateway, body) : undefined;
            const requests = result.requests.total;
            const transportDelta =
              statsAfter && statsBefore
                ? { requests: statsAfter.transport.requests - statsBefore.transport.requests, sent: statsAfter.transport.sent - statsBefore.transport.sent }
                : undefined;
            const run: Run = {
              gateway: gateway.id,
              operation: name,
              mode,
              rps: round(requests / options.durationSeconds),
              p50: result.latency.p50,
              p99: result.latency.p99,
              serial,
              cpuSeconds: round(cpu, 2),
              cpuMsPerRequest: round((cpu * 1000) / Math.max(requests, 1), 2),
              peakRssMiB: Math.round(peakRssMiB),
              subgraphRequestsPerRequest: round(subgraphDelta / Math.max(requests, 1), 2),
              requests,
              non2xx: result.non2xx,
              errors: result.errors,
              planCache: statsAfter?.planCache,
              dedupRatio: transportDelta && transportDelta.requests > 0 ? round(1 - transportDelta.sent / transportDelta.requests, 2) : undefined,
            };
            runs.push(run);
            console.log(
              `${String(run.rps).padStart(7)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  cpu ${run.cpuMsPerRequest} ms/req  rss ${run.peakRssMiB} MiB  subgraph req/req ${run.subgraphRequestsPerRequest}` +
                (serial ? `  serial: p50 ${serial.p50} ms, subgraphs ${serial.criticalPath} ms, overhead ${serial.overhead} ms, ${serial.subgraphRequests} subgraph req` : ''),
            );
          }
        }
      }
    }
    // Every gateway that ran, once (the same gateway runs in one process per workload).
    const gateways = [...new Map(workloads.flatMap((w) => w.gateways).map((g) => [g.id, g])).values()];
    const report = formatReport(
      runs,
      floors,
      workloads.flatMap((w) => Object.keys(w.operations)),
      gateways,
      options,
    );
    console.log(`\n${report}`);
    if (options.writeDocs) writeDocs(report);
  } finally {
    await stopAll();
    await serialAgent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : round((sorted[middle - 1] + sorted[middle]) / 2, 2);
}

function formatReport(runs: Run[], floors: Floor[], operations: string[], gateways: GatewayUnderTest[], options: GatewayBenchOptions): string {
  const lines: string[] = [];
  const versions = ['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway', '@graphql-hive/router-runtime', 'autocannon'].map((name) => {
    try {
      return `${name} ${JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version}`;
    } catch {
      return `${name} (not installed)`;
    }
  });
  const cpus = os.cpus();
  lines.push(
    `Run of ${new Date().toISOString()}: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}, load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.`,
  );
  lines.push(`${versions.join(', ')}.`);
  lines.push(
    `Load: autocannon, ${options.connections} connections, ${options.warmupSeconds} s warm-up then ${options.durationSeconds} s measured per gateway and operation, ${options.rounds} round(s), interleaved; then ${options.serialRequests} requests one at a time (serial).`,
  );
  lines.push('');
  for (const operation of operations) {
    lines.push(`### ${operation}`);
    lines.push('');
    if (operation === FOREIGN_WORKLOAD) {
      lines.push(
        `The Guild's federation gateways benchmark (github.com/graphql-hive/graphql-gateways-benchmark): its four subgraphs (${FOREIGN_SUBGRAPHS.map((s) => s.name).join(', ')}; TypeScript copies in bench/foreign/, not ours: no principal, no cache headers), composed with plain @apollo/composition, and its k6 query \`TestQuery\`. Cold only: nothing there is cacheable.`,
        '',
      );
    }
    lines.push(
      "| gateway | mode | req/s | p50 ms | p99 ms | CPU s | CPU ms/req | peak RSS MiB | subgraph req/req under load | serial p50 ms | subgraphs' critical path ms | overhead ms | subgraph req/req serial | vs plain Apollo | vs Hive | vs Hive+Rust |",
    );
    lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const rps = (id: string) => median(runs.filter((r) => r.operation === operation && r.gateway === id).map((r) => r.rps));
    for (const gateway of gateways) {
      const mine = runs.filter((r) => r.operation === operation && r.gateway === gateway.id);
      if (mine.length === 0) continue;
      const m = (pick: (r: Run) => number | undefined) => {
        const value = median(mine.map(pick).filter((v): v is number => v !== undefined));
        return Number.isFinite(value) ? String(value) : '';
      };
      const ratio = (id: string) => (Number.isFinite(rps(id)) && id !== gateway.id ? `${round(rps(gateway.id) / rps(id), 2)}×` : '');
      lines.push(
        `| ${gateway.label} | ${mine[0].mode} | ${m((r) => r.rps)} | ${m((r) => r.p50)} | ${m((r) => r.p99)} | ${m((r) => r.cpuSeconds)} | ${m((r) => r.cpuMsPerRequest)} | ${m((r) => r.peakRssMiB)} | ${m((r) => r.subgraphRequestsPerRequest)} | ${m((r) => r.serial?.p50)} | ${m((r) => r.serial?.criticalPath)} | ${m((r) => r.serial?.overhead)} | ${m((r) => r.serial?.subgraphRequests)} | ${ratio('apollo')} | ${ratio('hive')} | ${ratio('hive-rust')} |`,
      );
    }
    const warm = rps('cmcc-warm');
    const cold = rps('cmcc');
    if (Number.isFinite(warm) && Number.isFinite(cold)) lines.push('', `Warm (response cache) over cold, this gateway: ${round(warm / cold, 1)}×.`);
    const ours = runs.filter((r) => r.operation === operation && r.gateway === 'cmcc');
    const last = ours.at(-1);
    if (last?.planCache) {
      lines.push(
        `This gateway's plan cache (cumulative): ${last.planCache.hits} hits, ${last.planCache.misses} misses, ${last.planCache.plans} plans built in ${last.planCache.planningMs} ms in all (last ${last.planCache.lastPlanningMs} ms), ${last.planCache.entries} entries. In-flight deduplication and merging saved ${Math.round(Number(median(ours.map((r) => r.dedupRatio ?? 0))) * 100)}% of its subgraph requests under load.`,
      );
    }
    const floor = floors.filter((f) => f.operation === operation);
    if (floor.length > 0) {
      const f = (pick: (f: Floor) => number) => round(median(floor.map(pick)), 2);
      const overhead = median(ours.map((r) => r.serial?.overhead).filter((v): v is number => v !== undefined));
      lines.push(
        '',
        `Network floor of the overhead on this machine: ${f((x) => x.total)} ms. The query plan has ${floor[0].stages} sequential fetch stage(s); a loopback HTTP round trip to the cheapest possible peer (bench/echo-host.ts) takes ${f((x) => x.smallRoundTrip)} ms with a small answer and ${f((x) => x.answerRoundTrip)} ms with an answer of this operation's size (${floor[0].answerBytes} bytes), so every gateway's overhead here includes at least ${f((x) => x.total)} ms of hops.` +
          (Number.isFinite(overhead) ? ` This gateway's overhead above it: ${round(overhead - f((x) => x.total), 2)} ms.` : ''),
      );
    }
    for (const r of runs.filter((r) => r.operation === operation && (r.non2xx > 0 || r.errors > 0)))
      lines.push(`Warning: ${r.gateway} had ${r.non2xx} non-2xx answers and ${r.errors} connection errors.`);
    lines.push('');
  }
  return lines.join('\n');
}

const START = '<!-- bench:gateways:start -->';
const END = '<!-- bench:gateways:end -->';

/** Replaces the generated section of docs/benchmarks.md (between the markers), keeping the text around it. */
function writeDocs(report: string): void {
  const file = path.join(PROJECT_ROOT, 'docs', 'benchmarks.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next = start >= 0 && end > start ? `${text.slice(0, start + START.length)}\n${report}\n${text.slice(end)}` : `${text.trimEnd()}\n\n${START}\n${report}\n${END}\n`;
  fs.writeFileSync(file, next);
  console.log(`Results written to ${path.relative(process.cwd(), file)}`);
}
