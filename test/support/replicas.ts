import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '@cmcc/governance/composition';

/**
 * Replicas as an operator runs them: each service a separate Node process on a port the system picks (PORT=0), and a
 * round-robin load balancer in front of each group of replicas. Used by the multi-replica test of issue 18.
 */

/** A service started as its own process (`tsx <entry>`), listening on a port of its choosing. */
export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` as the process logged it ("... listening"). */
  readonly url: string;
  readonly child: ChildProcess;
  /** Its log lines (JSON), for a failing test to show. */
  readonly logs: string[];
  /** Ends it: SIGTERM (a graceful stop), or SIGKILL (a crash); resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `entry` (a path from the repository root, e.g. `gateway/src/index.ts`) with `env` on HOST 127.0.0.1, port 0
 * and resolves once it logs the URL it listens on (`gateway listening` / `subgraph listening`); rejects with its last
 * log lines if it exits first or takes longer than `timeoutMs`.
 */
export function startServiceProcess(name: string, entry: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, entry)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: '0', GATEWAY_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${logs.slice(-20).join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      logs.push(line);
      if (logs.length > 2000) logs.splice(0, logs.length - 2000);
      let record: { msg?: string; url?: string };
      try {
        record = JSON.parse(line) as { msg?: string; url?: string };
      } catch {
        return;
      }
      if (record.url && /listening$/.test(record.msg ?? '')) {
        clearTimeout(timer);
        resolve({ name, url: record.url.replace(/\/graphql$/, ''), child, logs, stop });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before listening:\n${logs.slice(-20).join('\n')}`));
    });
  });
}

/** A round-robin HTTP load balancer over replicas of one service. */
export interface RoundRobinProxy {
  readonly url: string;
  /** The replicas' base URLs, in turn order; the test may replace them (a restarted replica has a new port). */
  upstreams: string[];
  /** Requests each replica answered, by base URL. */
  readonly served: Map<string, number>;
  /** Requests sent on to another replica because one refused the connection (it was down). */
  readonly retriedElsewhere: number;
  /** Requests a replica accepted and then failed (answered 502 to the client), as `<replica>: <error code>`. */
  readonly failures: readonly string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * Sends each request to the next replica in turn, as nginx or HAProxy do; a replica that refuses the connection (its
 * process is gone, so the request never reached it) is skipped and the request goes to the next one, as nginx's
 * `proxy_next_upstream error` does (also when a kept-alive connection to it turns out closed before the request went
 * out). A replica that accepted the request and then failed is not retried (the request may have been applied): its
 * answer, or a 502, goes back to the client.
 */
export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  let retriedElsewhere = 0;
  const failures: string[] = [];
  const served = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true });
  const forward = (upstream: string, request: http.IncomingMessage, body: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const target = new URL(request.url ?? '/', upstream);
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      const outgoing = http.request(target, { method: request.method, headers: { ...headers, 'content-length': String(body.length) }, agent }, resolve);
      // A kept-alive connection the replica closed (it died) fails before the request reached it: as refused.
      outgoing.once('error', (error: NodeJS.ErrnoException) =>
        reject(outgoing.reusedSocket && error.code === 'ECONNRESET' ? Object.assign(error, { code: 'ECONNREFUSED' }) : error),
      );
      outgoing.end(body);
    });
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // This request's turn, then the replicas after it (other requests move the shared turn on meanwhile).
    const replicas = [...proxy.upstreams];
    const first = next++;
    for (let attempt = 0; attempt < replicas.length; attempt++) {
      const upstream = replicas[(first + attempt) % replicas.length];
      try {
        const answer = await forward(upstream, request, body);
        served.set(upstream, (served.get(upstream) ?? 0) + 1);
        const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
        response.writeHead(answer.statusCode ?? 502, headers as http.OutgoingHttpHeaders);
        answer.pipe(response);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED') {
          retriedElsewhere++;
          continue;
        }
        failures.push(`${upstream}: ${code ?? (error as Error).message}`);
        response.writeHead(502, { 'content-type': 'text/plain' }).end(`replica ${upstream} failed: ${code ?? (error as Error).message}`);
        return;
      }
    }
    response.writeHead(502, { 'content-type': 'text/plain' }).end('no replica accepted the connection');
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: RoundRobinProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreams: [...upstreams],
    served,
    failures,
    get retriedElsewhere() {
      return retriedElsewhere;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
