import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { STATUS_CODES } from 'node:http';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, request } from 'undici';
import { PRINCIPAL_HEADER } from '@cmcc/contracts';
import { canMerge, mergeQueries, type SubgraphQuery } from './coalesce.ts';
import { isQueryRequest } from './operation-kind.ts';

const gunzip = promisify(zlib.gunzip);
const brotli = promisify(zlib.brotliDecompress);

export interface TransportOptions {
  /** Keep-alive connections per subgraph origin (undici keeps one pool per origin). */
  connectionsPerOrigin: number;
  keepAliveMs: number;
  /** Send `accept-encoding: gzip, br` and decompress what comes back. */
  compression: boolean;
  /** Share one fetch among identical concurrent queries of the same principal to the same subgraph. */
  dedupe: boolean;
  /** Merge the queries of one principal to one subgraph that are ready at the same moment into one request. */
  coalesce: boolean;
  /** Abort a subgraph request after this long. */
  timeoutMs: number;
}

export interface TransportStats {
  /** Fetches the gateway asked for. */
  requests: number;
  /** Of those, answered by a fetch already in flight (not sent again). */
  deduplicated: number;
  /** Queries that went out inside another's request (merged). */
  merged: number;
  /** Requests actually sent to subgraphs. */
  sent: number;
  inFlight: number;
}

export interface SubgraphTransport {
  readonly fetcher: Fetcher;
  stats(): TransportStats;
  close(): Promise<void>;
}

/** A query waiting for the end of the event-loop turn, to be merged with others to the same subgraph or sent alone. */
interface BatchItem {
  init: FetcherRequestInit;
  body: string;
  resolve(received: Received): void;
  reject(error: unknown): void;
}

interface Received {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** The principal and audience a principal token the gateway signed carries (its own token, so read as it stands). */
export function principalTokenClaims(token: string | undefined): { principal: unknown; aud: unknown } | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { principal?: unknown; aud?: unknown };
    return { principal: claims.principal, aud: claims.aud };
  } catch {
    return undefined;
  }
}

/**
 * Who a subgraph request is for, from the principal token the gateway signed for it: the principal and the audience,
 * without the single-use parts (jti, iat, exp). Undefined without a token: such requests are never shared.
 */
export function principalIdentity(headers: Record<string, string> | undefined): string | undefined {
  const claims = principalTokenClaims(headers?.[PRINCIPAL_HEADER]);
  return claims ? JSON.stringify([claims.aud, claims.principal]) : undefined;
}

/**
 * The gateway's `Fetcher` for subgraph requests: keep-alive pools per subgraph origin (undici), optional
 * compression, and in-flight deduplication keyed by subgraph URL, body (query, variables, operation name) and the
 * principal's identity, so no principal ever receives a response fetched for another, and mutations are never shared.
 */
