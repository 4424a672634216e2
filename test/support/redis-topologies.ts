import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { REQUIRE_SERVICES } from './services.ts';

/**
 * Throwaway Redis deployments for tests, made of `redis-server` processes on free ports (the binary the machine's Redis
 * comes from): a primary with a replica watched by one Sentinel, or a three-node Cluster. Nothing is kept on disk
 * beyond a temporary folder removed on stop.
 */

/** Whether `redis-server` can be run here; under REQUIRE_SERVICES=1 its absence fails the run. */
export function redisServerAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!found && REQUIRE_SERVICES) throw new Error('REQUIRE_SERVICES=1 but redis-server is not installed (apt-get install redis-server)');
  if (!found) console.warn('Skipping Redis Sentinel and Cluster tests: no redis-server binary');
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  readonly processes: ChildProcess[];
  readonly dir: string;
}

function startServer(running: Running, args: string[]): void {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: running.dir });
  child.stderr?.resume();
  running.processes.push(child);
}

/** Waits until a Redis on `port` answers `probe` truthfully (or throws after `timeoutMs`). */
async function until(port: number, probe: (redis: Redis) => Promise<boolean>, timeoutMs = 20_000, password?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const redis = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      if (await probe(redis)) return;
    } catch {
      // not up yet
    } finally {
      redis.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`Redis on port ${port} did not get ready in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopAll(running: Running): Promise<void> {
  await Promise.all(
    running.processes.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  fs.rmSync(running.dir, { recursive: true, force: true });
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** One standalone Redis of the test's own (nothing another test file writes can reach it). */
export async function startRedisServer(): Promise<RedisServer> {
  const running: Running = { processes: [], dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-redis-')) };
  const port = await freePort();
  try {
    startServer(running, [...COMMON, '--port', String(port)]);
    await until(port, async () => true);
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopAll(running) };
}

export interface SentinelSet {
  /** `redis+sentinel://[:<password>@]127.0.0.1:<sentinel>/<name>[?sentinelPassword=...]`: with every password the set asks for. */
  readonly url: string;
  readonly name: string;
  readonly sentinelPort: number;
  readonly primaryPort: number;
  readonly replicaPorts: readonly number[];
  /** A connection to the Sentinel itself (SENTINEL commands). */
  sentinel(): Redis;
  /** Kills the process of the node that is primary now (SIGKILL), as a crashed machine would go. */
  killPrimary(): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelSetOptions {
  /** The data nodes' password (`requirepass`, and `masterauth` for the replicas; the Sentinel's `auth-pass`). */
  readonly password?: string;
  /** The Sentinel's own password (`requirepass` in sentinel.conf). */
  readonly sentinelPassword?: string;
  /** Each replica's `replica-priority` (lower is promoted first; Redis's default is 100). */
  readonly replicaPriorities?: readonly [number, number];
}

/** A primary, two replicas, and one Sentinel watching them (quorum 1, failover after 1 s without the primary). */
export async function startSentinelSet(name = 'cmcc-test', options: SentinelSetOptions = {}): Promise<SentinelSet> {
  const running: Running = { processes: [], dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-sentinel-')) };
  const [primaryPort, sentinelPort] = [await freePort(), await freePort()];
  const replicaPorts = [await freePort(), await freePort()];
  const { password, sentinelPassword } = options;
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  try {
    startServer(running, [...COMMON, ...auth, '--port', String(primaryPort)]);
    await until(primaryPort, async () => true, undefined, password);
    for (const [n, replicaPort] of replicaPorts.entries()) {
      const priority = options.replicaPriorities ? ['--replica-priority', String(options.replicaPriorities[n])] : [];
      startServer(running, [...COMMON, ...auth, ...priority, '--port', String(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)]);
      await until(replicaPort, async (redis) => /master_link_status:up/.test(await redis.info('replication')), undefined, password);
    }
    const config = path.join(running.dir, 'sentinel.conf');
    fs.writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${running.dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
        ...(sentinelPassword ? [`requirepass ${sentinelPassword}`] : []),
        '',
      ].join('\n'),
    );
    startServer(running, [config, '--sentinel']);
    // Ready once the Sentinel has heard from both replicas themselves (a failover promotes only such a replica).
    await until(
      sentinelPort,
      async (redis) => {
        const replicas = (await redis.call('SENTINEL', 'REPLICAS', name)) as string[][];
        const fields = replicas.map((flat) => Object.fromEntries(flat.flatMap((value, i) => (i % 2 === 0 ? [[value, flat[i + 1]]] : []))));
        return fields.length === replicaPorts.length && fields.every((replica) => replica.flags === 'slave' && replica['master-link-status'] === 'ok');
      },
      undefined,
      sentinelPassword,
    );
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return {
    url: `redis+sentinel://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${sentinelPort}/${name}${sentinelPassword ? `?sentinelPassword=${encodeURIComponent(sentinelPassword)}` : ''}`,
    name,
    sentinelPort,
    primaryPort,
    replicaPorts,
    sentinel: () => new Redis({ port: sentinelPort, host: '127.0.0.1', password: sentinelPassword }),
    killPrimary: async () => {
      // Whichever node is the primary now (a failover may have moved it): processes 0, 1, 2 are the primary's and replicas' ports.
      const sentinel = new Redis({ port: sentinelPort, host: '127.0.0.1', password: sentinelPassword });
      try {
        const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[];
        running.processes[[primaryPort, ...replicaPorts].indexOf(Number(port))].kill('SIGKILL');
      } finally {
        sentinel.disconnect();
      }
    },
    stop: () => stopAll(running),
  };
}

export interface ClusterSet {
  /** `redis+cluster://127.0.0.1:<port>,...`. */
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/** Three primaries sharing the 16,384 slots (no replicas), created with `redis-cli --cluster create`. */
export async function startCluster(): Promise<ClusterSet> {
  const running: Running = { processes: [], dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-cluster-')) };
  const ports = [await freePort(), await freePort(), await freePort()];
  try {
    for (const port of ports) {
      startServer(running, [...COMMON, '--port', String(port), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']);
    }
    for (const port of ports) await until(port, async () => true);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    for (const port of ports) await until(port, async (redis) => /cluster_state:ok/.test(String(await redis.call('CLUSTER', 'INFO'))));
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop: () => stopAll(running) };
}

export interface SecuredServer {
  /** `rediss://<user>:<password>@127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The certificate authority that signed the server's certificate (PEM), for the client to trust. */
  readonly ca: string;
  stop(): Promise<void>;
}

/**
 * One Redis that speaks only TLS (a certificate made here with `openssl`, for 127.0.0.1) and knows one ACL user; the
 * default user is off, so nothing connects without that user's password.
 */
export async function startSecuredServer(): Promise<SecuredServer> {
  const running: Running = { processes: [], dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-redis-tls-')) };
  const file = (name: string) => path.join(running.dir, name);
  const openssl = (args: string[]) => {
    const run = spawnSync('openssl', args, { cwd: running.dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr}`);
  };
  const [port, user, password] = [await freePort(), 'cmcc-app', `pw-${Math.random().toString(36).slice(2)}`];
  try {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cmcc-test-ca']);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext']);
    startServer(running, [
      ...COMMON,
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      file('server.crt'),
      '--tls-key-file',
      file('server.key'),
      '--tls-ca-cert-file',
      file('ca.crt'),
      '--tls-auth-clients',
      'no',
      '--user',
      'default',
      'off',
      '--user',
      user,
      'on',
      `>${password}`,
      '~*',
      '&*',
      '+@all',
    ]);
    const ca = fs.readFileSync(file('ca.crt'), 'utf8');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = new Redis({ port, host: '127.0.0.1', username: user, password, tls: { ca }, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        // not up yet
      } finally {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`the TLS Redis on port ${port} did not get ready`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url: `rediss://${user}:${password}@127.0.0.1:${port}`, port, user, password, ca, stop: () => stopAll(running) };
  } catch (error) {
    await stopAll(running);
    throw error;
  }
}
