import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** How a faulty proxy treats the next requests. */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'fail'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  /** Answers 200 with a body that is not JSON, as a broken subgraph or a misconfigured reverse proxy does. */
  | { kind: 'malformed' };

/** An HTTP proxy in front of one subgraph that a test can make slow, failing or unreachable; it records every request body. */
export interface FaultyProxy {
  readonly url: string;
  target: string;
  mode: FaultMode;
  readonly bodies: string[];
  /** Stops listening and drops every connection, so a new connection is refused (ECONNREFUSED), as when a service is down. */
  refuse(): Promise<void>;
  /** Listens again on the same port after `refuse()`. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultyProxy(target = ''): Promise<FaultyProxy> {
  const proxy: Omit<FaultyProxy, 'url' | 'close' | 'refuse' | 'accept'> = { target, mode: { kind: 'pass' }, bodies: [] };
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    proxy.bodies.push(body);
    const mode = proxy.mode;
    if (mode.kind === 'reset') return void request.socket.destroy();
    if (mode.kind === 'fail') {
      response.statusCode = mode.status;
      return void response.end('subgraph failure injected by the test');
    }
    if (mode.kind === 'malformed') {
      response.setHeader('content-type', 'application/json');
      return void response.end('{"data": {"truncated');
    }
    if (mode.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, mode.ms));
    try {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      const answer = await fetch(`${proxy.target}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? body : undefined });
      response.statusCode = answer.status;
      response.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
      // The subgraph's lifetime for its answer, as a transparent proxy passes it (the response cache reads it).
      const cacheControl = answer.headers.get('cache-control');
      if (cacheControl) response.setHeader('cache-control', cacheControl);
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      if (!response.headersSent) response.statusCode = 502;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(proxy, {
    url,
    refuse: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    accept: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FaultyProxy;
}

/**
 * A TCP proxy to a real service (Redis, Postgres) that a test cuts and restores, to play an outage without stopping
 * the machine's service (others use it). `cut()` drops every connection and refuses new ones; `restore()` accepts again.
 */
export interface TcpProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
