import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PRINCIPAL_HEADER, signPrincipal } from '@cmcc/contracts';
import type { Principal } from '@cmcc/contracts';
import { TEST_PRINCIPAL, TEST_SHARED_SECRET } from '@cmcc/test-support/subgraph';
import { createSubgraphTransport, type SubgraphTransport } from '../src/transport/fetcher.ts';

/**
 * The gateway's subgraph transport against a counting HTTP server: in-flight deduplication (what is shared and what
 * never is), keep-alive connection reuse and compressed responses.
 */

let server: http.Server;
let url: string;
const received: { body: string; encoding: string | undefined; socket: unknown }[] = [];
let release: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ body: Buffer.concat(chunks).toString(), encoding: request.headers['accept-encoding'], socket: request.socket });
    await gate;
    const payload = JSON.stringify({ data: { n: received.length } });
    response.setHeader('content-type', 'application/json');
    response.setHeader('cache-control', 'max-age=30, public');
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (accepts.includes('br')) {
      response.setHeader('content-encoding', 'br');
      return response.end(zlib.brotliCompressSync(payload));
    }
    if (accepts.includes('gzip')) {
      response.setHeader('content-encoding', 'gzip');
      return response.end(zlib.gzipSync(payload));
    }
    response.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const transports: SubgraphTransport[] = [];
afterEach(async () => {
  received.length = 0;
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function transport(options: Partial<Parameters<typeof createSubgraphTransport>[0]> = {}): SubgraphTransport {
  const created = createSubgraphTransport({ connectionsPerOrigin: 4, keepAliveMs: 10_000, compression: false, dedupe: true, coalesce: false, timeoutMs: 5000, ...options });
  transports.push(created);
  return created;
}

/** A subgraph request as the gateway's data source sends it: a fresh single-use principal token each time. */
async function init(query: string, principal: Principal = TEST_PRINCIPAL, variables: Record<string, unknown> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: await signPrincipal(principal, TEST_SHARED_SECRET, 'security') },
    body: JSON.stringify({ query, variables }),
  };
}

/** Holds the server's answers until `open()`, so requests overlap for certain. */
function hold(): () => void {
  gate = new Promise<void>((resolve) => (release = resolve));
  return () => release();
}

const QUERY = 'query Situation__security__1($representations:[_Any!]!){_entities(representations:$representations){...on Area{incidents{id}}}}';

describe('in-flight deduplication', () => {
  it('collapses concurrent identical queries of one principal into one subgraph request', async () => {
    const { fetcher, stats } = transport();
    const open = hold();
    const pending = await Promise.all(Array.from({ length: 5 }, () => init(QUERY))).then((inits) => inits.map((i) => fetcher(url, i)));
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(1));
    open();
    const bodies = await Promise.all((await Promise.all(pending)).map((response) => response.json()));
    expect(received).toHaveLength(1);
    expect(bodies).toEqual(Array(5).fill({ data: { n: 1 } }));
    expect(stats()).toMatchObject({ requests: 5, sent: 1, deduplicated: 4, inFlight: 0 });
  });

  it('never shares a response between principals, even with identical queries', async () => {
    const { fetcher } = transport();
    const open = hold();
    const other: Principal = { ...TEST_PRINCIPAL, subject: 'gbr-analyst', nation: 'GBR' };
    const pending = [fetcher(url, await init(QUERY)), fetcher(url, await init(QUERY, other)), fetcher(url, await init(QUERY))];
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(2));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(2);
  });

  it('keeps different variables apart', async () => {
    const { fetcher } = transport();
    const open = hold();
    const pending = [
      fetcher(url, await init(QUERY, TEST_PRINCIPAL, { representations: [{ pcode: 'PS0255' }] })),
      fetcher(url, await init(QUERY, TEST_PRINCIPAL, { representations: [{ pcode: 'PS0260' }] })),
    ];
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(2));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(2);
  });

  it('never deduplicates mutations', async () => {
    const { fetcher } = transport();
    const open = hold();
    const mutation = 'mutation Report__security__0($input:ReportIncidentInput!){reportIncident(input:$input){incident{id}}}';
    const pending = await Promise.all([init(mutation), init(mutation), init(mutation)]).then((inits) => inits.map((i) => fetcher(url, i)));
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(3));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(3);
  });

  it('never shares a mutation chosen by operationName from a document that starts with a query', async () => {
    const { fetcher } = transport();
    const open = hold();
    const request = async () => {
      const base = await init('query Read { a } mutation Write($input:ReportIncidentInput!){reportIncident(input:$input){incident{id}}}');
      return { ...base, body: JSON.stringify({ ...JSON.parse(base.body), operationName: 'Write' }) };
    };
    const pending = await Promise.all([request(), request()]).then((inits) => inits.map((i) => fetcher(url, i)));
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(2));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(2);
  });

  it('does not deduplicate requests without a principal token (nothing says whose they are)', async () => {
    const { fetcher } = transport();
    const open = hold();
    const anonymous = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) };
    const pending = [fetcher(url, anonymous), fetcher(url, anonymous)];
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(2));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(2);
  });

  it('sends every request when deduplication is off', async () => {
    const { fetcher } = transport({ dedupe: false });
    const open = hold();
    const pending = await Promise.all([init(QUERY), init(QUERY)]).then((inits) => inits.map((i) => fetcher(url, i)));
    // Held at the subgraph until open(): every request that is sent is there at once.
    await vi.waitFor(() => expect(received).toHaveLength(2));
    open();
    await Promise.all(pending);
    expect(received).toHaveLength(2);
  });
});

describe('connections and compression', () => {
  it('reuses a keep-alive connection for sequential requests instead of opening one per request', async () => {
    // One connection allowed: without keep-alive each request would arrive on a new socket.
    const { fetcher } = transport({ connectionsPerOrigin: 1 });
    for (let i = 0; i < 3; i++) await (await fetcher(url, await init(`${QUERY} `.repeat(i + 1)))).text();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.socket)).size).toBe(1);
  });

  it('asks for gzip and br and decompresses the answer when compression is on; asks for neither when off', async () => {
    const compressed = transport({ compression: true });
    const response = await compressed.fetcher(url, await init(QUERY));
    expect(await response.json()).toEqual({ data: { n: 1 } });
    expect(response.headers.get('cache-control')).toBe('max-age=30, public');
    expect(received[0].encoding).toBe('gzip, br');
    const plain = transport({ compression: false });
    await (await plain.fetcher(url, await init(QUERY))).text();
    expect(received[1].encoding).toBeUndefined();
  });
});
