import client from 'prom-client';
import type { ServiceMetrics } from '../../../subgraphs/kit/src/metrics.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { CircuitState, Resilience } from '../resilience/index.ts';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * The gateway's own metrics beside the kit's: subgraph calls (attempts by outcome, latency, retries), each circuit's
 * state (1 for the current state), and the audit buffer. Caches add theirs through `metrics.registerGauge`.
 */
export function registerGatewayMetrics(metrics: ServiceMetrics, { resilience, audit }: { resilience: Resilience; audit: AuditTrail }): void {
  const registers = [metrics.registry];
  const attempts = new client.Counter({ name: 'cmcc_subgraph_requests_total', help: 'Requests to subgraphs (each attempt), by subgraph and outcome', labelNames: ['subgraph', 'outcome'], registers });
  const latency = new client.Histogram({
    name: 'cmcc_subgraph_request_duration_seconds',
    help: 'Time a subgraph took to answer one attempt, by subgraph',
    labelNames: ['subgraph'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const retries = new client.Counter({ name: 'cmcc_subgraph_retries_total', help: 'Subgraph queries retried, by subgraph', labelNames: ['subgraph'], registers });
  const circuit = new client.Gauge({ name: 'cmcc_circuit_state', help: 'Circuit breaker state per subgraph: 1 for the current state (closed, open, half-open)', labelNames: ['subgraph', 'state'], registers });
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
  metrics.registerGauge('cmcc_audit_events', 'Audit events since start: written, refused (fail-closed, buffer full), dropped (fail-open, buffer full)', () => {
    const stats = audit.stats;
    return [
      { labels: { result: 'written' }, value: stats.written },
      { labels: { result: 'refused' }, value: stats.refused },
      { labels: { result: 'dropped' }, value: stats.dropped },
    ];
  }, ['result']);
}
