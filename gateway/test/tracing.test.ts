import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as poll } from '@cmcc/test-support/eventually';
import { startTracing, type Tracing } from '@cmcc/platform';
import { loadDefinition, startStack, type TestStack } from '@cmcc/test-support/stack';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * OpenTelemetry through a real request: an OTLP/HTTP receiver on port 0 collects what the gateway and a traced
 * humanitarian subgraph export; the subgraph's span continues the gateway's trace (W3C traceparent).
 */

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

const spans: Span[] = [];
const contentTypes: string[] = [];
let receiver: http.Server;
let stack: TestStack;
let subgraphTracing: Tracing | null;
let subgraph: TestSubgraph;

beforeAll(async () => {
  receiver = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    contentTypes.push(String(request.headers['content-type']));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = resourceSpans.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value.stringValue;
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          const attributes = Object.fromEntries((span.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]]));
          spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, attributes });
        }
      }
    }
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  subgraphTracing = startTracing({ tracesUrl: `${endpoint}/v1/traces`, serviceName: 'humanitarian', headers: {} });
  subgraph = await startTestSubgraph(await loadDefinition('humanitarian'), { tracing: subgraphTracing });
  stack = await startStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SUBGRAPH_HUMANITARIAN_URL: `${subgraph.url}/graphql` } });
});

afterAll(async () => {
  await stack?.close();
  await subgraphTracing?.shutdown();
  await subgraph?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const eventually = <T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 15_000) => poll(probe, accept, timeoutMs, 100);

describe('tracing', () => {
  it('exports spans for the gateway request and each subgraph fetch, and the subgraph continues the same trace', async () => {
    const response = await stack.query('query Crossings { crossings { id } areas(level: GOVERNORATE) { pcode } }');
    expect(response.errors).toBeUndefined();
    await subgraphTracing!.flush();
    const found = await eventually(
      () => spans,
      (all) => all.some((s) => s.service === 'humanitarian') && all.some((s) => s.name === 'gateway.fetch' && s.attributes.service === 'humanitarian'),
    );
    const fetch = found.find((s) => s.name === 'gateway.fetch' && s.attributes.service === 'humanitarian')!;
    const request = found.find((s) => s.name === 'gateway.request' && s.traceId === fetch.traceId);
    const gatewayServer = found.find((s) => s.service === 'gateway' && s.name === 'POST /graphql' && s.traceId === fetch.traceId);
    const subgraphServer = found.find((s) => s.service === 'humanitarian' && s.traceId === fetch.traceId);
    expect(request).toBeDefined();
    expect(gatewayServer).toBeDefined();
    expect(gatewayServer!.attributes['cmcc.request_id']).toEqual(expect.any(String));
    expect(subgraphServer).toBeDefined();
    // The subgraph's server span is a child of the gateway's fetch span: context crossed the wire as traceparent.
    expect(subgraphServer!.parentSpanId).toBe(fetch.spanId);
    expect(found.some((s) => s.name === 'gateway.fetch' && s.attributes.service === 'civil-administration' && s.traceId === fetch.traceId)).toBe(true);
    expect(contentTypes.every((type) => type.includes('json'))).toBe(true);
  });
});
