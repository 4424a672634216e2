import client from 'prom-client';
import type { ServiceMetrics } from '@cmcc/platform';
import type { AuditTrail } from '../audit/index.ts';
import type { CircuitState, Resilience } from '../resilience/index.ts';
import type { Performance } from '../performance.ts';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * The gateway's own metrics beside the kit's: subgraph calls (attempts by outcome, latency, retries), each circuit's
 * state (1 for the current state), and the audit buffer. Caches add theirs through `metrics.registerGauge`.
 */
export function registerGatewayMetrics(metrics: ServiceMetrics, { resilience, audit, performance }: { resilience: Resilience; audit: AuditTrail; performance: Performance }): void {
  const registers = [metrics.registry];
  const attempts = new client.Counter({
    name: 'cmcc_subgraph_requests_total',
    help: 'Requests to subgraphs (each attempt), by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'],
    registers,
  });
  const latency = new client.Histogram({
    name: 'cmcc_subgraph_request_duration_seconds',
    help: 'Time a subgraph took to answer one attempt, by subgraph',
    labelNames: ['subgraph'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const retries = new client.Counter({ name: 'cmcc_subgraph_retries_total', help: 'Subgraph queries retried, by subgraph', labelNames: ['subgraph'], registers });
  const circuit = new client.Gauge({
    name: 'cmcc_circuit_state',
    help: 'Circuit breaker state per subgraph: 1 for the current state (closed, open, half-open)',
    labelNames: ['subgraph', 'state'],
    registers,
  });
  resilience.observe({
    attempt(subgraph, outcome, seconds) {
      attempts.inc({ subgraph, outcome });
      if (outcome !== 'circuit_open') latency.observe({ subgraph }, seconds);
    },
    retry: (subgraph) => retries.inc({ subgraph }),
    circuit(subgraph, state) {
      for (const each of STATES) circuit.set({ subgraph, state: each }, each === state ? 1 : 0);
    },
  });
  metrics.registerGauge('cmcc_audit_buffer_depth', 'Audit events in memory, not yet written to the sink', () => audit.stats.depth);
  metrics.registerGauge('cmcc_audit_buffer_capacity', 'Audit events the buffer holds at most', () => audit.stats.capacity);
  metrics.registerGauge('cmcc_audit_sink_healthy', '1 while the audit sink accepts writes, 0 while it is failing', () => (audit.stats.sinkHealthy ? 1 : 0));
  metrics.registerGauge(
    'cmcc_audit_events',
    'Audit events since start: written, refused (fail-closed, buffer full), dropped (fail-open, buffer full)',
    () => {
      const stats = audit.stats;
      return [
        { labels: { result: 'written' }, value: stats.written },
        { labels: { result: 'refused' }, value: stats.refused },
        { labels: { result: 'dropped' }, value: stats.dropped },
      ];
    },
    ['result'],
  );
  registerCacheMetrics(metrics, performance);
}

/** The caches' counters (response cache, persisted queries, query plans) and the transport's, read at each scrape. */
function registerCacheMetrics(metrics: ServiceMetrics, performance: Performance): void {
  const caches = () => {
    const stats = performance.stats();
    return [
      { cache: 'response', hits: stats.responseCache?.hits ?? 0, misses: stats.responseCache?.misses ?? 0, bypasses: stats.responseCache?.bypasses ?? 0 },
      { cache: 'persisted_queries', hits: stats.persistedQueries?.hits ?? 0, misses: stats.persistedQueries?.misses ?? 0, bypasses: stats.persistedQueries?.bypasses ?? 0 },
      { cache: 'query_plan', hits: stats.planCache.hits, misses: stats.planCache.misses, bypasses: 0 },
    ];
  };
  metrics.registerGauge(
    'cmcc_cache_hit_ratio',
    'Hits / lookups since start, per cache (0 before the first lookup)',
    () => caches().map(({ cache, hits, misses }) => ({ labels: { cache }, value: hits + misses === 0 ? 0 : hits / (hits + misses) })),
    ['cache'],
  );
  metrics.registerGauge(
    'cmcc_cache_lookups',
    'Cache lookups since start, per cache and result (hit, miss, bypass: the store was unreachable)',
    () =>
      caches().flatMap(({ cache, hits, misses, bypasses }) => [
        { labels: { cache, result: 'hit' }, value: hits },
        { labels: { cache, result: 'miss' }, value: misses },
        { labels: { cache, result: 'bypass' }, value: bypasses },
      ]),
    ['cache', 'result'],
  );
  metrics.registerGauge(
    'cmcc_cache_memory_bytes',
    'Bytes held by each in-memory cache store, and its bound',
    () =>
      Object.entries(performance.stats().memory).flatMap(([cache, { bytes, maxBytes }]) => [
        { labels: { cache, kind: 'held' }, value: bytes },
        { labels: { cache, kind: 'bound' }, value: maxBytes },
      ]),
    ['cache', 'kind'],
  );
  metrics.registerGauge(
    'cmcc_cache_evictions',
    'Entries evicted from each in-memory cache store to stay within its byte bound, since start',
    () => Object.entries(performance.stats().memory).map(([cache, { evictions }]) => ({ labels: { cache }, value: evictions })),
    ['cache'],
  );
  metrics.registerGauge('cmcc_response_cache_invalidations', 'Cached responses evicted by mutations since start', () => performance.stats().responseCache?.invalidations ?? 0);
  metrics.registerGauge('cmcc_query_planning_seconds', 'Time spent building query plans since start', () => performance.stats().planCache.planningMs / 1000);
  metrics.registerGauge(
    'cmcc_subgraph_fetches',
    'Subgraph fetches since start: asked for by plans, shared with one in flight, merged into another request, sent',
    () => {
      const transport = performance.stats().transport;
      return [
        { labels: { kind: 'requested' }, value: transport.requests },
        { labels: { kind: 'deduplicated' }, value: transport.deduplicated },
        { labels: { kind: 'merged' }, value: transport.merged },
        { labels: { kind: 'sent' }, value: transport.sent },
      ];
    },
    ['kind'],
  );
}
