import { createHash } from 'node:crypto';
import type { GraphQLRequestContextResponseForOperation, GraphQLRequestContextWillSendResponse, GraphQLResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Logger } from '@cmcc/platform';
import type { AccessMarking, Principal } from '@cmcc/contracts';
import { entitiesReturned } from '@cmcc/audit-trail';
import type { CacheStore } from './store.ts';
import { entityTags, payloadTypes, typesSelected, typeTag, untypedTag } from './tags.ts';
import { schemaOf } from '../apollo-internals.ts';
import { fieldResolvers } from '@cmcc/governance/outage';
import { fillFromStale, type FieldOwners } from './stale.ts';
import { cacheableMarkings, recordCachedMarkings } from '../audit/markings.ts';

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Responses stored. */
  stores: number;
  /** Entries evicted by mutations. */
  invalidations: number;
  /** Lookups and writes skipped because the store was unreachable. */
  bypasses: number;
  /** Answers in which fields of a failed subgraph were filled from an expired entry (stale-if-error). */
  staleServed: number;
}

export interface ResponseCacheOptions {
  store: CacheStore;
  /** Upper bound on an entry's lifetime, whatever the subgraphs declared. */
  maxAgeSeconds: number;
  /**
   * Changes whenever the meaning of a cached response could: the supergraph served and the authorization settings.
   * Part of every key, so a reload or a new policy never serves an entry built under the old one.
   */
  generation: () => string;
  logger: Logger;
  /** Bytes the parsed copies of recent hits may take (see ParsedEntries); default 16 MiB. */
  parsedMaxBytes?: number;
  /**
   * How long after an entry expires it may still fill the fields of a subgraph that fails (stale-if-error), in seconds;
   * 0: never. Entries are kept this much longer in the store, and are not served as hits once expired.
   */
  staleIfErrorSeconds?: number;
}

const hits = new WeakSet<object>();

/** Whether this request was answered from the response cache (the audit event says so). */
export function isCacheHit(request: object): boolean {
  return hits.has(request);
}

/**
 * Everything that decides what a principal may see: every attribute of the principal (clearance, nation, organisation,
 * participant, working groups, roles, scopes, caveats, ...) and the subject itself, since TLP:RED records name their
 * recipients. All of them, not a list: an attribute the releasability rule comes to read is in the key without a change
 * here. Two principals share a cache entry only if they are the same principal with the same rights; lists compare as
 * sets (order does not matter).
 */