export function createSubgraphTransport(options: TransportOptions): SubgraphTransport {
  const agent = new Agent({ connections: options.connectionsPerOrigin, keepAliveTimeout: options.keepAliveMs, keepAliveMaxTimeout: options.keepAliveMs });
  const inFlight = new Map<string, Promise<Received>>();
  const counters = { requests: 0, deduplicated: 0, merged: 0, sent: 0 };
  const batches = new Map<string, { url: string; items: BatchItem[] }>();

  const send = async (url: string, init: FetcherRequestInit): Promise<Received> => {
    counters.sent++;
    const headers: Record<string, string> = { ...init.headers };
    if (options.compression) headers['accept-encoding'] = 'gzip, br';
    else delete headers['accept-encoding'];
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
    const response = await request(url, { method: (init.method ?? 'POST') as 'POST', headers, body: init.body, dispatcher: agent, signal });
    let body = Buffer.from(await response.body.arrayBuffer());
    const encoding = String(response.headers['content-encoding'] ?? '');
    if (encoding === 'gzip') body = await gunzip(body);
    else if (encoding === 'br') body = await brotli(body);
    const list: [string, string][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
      list.push([name, Array.isArray(value) ? value.join(', ') : value]);
    }
    return { status: response.statusCode, headers: list, body };
  };

  // Queries for the same subgraph and principal issued in the same turn of the event loop (the parallel fetches of a
  // query plan) wait for that turn to end and go out as one request. A body is parsed only when there is something to
  // merge it with: most turns hold one query per subgraph, sent as it is.
  const sendCoalesced = (url: string, init: FetcherRequestInit, identity: string, body: string): Promise<Received> =>
    new Promise<Received>((resolve, reject) => {
      const key = `${url}\n${identity}`;
      let batch = batches.get(key);
      if (!batch) {
        batches.set(key, (batch = { url, items: [] }));
        setImmediate(() => void flush(key));
      }
      batch.items.push({ init, body, resolve, reject });
    });

  const sendAlone = (url: string, item: BatchItem) => void send(url, item.init).then(item.resolve, item.reject);

  const flush = async (key: string): Promise<void> => {
    const batch = batches.get(key)!;
    batches.delete(key);
    const { url } = batch;
    const items: (BatchItem & { query: SubgraphQuery })[] = [];
    for (const item of batch.items) {
      let query: SubgraphQuery | undefined;
      try {
        query = batch.items.length > 1 ? (JSON.parse(item.body) as SubgraphQuery) : undefined;
      } catch {
        query = undefined;
      }
      if (query && canMerge(query)) items.push({ ...item, query });
      else sendAlone(url, item);
    }
    const merged = items.length > 1 ? mergeQueries(items.map((item) => item.query)) : undefined;
    if (!merged) {
      for (const item of items) sendAlone(url, item);
      return;
    }
    counters.merged += items.length - 1;
    try {
      const received = await send(url, { ...items[0].init, body: JSON.stringify(merged.body) });
      let answer: Parameters<typeof merged.split>[0] | undefined;
      try {
        answer = received.status === 200 ? JSON.parse(received.body.toString('utf8')) : undefined;
      } catch {
        answer = undefined;
      }
      if (!answer || typeof answer !== 'object') return items.forEach((item) => item.resolve(received));
      merged.split(answer).forEach((part, index) => items[index].resolve({ ...received, body: Buffer.from(JSON.stringify(part)) }));
    } catch (error) {
      items.forEach((item) => item.reject(error));
    }
  };

  const fetcher: Fetcher = async (url, init = {}) => {
    counters.requests++;
    const body = typeof init.body === 'string' ? init.body : undefined;
    // Only queries are shared or merged.
    const identity = (options.dedupe || options.coalesce) && body && isQueryRequest(body) ? principalIdentity(init.headers) : undefined;
    if (!identity) return toResponse(url, await send(url, init));
    if (!options.dedupe) return toResponse(url, await sendCoalesced(url, { ...init, signal: undefined }, identity, body!));
    const key = `${url}\n${identity}\n${body}`;
    let shared = inFlight.get(key);
    if (shared) counters.deduplicated++;
    else {
      // The shared fetch must not die with the first caller's signal: it carries only the timeout.
      const detached = { ...init, signal: undefined };
      shared = (options.coalesce ? sendCoalesced(url, detached, identity, body!) : send(url, detached)).finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    if (init.signal) {
      // A caller that gives up (its attempt timed out) takes the fetch out of sharing, so its retry, and every later
      // caller, sends afresh instead of joining the fetch that did not answer in time; callers already waiting keep it.
      const fetch = shared;
      init.signal.addEventListener('abort', () => inFlight.get(key) === fetch && inFlight.delete(key), { once: true });
    }
    return toResponse(url, await (init.signal ? abortable(shared, init.signal) : shared));
  };

  return {
    fetcher,
    stats: () => ({ ...counters, inFlight: inFlight.size }),
    close: () => agent.close(),
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}

/**
 * What @apollo/gateway reads of a subgraph response (status, headers, one body read as text or JSON), without building
 * a WHATWG Response per fetch: one of the costs the profile of the dashboard operation showed.
 */
class SubgraphResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  bodyUsed = false;

  constructor(
    readonly url: string,
    private readonly received: Received,
  ) {
    this.headers = new ListHeaders(received.headers);
  }

  get status(): number {
    return this.received.status;
  }

  get ok(): boolean {
    return this.received.status >= 200 && this.received.status < 300;
  }

  get statusText(): string {
    return STATUS_CODES[this.received.status] ?? '';
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.received.body.toString('utf8');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of the Fetcher response it implements
  async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const { body } = this.received;
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new SubgraphResponse(this.url, this.received);
  }
}

/** Read-only headers over the received list (names are lower case, as undici gives them). */
class ListHeaders implements FetcherHeaders {
  private readonly map: Map<string, string>;

  constructor(list: [string, string][]) {
    this.map = new Map(list);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const existing = this.get(name);
    this.set(name, existing === null ? value : `${existing}, ${value}`);
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  values(): IterableIterator<string> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

function toResponse(url: string, received: Received): FetcherResponse {
  return new SubgraphResponse(url, received);
}
