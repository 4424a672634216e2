import { describe, expect, it } from 'vitest';
import { ConfigError, loadSubgraphConfig } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';

describe('observability and resilience settings', () => {
  it('are off or at their defaults without any variable: no tracing, open /metrics, a 10 s grace period', () => {
    const config = loadGatewayConfig({});
    expect(config.observability).toEqual({ metricsToken: undefined, tracing: null, shutdownGraceMs: 10_000 });
    expect(config.resilience).toMatchObject({ defaultTimeoutMs: 10_000, retries: 2, circuitFailureThreshold: 5 });
    expect(config.subgraphTimeoutMs).toBe(10_000);
  });

  it('read the standard OTEL_* variables: the traces URL under the endpoint, the service name, headers', () => {
    const { tracing } = loadSubgraphConfig('security', 4003, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=cmcc,authorization=Bearer%20abc',
    }).observability;
    expect(tracing).toEqual({ tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'security', headers: { 'x-team': 'cmcc', authorization: 'Bearer abc' } });
    const named = loadGatewayConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_SERVICE_NAME: 'gw-east' }).observability.tracing;
    expect(named).toMatchObject({ tracesUrl: 'http://c:4318/custom', serviceName: 'gw-east' });
    expect(loadGatewayConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).observability.tracing).toBeNull();
  });

  it('report every bad value together, in both services', () => {
    const bad = { METRICS_TOKEN: 'short', OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url', SHUTDOWN_GRACE_MS: '-5', SUBGRAPH_RETRY_BUDGET_PERCENT: '150' };
    let problems: string[] = [];
    try {
      loadGatewayConfig(bad);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.join('\n')).toMatch(/METRICS_TOKEN/);
    expect(problems.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/);
    expect(problems.join('\n')).toMatch(/SHUTDOWN_GRACE_MS/);
    expect(problems.join('\n')).toMatch(/SUBGRAPH_RETRY_BUDGET_PERCENT/);
    expect(() => loadSubgraphConfig('security', 4003, { SHUTDOWN_GRACE_MS: 'soon' })).toThrow(/SHUTDOWN_GRACE_MS/);
  });
});