export function principalView(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  const view: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(principal)) view[attribute] = Array.isArray(value) ? [...value].map(String).sort() : value;
  return canonical(view);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
    .join(',')}}`;
}

/** Freezes a parsed entry all the way down: a hit is shared between requests, and nothing may change it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * A cached answer's data is not serialised again on every hit (it was the largest part of a hit's cost): its JSON is
 * kept as bytes with the parsed entry, and the data object answers JSON.stringify with this marker, so Apollo Server's
 * serialisation of a hit is a few bytes; `completeBody` then puts the stored bytes where the marker is. Everything else
 * reads the data object as usual (the audit event's entities, authorization). A marker no data could hold by accident.
 */
const STORED_ANSWER = '\u0000cmcc:stored-answer\u0000';
const STORED_ANSWER_JSON = JSON.stringify(STORED_ANSWER);

/**
 * Parsed entries by their text, so a dashboard polling the same entry does not parse it on every hit (a visible share of
 * a hit's cost). Keyed by the stored text itself: an entry that changed in the store is parsed afresh. Bounded in bytes
 * like the store, least recently used first out: an entry is counted three times its text (the text, the answer's
 * bytes, the parsed object).
 */
class ParsedEntries {
  private readonly entries = new Map<string, { text: string; parsed: ParsedEntry; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly max = 1000,
  ) {}

  get(key: string, text: string): ParsedEntry {
    const known = this.entries.get(key);
    if (known && known.text === text) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.parsed;
    }
    const entry = JSON.parse(text) as Entry;
    const data = entry.result.data;
    let answer: Buffer | undefined;
    if (data && typeof data === 'object' && !Object.hasOwn(data, 'toJSON')) {
      answer = Buffer.from(JSON.stringify(data));
      Object.defineProperty(data, 'toJSON', { value: () => STORED_ANSWER, enumerable: false });
    }
    const parsed = { entry: deepFreeze(entry), answer };
    if (known) this.forget(key, known.bytes);
    const bytes = 3 * text.length;
    if (bytes > this.maxBytes) return parsed;
    this.entries.set(key, { text, parsed, bytes });
    this.bytes += bytes;
    for (const [oldest, { bytes: size }] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= this.max) break;
      this.forget(oldest, size);
    }
    return parsed;
  }

  private forget(key: string, bytes: number): void {
    this.entries.delete(key);
    this.bytes -= bytes;
  }
}

interface ParsedEntry {
  entry: Entry;
  /** The data's JSON, sent for it on a hit (see STORED_ANSWER). */
  answer?: Buffer;
}

interface Entry {
  result: FormattedExecutionResult;
  /** When the entry stops being fresh (epoch milliseconds), for the client's `cache-control: max-age` on a hit. */
  expiresAt: number;
  /** When the answer was stored (epoch milliseconds): the `asOf` of what it fills when stale. Absent in older entries. */
  storedAt?: number;
  /**
   * The markings of the records the answer holds, as the subgraphs reported them when it was built, so a hit's audit
   * event carries them (gateway/src/audit/markings.ts). Absent when a report was incomplete, and in older entries: a
   * hit on such an entry is audited with its markings unknown.
   */
  markings?: AccessMarking[];
}

/**
 * The response cache: `lookup` answers a query from the cache (stage cache-lookup, gateway/src/stages/cache-lookup.ts),
 * `store` keeps a response or evicts what a mutation changed (stage cache-store, gateway/src/stages/cache-store.ts).
 */
export interface ResponseCache {
  /** The cached response for this request, or null (a miss, remembered for `store`). Called after every `didResolveOperation`. */
  lookup(requestContext: GraphQLRequestContextResponseForOperation<CacheContext>): Promise<GraphQLResponse | null>;
  /** Stores the response of a miss, or evicts the entries a mutation changed. Called when the response is complete. */
  store(requestContext: GraphQLRequestContextWillSendResponse<CacheContext>): Promise<void>;
  stats(): ResponseCacheStats;
  /** The supergraph being served (its join directives say which subgraph resolves each field, for stale-if-error). */
  useSupergraph(supergraphSdl: string): void;
}

/** A request's box for the stored answer bytes of a hit (GatewayContext.storedAnswer). */
export interface StoredAnswer {
  bytes?: Buffer;
}

export interface CacheContext {
  requestId?: string;
  principal?: Principal;
  storedAnswer?: StoredAnswer;
}

/**
 * The response body to send: for a hit, Apollo Server's serialisation (a few bytes, with the marker where the data
 * goes) with the stored answer bytes put in; any other body as it is.
 */
export function completeBody(box: StoredAnswer | undefined, body: string): string | Buffer {
  const bytes = box?.bytes;
  if (!bytes) return body;
  box.bytes = undefined;
  const at = body.indexOf(STORED_ANSWER_JSON);
  if (at < 0) return body;
  return Buffer.concat([Buffer.from(body.slice(0, at)), bytes, Buffer.from(body.slice(at + STORED_ANSWER_JSON.length))]);
}

/**
 * Caches whole query responses for the lifetime the subgraphs declare (`@cacheControl`, reaching the gateway as each
 * subgraph response's `cache-control` header; any subgraph answer without a lifetime makes the response uncacheable).
 *
 * Where it sits: a hit is served in `responseForOperation`, after every `didResolveOperation` hook has run, that is
 * after the operation limits, the safelist, authorization, which rewrote the operation and its hash for this principal,
 * and the audit trail's admission (gateway/src/pipeline.ts). The key is that rewritten hash, the principal's whole
 * view, the variables, the operation name and the generation; so a hit is always a response built for this principal with these rights. The
 * audit plugin still writes the event of a hit (fields, entities at any depth, `cacheHit: true`), with the markings
 * stored beside the answer (the subgraphs' report when it was built), so auditors are released a hit's payload as a miss's.
 *
 * Never cached: mutations, responses with any error, responses a subgraph gave no lifetime. A mutation evicts, before
 * its response is sent, every entry that contains a record it returned (`Type:key` tags) and every entry whose
 * operation reads that type (`type:Type`), since a record it created may belong in any list of its type.
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const counters = { hits: 0, misses: 0, stores: 0, invalidations: 0, staleServed: 0 };
  const staleWindowMs = (options.staleIfErrorSeconds ?? 0) * 1000;
  /** The expired entry found for a request, while it may still fill a failed subgraph's fields. */
  const staleOf = new WeakMap<object, Entry>();
  let owners: FieldOwners = new Map();
  const keyOf = (requestContext: { queryHash?: string; request: { operationName?: string; variables?: Record<string, unknown> }; contextValue: { principal?: Principal } }) =>
    createHash('sha256')
      .update(
        `${options.generation()}\n${requestContext.queryHash}\n${requestContext.request.operationName ?? ''}\n${canonical(requestContext.request.variables ?? {})}\n${principalView(requestContext.contextValue.principal)}`,
      )
      .digest('hex');
  const keys = new WeakMap<object, string>();
  const parsed = new ParsedEntries(options.parsedMaxBytes ?? 16 * 2 ** 20);

  return {
    stats: () => ({ ...counters, bypasses: options.store.bypasses }),
    useSupergraph(supergraphSdl) {
      owners = fieldResolvers(supergraphSdl).owners;
    },
    async lookup(requestContext) {
      if (requestContext.operation?.operation !== 'query') return null;
      const key = keyOf(requestContext);
      const cached = await options.store.get(`response:${key}`);
      const expired = cached !== undefined && staleWindowMs > 0 ? (JSON.parse(cached) as Entry) : undefined;
      if (cached === undefined || (expired && expired.expiresAt <= Date.now())) {
        // Kept past its lifetime only to stand in for a subgraph that fails: a miss, remembered for `store`.
        if (expired) staleOf.set(requestContext.request, expired);
        counters.misses++;
        keys.set(requestContext.request, key);
        return null;
      }
      counters.hits++;
      hits.add(requestContext.request);
      const { entry, answer } = parsed.get(key, cached);
      recordCachedMarkings(requestContext.contextValue, entry.markings);
      requestContext.overallCachePolicy.restrict({ maxAge: Math.max(0, Math.floor((entry.expiresAt - Date.now()) / 1000)), scope: 'PRIVATE' });
      const box = requestContext.contextValue.storedAnswer;
      if (!answer || (box && !box.bytes)) {
        if (box && answer) box.bytes = answer;
        return { http: requestContext.response.http, body: { kind: 'single', singleResult: entry.result } };
      }
      // No box (Apollo Server's executeOperation, no HTTP layer), or one already holding another hit's bytes: the
      // data as a plain copy, serialised as usual, so one body never carries two markers.
      return { http: requestContext.response.http, body: { kind: 'single', singleResult: { data: JSON.parse(answer.toString('utf8')) } } };
    },
    async store(requestContext) {
      const { operation, response } = requestContext;
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      if (operation?.operation === 'mutation') return invalidate(requestContext, result);
      fillStale(requestContext, result);
      const key = keys.get(requestContext.request);
      if (!key || result.errors?.length || !result.data) return;
      const policy = requestContext.overallCachePolicy.policyIfCacheable();
      if (!policy?.maxAge) return;
      const schema = schemaOf(requestContext);
      const tags = [...entityTags(schema, requestContext.document!, operation!, result.data), ...typesSelected(schema, requestContext.document!, operation!).map(typeTag)];
      const ttl = Math.min(policy.maxAge, options.maxAgeSeconds);
      const now = Date.now();
      const markings = cacheableMarkings(requestContext.contextValue);
      const entry = { result: { data: result.data }, expiresAt: now + ttl * 1000, storedAt: now, ...(markings ? { markings } : {}) } satisfies Entry;
      // Kept for the stale-if-error window past its lifetime; a lookup then treats it as a miss.
      await options.store.set(`response:${key}`, JSON.stringify(entry), ttl + staleWindowMs / 1000, tags);
      counters.stores++;
    },
  };

  /**
   * A query that a subgraph failed (errors DOWNSTREAM_SERVICE_ERROR naming it) and whose expired entry is still within
   * the window: the failed subgraph's fields, null now, take their last known values, and each error naming that
   * subgraph, and the response's extensions, say so (`stale: { serviceName, asOf }`). Never a field another subgraph
   * answered, never for another principal's view or variables (the entry is this request's own key), and an entry a
   * mutation touched is gone (evicted by its tags). The filled answer has errors, so it is never stored.
   */
  function fillStale(requestContext: GraphQLRequestContextWillSendResponse<CacheContext>, result: FormattedExecutionResult): void {
    const stale = staleOf.get(requestContext.request);
    if (!stale || !result.errors?.length || !result.data || !stale.result.data || !requestContext.document || !requestContext.operation) return;
    if (Date.now() > stale.expiresAt + staleWindowMs) return;
    const failed = new Set(
      result.errors
        .filter((error) => error.extensions?.code === 'DOWNSTREAM_SERVICE_ERROR' && typeof error.extensions.serviceName === 'string')
        .map((error) => error.extensions!.serviceName as string),
    );
    if (failed.size === 0) return;
    const fills = fillFromStale({
      schema: schemaOf(requestContext),
      document: requestContext.document,
      operation: requestContext.operation,
      fresh: result.data as Record<string, unknown>,
      stale: stale.result.data as Record<string, unknown>,
      failed,
      owners,
    });
    if (fills.length === 0) return;
    const asOf = new Date(stale.storedAt ?? stale.expiresAt - options.maxAgeSeconds * 1000).toISOString();
    const services = new Set(fills.map((fill) => fill.serviceName));
    const mutable = result as { errors?: FormattedExecutionResult['errors']; extensions?: Record<string, unknown> };
    mutable.errors = result.errors.map((error) => {
      const serviceName = error.extensions?.serviceName;
      return typeof serviceName === 'string' && services.has(serviceName) ? { ...error, extensions: { ...error.extensions, stale: { serviceName, asOf } } } : error;
    });
    mutable.extensions = {
      ...result.extensions,
      stale: [...services].map((serviceName) => ({ serviceName, asOf, fields: fills.filter((fill) => fill.serviceName === serviceName).length })),
    };
    counters.staleServed++;
    options.logger.info(
      { requestId: requestContext.contextValue.requestId, services: [...services], asOf, fields: fills.length },
      "response cache: a failed subgraph's fields served from the last known answer (stale)",
    );
  }

  async function invalidate(requestContext: GraphQLRequestContextWillSendResponse<CacheContext>, result: FormattedExecutionResult): Promise<void> {
    if (!result.data || !requestContext.document || !requestContext.operation) return;
    const { entities } = entitiesReturned(schemaOf(requestContext), requestContext.document, requestContext.operation, result.data);
    const tags = new Set(entities.flatMap((entity) => [`${entity.type}:${entity.key}`, untypedTag(entity.key), typeTag(entity.type)]));
    for (const type of payloadTypes(schemaOf(requestContext), requestContext.document, requestContext.operation)) tags.add(typeTag(type));
    if (tags.size === 0) return;
    const removed = await options.store.invalidate([...tags]);
    counters.invalidations += removed;
    if (removed > 0)
      options.logger.debug({ requestId: (requestContext.contextValue as { requestId?: string }).requestId, removed }, 'response cache: entries evicted by a mutation');
  }
}
