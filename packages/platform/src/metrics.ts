import fs from 'node:fs';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RawRoute } from './http.ts';
import { ErrorCode } from '@cmcc/contracts';
import { operationNames } from './operation-names.ts';

/** A value read at scrape time: one number, or one per label value (e.g. per cache). */
export type CollectedValue = number | readonly { labels: Record<string, string>; value: number }[];

/** One service's Prometheus metrics (its own registry, so services in one test process do not mix). */
export interface ServiceMetrics {
  readonly registry: client.Registry;
  /**
   * The hook for other modules: a gauge read when /metrics is scraped, e.g.
   * `metrics.registerGauge('cmcc_cache_hit_ratio', 'Hits / lookups per cache', () => caches.map(...), ['cache'])`.
   * `collect` may be async (the scrape waits for it).
   */
  registerGauge(name: string, help: string, collect: () => CollectedValue | Promise<CollectedValue>, labelNames?: string[]): void;
  /** Operations, their latency and their errors by code, labelled by operation name when it is a known one. */
  readonly plugin: ApolloServerPlugin;
  /** Counts an HTTP request when its response is finished. */
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  /** GET /metrics in the Prometheus text format (behind `Authorization: Bearer <token>` when a token is set). */
  readonly route: RawRoute;
}

export interface MetricsOptions {
  service: string;
  /** Operation names that get their own label value; every other one is counted as `other` (bounded cardinality). */
  knownOperations: ReadonlySet<string>;
  token?: string;
}

const OPERATIONS_DIR = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));
const PLANNER_SUFFIX = /^(.+?)__[a-z0-9_]+__\d+$/;
/** Codes counted by name; anything else is `OTHER`, so a subgraph cannot grow the label set. */
const CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/** The names of the saved operations under `schema/operations/` (the operations clients are known to send). */
export function savedOperationNames(dir = OPERATIONS_DIR): Set<string> {
  const names = new Set<string>();
  if (!fs.existsSync(dir)) return names;
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith('.graphql')) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const name of operationNames(text)) names.add(name);
  }
  return names;
}

/**
 * The label for an operation: its name when known, else `other`. A subgraph sees the gateway's planned operations
 * (`SituationByGovernorate__security__1`), which count under the client operation they serve.
 */
export function operationLabel(name: string | null | undefined, known: ReadonlySet<string>): string {
  if (!name) return 'anonymous';
  const base = PLANNER_SUFFIX.exec(name)?.[1] ?? name;
  return known.has(base) ? base : 'other';
}

export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: options.service });
  // Process metrics, among them event-loop lag (nodejs_eventloop_lag_seconds) and memory.
  client.collectDefaultMetrics({ register: registry });
  const operations = new client.Counter({
    name: 'cmcc_graphql_operations_total',
    help: 'GraphQL operations answered, by operation, type and outcome',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'cmcc_graphql_operation_duration_seconds',
    help: 'Time to answer a GraphQL operation, by operation',
    labelNames: ['operation', 'type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new client.Counter({ name: 'cmcc_graphql_errors_total', help: 'Errors in GraphQL responses, by extensions.code', labelNames: ['code'], registers: [registry] });
  const httpRequests = new client.Counter({
    name: 'cmcc_http_requests_total',
    help: 'HTTP requests, by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'cmcc_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, errors: requestErrors, response }) {
          const type = operation?.operation ?? 'unknown';
          const label = operationLabel(operationName, options.knownOperations);
          const sent = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const all = sent.length > 0 ? sent : (requestErrors ?? []);
          operations.inc({ operation: label, type, outcome: all.length > 0 ? 'error' : 'ok' });
          duration.observe({ operation: label, type }, (performance.now() - started) / 1000);
          for (const error of all) {
            const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            errors.inc({ code: CODES.has(code) ? code : 'OTHER' });
          }
        },
      };
    },
  };

  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  const route: RawRoute = async (request, response) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        response.statusCode = 401;
        response.setHeader('www-authenticate', 'Bearer');
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.end(JSON.stringify({ errors: [{ message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', extensions: { code: 'UNAUTHENTICATED' } }] }));
        return;
      }
    }
    response.statusCode = 200;
    response.setHeader('content-type', registry.contentType);
    response.end(request.method === 'HEAD' ? undefined : await registry.metrics());
  };

  return {
    registry,
    plugin,
    route,
    observeHttp(routeName, method, status, seconds) {
      httpRequests.inc({ route: routeName, method, status: String(status) });
      httpDuration.observe({ route: routeName }, seconds);
    },
    registerGauge(name, help, collect, labelNames = []) {
      new client.Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          const value = await collect();
          this.reset();
          if (typeof value === 'number') this.set(value);
          else for (const entry of value) this.set(entry.labels, entry.value);
        },
      });
    },
  };
}
